// <worker-status> dropped into host pages, as a dashboard team would do it: the release bundle on
// its own origin served with vercel.json's headers, host pages on another origin with their own
// strict CSP and hostile global CSS, a React 19 host, two elements, add/remove cycles, the change
// event, the publishable key end to end and a secret key refused in the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { ARTIFACTS, DIST, INSTRUMENT, gatewayOver, launchBrowser, serveHostPage, serveReleaseBundle, startDatabase, until as waitUntil, writeRows } from './support.mjs';

let database;
let gateway;
let writer;
let bundle;
let browser;
const servers = [];

before(async () => {
  database = await startDatabase();
  gateway = await gatewayOver(database, 0);
  writer = createClient(gateway.url, gateway.secretKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  bundle = await serveReleaseBundle();
  browser = await launchBrowser();
  await fs.mkdir(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  for (const server of servers) await server.stop();
  await bundle?.stop();
  await gateway?.stop();
  await database?.stop();
});

async function host(options = {}) {
  const server = await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey, ...options });
  servers.push(server);
  return server;
}

async function openPage(url, { colorScheme = 'light' } = {}) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, colorScheme });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(INSTRUMENT);
  await page.goto(url);
  return { page, errors };
}

/** `until` with a longer default wait: mounting includes loading the app. */
const until = (check, options = {}) => waitUntil(check, { within: 10_000, ...options });

const live = (page, nth = 0) => until(
  async () => (await page.locator('[data-testid="connection"]').nth(nth).getAttribute('data-state')) === 'live',
  { what: 'live' },
);

/** Computed styles of elements matched by `selector` (inside the shadow root when `inShadow`). */
function stylesOf(page, selector, inShadow) {
  const PROPERTIES = ['color', 'font-family', 'font-size', 'font-style', 'font-weight', 'letter-spacing', 'line-height',
    'margin-top', 'padding-left', 'list-style-type', 'text-transform', 'text-align', 'text-shadow', 'word-spacing',
    'background-color', 'direction', 'box-sizing', 'border-top-style', 'white-space', 'cursor', 'display'];
  return page.evaluate(([selector, inShadow, properties]) => {
    const roots = inShadow ? [...document.querySelectorAll('worker-status')].map((element) => element.shadowRoot) : [document];
    return roots.flatMap((root) => [...root.querySelectorAll(selector)]).map((element) => {
      const style = getComputedStyle(element);
      return Object.fromEntries(properties.map((name) => [name, style.getPropertyValue(name)]));
    });
  }, [selector, inShadow, PROPERTIES]);
}

const INSIDE = '.wsm, .wsm-title, .wsm-summary, .wsm-list, .wsm-card, .wsm-name, .wsm-seen, .wsm-counts';
const OUTSIDE = 'body, .host-heading, .host-section, .host-title, .host-list, .host-item';

test('a hostile host page on another origin with a strict CSP: the section works, and neither side restyles the other', async () => {
  const plain = await host();
  const hostile = await host({ hostileCss: true });
  const { page, errors } = await openPage(hostile.url);
  await until(async () => (await page.locator('[data-testid="summary"]').textContent()) === '0/5 Running', { what: '0/5 Running' });
  await live(page);
  await writeRows(writer, { worker_name: 'crawl-worker', status: 'running', last_heartbeat: new Date().toISOString() });
  await until(async () => (await page.locator('[data-worker="crawl-worker"]').getAttribute('data-status')) === 'running', { within: 3_000, what: 'the update followed' });
  await until(async () => (await page.locator('[data-testid="summary"]').textContent()) === '1/5 Running', { within: 3_000, what: '1/5 Running' });
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation');
  assert.match(hostile.csp, /script-src 'self' http:\/\/127\.0\.0\.1:\d+ 'wasm-unsafe-eval'/);
  assert.doesNotMatch(hostile.csp, /'unsafe-inline'|'unsafe-eval'/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'element-hostile-host.png'), fullPage: true });

  const { page: calm } = await openPage(plain.url);
  await until(async () => (await calm.locator('[data-testid="summary"]').textContent()) === '1/5 Running', { what: 'calm page loaded' });
  const inside = await stylesOf(page, INSIDE, true);
  assert.ok(inside.length >= 10, `${inside.length} elements compared`);
  assert.deepEqual(inside, await stylesOf(calm, INSIDE, true), 'the host CSS did not change the section');

  const { page: bare } = await openPage(`${hostile.url}bare`);
  assert.deepEqual(await stylesOf(page, OUTSIDE, false), await stylesOf(bare, OUTSIDE, false), 'the section CSS did not change the host');
  assert.deepEqual(errors, []);
  await Promise.all([page.close(), calm.close(), bare.close()]);
});

test('theme follows the system preference, and the theme attribute overrides it', async () => {
  const site = await host({ body: '<worker-status id="light" theme="light"></worker-status>' });
  const { page } = await openPage(site.url, { colorScheme: 'dark' });
  await live(page);
  const background = (selector) => page.locator(`${selector} >> .wsm`).evaluate((element) => getComputedStyle(element).backgroundColor);
  await until(async () => (await page.locator('#light >> [data-testid="summary"]').count()) === 1, { what: 'second element' });
  assert.equal(await background('worker-status:not([id])'), 'rgb(13, 17, 23)', 'dark, as the system prefers');
  assert.equal(await background('#light'), 'rgb(255, 255, 255)', 'theme="light" wins');
  await page.locator('#light').evaluate((element) => element.setAttribute('theme', 'dark'));
  assert.equal(await background('#light'), 'rgb(13, 17, 23)');
  await page.close();
});

test('a host enforcing Trusted Types: the section works with one policy named worker-status, and data never becomes markup', async () => {
  // Hostile text where markup could hide: a worker's name, description and metadata.
  const hostile = '<img src=x onerror="window.__pwned=1">';
  await writeRows(writer, [{
    worker_name: `tt-${hostile}`,
    status: 'running',
    last_heartbeat: new Date().toISOString(),
    description: hostile,
    metadata: { note: hostile, [hostile]: 'key' },
  }], { onConflict: 'worker_name' });
  try {
    const site = await host({ extraCsp: ["require-trusted-types-for 'script'", 'trusted-types worker-status'] });
    const { page, errors } = await openPage(site.url);
    const noise = [];
    page.on('console', (message) => {
      if (['warning', 'error'].includes(message.type())) noise.push(message.text());
    });
    await live(page);
    await until(async () => (await page.locator('[data-worker]').count()) === 6, { what: 'six workers under Trusted Types' });
    await page.locator('[data-testid="triage"]').waitFor();
    const card = page.locator('[data-worker^="tt-"]');
    await card.locator('[data-testid="open-detail"]').click();
    await card.locator('[data-testid="detail"]').waitFor();
    assert.match(await card.textContent(), /<img src=x onerror/, 'the hostile strings show as text');
    assert.equal(await card.locator('img').count(), 0, 'and never as an element');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no Trusted Types violation');
    assert.deepEqual(noise, []);
    assert.deepEqual(errors, []);
    await page.close();
    // A host that allows no policy of ours: the section says why it cannot start.
    const strict = await host({ extraCsp: ["require-trusted-types-for 'script'", "trusted-types 'none'"] });
    const refused = await openPage(strict.url);
    const shown = () => refused.page.evaluate(() => document.querySelector('worker-status').shadowRoot?.textContent ?? '');
    await until(async () => /Trusted Types.*trusted-types worker-status/s.test(await shown()), { what: 'the reason shown' }).catch(async (error) => {
      throw new Error(`${error.message}: ${await shown()} ${JSON.stringify(refused.errors)} ${JSON.stringify(await refused.page.evaluate(() => window.__violations))}`);
    });
    await refused.page.close();
  } finally {
    await writer.from('hp_worker_status').delete().eq('worker_name', `tt-${hostile}`);
  }
});

test('removed while its socket is still connecting: the socket closes once open, and the console stays quiet', async () => {
  // Closing a WebSocket that is still connecting makes Chromium log "WebSocket is closed before
  // the connection is established" in the host's console (issue 21 saw it in a Next.js host).
  const site = await host({ elements: 0 });
  const { page, errors } = await openPage(site.url);
  const noise = [];
  page.on('console', (message) => {
    if (['warning', 'error'].includes(message.type())) noise.push(message.text());
  });
  let whileConnecting = 0;
  for (let round = 0; round < 10; round += 1) {
    const state = await page.evaluate(([url, key]) => new Promise((resolve) => {
      const seen = window.__sockets.length;
      const element = document.createElement('worker-status');
      element.setAttribute('supabase-url', url);
      element.setAttribute('supabase-key', key);
      document.body.append(element);
      const check = () => {
        if (window.__sockets.length > seen) {
          const { readyState } = window.__sockets.at(-1);
          element.remove();
          resolve(readyState);
        } else requestAnimationFrame(check);
      };
      check();
    }), [gateway.url, gateway.publishableKey]);
    if (state === 0) whileConnecting += 1;
    await page.waitForTimeout(200);
  }
  assert.ok(whileConnecting > 0, 'at least one removal while the socket was connecting');
  await until(async () => (await page.evaluate(() => window.__openSockets())) === 0, { within: 3_000, what: 'every socket closed' });
  await page.waitForTimeout(500);
  assert.deepEqual(noise, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('50 add/remove cycles: each removal closes the socket and stops every interval; nothing grows; re-adding works', async () => {
  const site = await host({ elements: 0 });
  const { page, errors } = await openPage(site.url);
  const cdp = await page.context().newCDPSession(page);
  const baselineIntervals = await page.evaluate(() => window.__intervals());
  const cycle = async () => {
    await page.evaluate(([url, key]) => {
      const element = document.createElement('worker-status');
      element.setAttribute('supabase-url', url);
      element.setAttribute('supabase-key', key);
      document.body.append(element);
    }, [gateway.url, gateway.publishableKey]);
    await live(page);
    assert.equal(await page.evaluate(() => window.__openSockets()), 1, 'one socket while mounted');
    await page.evaluate(() => document.querySelector('worker-status').remove());
    await until(async () => (await page.evaluate(() => window.__openSockets())) === 0, { within: 2_000, what: 'socket closed on removal' });
    assert.equal(await page.evaluate(() => window.__intervals()), baselineIntervals, 'no interval left running');
  };
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const { jsEventListeners, nodes } = await cdp.send('Memory.getDOMCounters');
    const wasm = await page.evaluate(() => customElements.get('worker-status').wasmMemoryBytes);
    return { heap: usedSize, listeners: jsEventListeners, nodes, wasm };
  };
  for (let i = 0; i < 10; i += 1) await cycle();
  const warm = await measure();
  for (let i = 0; i < 40; i += 1) await cycle();
  const done = await measure();
  assert.ok(done.heap <= warm.heap * 1.1, `JS heap grew from ${warm.heap} to ${done.heap} bytes over 40 cycles`);
  assert.ok(done.wasm <= warm.wasm + 65_536, `wasm memory grew from ${warm.wasm} to ${done.wasm} bytes over 40 cycles`);
  assert.ok(done.listeners <= warm.listeners, `event listeners grew from ${warm.listeners} to ${done.listeners}`);
  console.log(`# after 10 cycles ${JSON.stringify(warm)}; after 50 ${JSON.stringify(done)}`);
  await page.evaluate(([url, key]) => {
    document.body.insertAdjacentHTML('beforeend', `<worker-status supabase-url="${url}" supabase-key="${key}"></worker-status>`);
  }, [gateway.url, gateway.publishableKey]);
  await live(page);
  await until(async () => (await page.locator('[data-worker]').count()) === 5, { what: 'workers after re-adding' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a React 19 host mounts and unmounts <worker-status> through state', async () => {
  const result = await build({
    stdin: {
      contents: `
        import { useState } from 'react';
        import { createRoot } from 'react-dom/client';
        function App() {
          const [shown, setShown] = useState(true);
          return (
            <div>
              <button id="toggle" onClick={() => setShown((value) => !value)}>{shown ? 'Hide' : 'Show'} workers</button>
              {shown && <worker-status supabase-url={SUPABASE_URL} supabase-key={SUPABASE_KEY}></worker-status>}
            </div>
          );
        }
        createRoot(document.getElementById('react-root')).render(<App />);`,
      loader: 'jsx',
      resolveDir: process.cwd(),
    },
    bundle: true,
    format: 'esm',
    jsx: 'automatic',
    minify: true,
    write: false,
    define: {
      'process.env.NODE_ENV': '"production"',
      SUPABASE_URL: JSON.stringify(gateway.url),
      SUPABASE_KEY: JSON.stringify(gateway.publishableKey),
    },
  });
  const site = await host({ elements: 0, body: '<div id="react-root"></div>', files: { 'app.js': result.outputFiles[0].text }, script: 'app.js' });
  // The loader too, as a Next.js page would add it in its layout.
  const { page, errors } = await openPage(site.url);
  await page.addScriptTag({ type: 'module', url: `${bundle.origin}/worker-status.js` });
  await live(page);
  await until(async () => (await page.locator('[data-worker]').count()) === 5, { what: 'workers in the React host' });
  await page.click('#toggle');
  assert.equal(await page.locator('worker-status').count(), 0);
  await until(async () => (await page.evaluate(() => window.__openSockets())) === 0, { within: 2_000, what: 'socket closed when React unmounted it' });
  await page.click('#toggle');
  await live(page);
  assert.equal(await page.evaluate(() => window.__openSockets()), 1);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('two elements on one page both work, and each tells the host page its counts', async () => {
  const site = await host({ elements: 2 });
  const { page, errors } = await openPage(site.url);
  await live(page, 0);
  await live(page, 1);
  assert.equal(await page.evaluate(() => window.__openSockets()), 2);
  await until(async () => (await page.evaluate(() => window.__changes.length)) >= 2, { what: 'first change events' });
  await writeRows(writer, [
    { worker_name: 'x-autopost', status: 'running', circuit_breaker_open: false, last_heartbeat: new Date().toISOString() },
    { worker_name: 'content-worker', status: 'crashed', circuit_breaker_open: true, last_heartbeat: new Date().toISOString() },
  ]);
  const expected = await (async () => {
    const { data } = await writer.from('hp_worker_status').select('worker_name');
    return data.length;
  })();
  await until(async () => (await page.locator('[data-worker="content-worker"]').nth(1).getAttribute('data-status')) === 'crashed', { what: 'both updated' });
  await until(async () => (await page.locator('[data-worker="content-worker"]').nth(0).getAttribute('data-status')) === 'crashed', { what: 'both updated' });
  const changes = await until(async () => {
    const all = await page.evaluate(() => window.__changes);
    const last = all.filter((change) => change.detail.problems >= 1);
    return last.length >= 2 ? all : null;
  }, { what: 'change events with the crash' });
  const latest = changes.at(-1);
  assert.equal(latest.target, 'worker-status', 'dispatched on the element, seen at the document');
  assert.equal(latest.composed, true);
  assert.equal(latest.detail.total, expected);
  assert.equal(latest.detail.problems, 1);
  const summary = await page.locator('[data-testid="summary"]').first().textContent();
  assert.equal(summary, `${latest.detail.running}/${latest.detail.total} Running`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an internal error stops every section with a message, and another app\'s wasm trap is not taken for ours', async () => {
  // The release build aborts on a panic: its module traps, uncaught, and the loader recognises
  // the trap by the module's name in the stack (scripts/build-app.mjs names every module).
  for (const file of (await fs.readdir(DIST)).filter((name) => name.endsWith('.wasm'))) {
    const module = await WebAssembly.compile(await fs.readFile(path.join(DIST, file)));
    assert.ok(WebAssembly.Module.customSections(module, 'name').length === 1, `${file} carries its name`);
    assert.ok((await fs.readFile(path.join(DIST, file))).includes('worker_status'), `${file} is named worker_status`);
  }
  const site = await host({ elements: 2 });
  const { page, errors } = await openPage(site.url);
  await live(page, 0);
  await live(page, 1);
  // A real trap, thrown from a timer like one of ours, by a module carrying the given name.
  const trapIn = (name) => page.evaluate((name) => {
    const text = new TextEncoder().encode(name);
    const moduleName = [0, text.length + 1, text.length, ...text];
    const nameSection = [0, 5 + moduleName.length, 4, ...new TextEncoder().encode('name'), ...moduleName];
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 98, 111, 111, 109, 0, 0,
      10, 5, 1, 3, 0, 0x00, 0x0b, ...nameSection]);
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    setTimeout(() => exports.boom());
  }, name);
  await trapIn('another_app');
  await until(async () => errors.length === 1, { what: 'the host\'s own trap, uncaught' });
  await page.waitForTimeout(300);
  assert.equal(await page.locator('[data-crashed]').count(), 0, 'another wasm\'s trap leaves the sections alone');
  assert.equal(await page.evaluate(() => window.__openSockets()), 2);

  await trapIn('worker_status');
  await until(async () => (await page.locator('[data-crashed]').count()) === 2, { what: 'both sections stopped' });
  for (const text of await page.locator('[data-crashed]').allTextContents()) {
    assert.match(text, /^The Worker Status section stopped because of an internal error\. Reload the page/);
  }
  await until(async () => (await page.evaluate(() => window.__openSockets())) === 0, { within: 2_000, what: 'their sockets closed' });
  await page.close();
});

test('changing any attribute the app reads remounts the section with it', async () => {
  // The attributes src/config.rs reads, from its source: one added there and not observed by the
  // loader fails here.
  const source = await fs.readFile(path.join(path.dirname(DIST), 'src', 'config.rs'), 'utf8');
  const read = [...new Set([...source.matchAll(/(?:attribute|get_attribute)\("([a-z-]+)"\)/g)].map((match) => match[1]))].sort();
  assert.deepEqual(read, ['group-by', 'late-after', 'realtime', 'stopped-after', 'supabase-key', 'supabase-url', 'update-title', 'view']);
  const changes = {
    'group-by': 'host', 'late-after': '10', realtime: 'broadcast', 'stopped-after': '900',
    'supabase-key': gateway.anonKey, 'supabase-url': `${gateway.url}/`, 'update-title': '', view: 'tv',
  };
  const site = await host();
  const { page, errors } = await openPage(site.url);
  await live(page);
  for (const name of read) {
    const before = await page.locator('[data-testid="worker-status"]').elementHandle();
    await page.locator('worker-status').evaluate((element, [name, value]) => element.setAttribute(name, value), [name, changes[name]]);
    await until(() => before.evaluate((root) => !root.isConnected), { within: 3_000, what: `a remount after ${name} changed` });
    await live(page);
  }
  // What the last values show: the wall view, and the groups it keeps.
  assert.equal(await page.locator('.wsm-tv').count(), 1, 'view="tv" took effect');
  assert.deepEqual(errors, []);
  await page.close();
});

test('changing supabase-key remounts the section with the new key', async () => {
  const site = await host();
  const { page, errors } = await openPage(site.url);
  await live(page);
  await page.locator('worker-status').evaluate((element, key) => element.setAttribute('supabase-key', key), gateway.secretKey);
  await until(() => page.locator('[data-testid="error-panel"]').isVisible(), { what: 'the secret key refused after the change' });
  await until(async () => (await page.evaluate(() => window.__openSockets())) === 0, { within: 2_000, what: 'the old socket closed' });
  await page.locator('worker-status').evaluate((element, key) => element.setAttribute('supabase-key', key), gateway.anonKey);
  await live(page);
  assert.equal(await page.evaluate(() => window.__openSockets()), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a secret key in the page is refused with what to use, and nothing is fetched with it', async () => {
  const site = await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.secretKey });
  servers.push(site);
  const { page, errors } = await openPage(site.url);
  const requests = [];
  page.on('request', (request) => { if (request.url().startsWith(gateway.url)) requests.push(request.url()); });
  const panel = page.locator('[data-testid="error-panel"]');
  await until(() => panel.isVisible(), { what: 'the refusal' });
  const text = await panel.textContent();
  assert.match(text, /secret key/);
  assert.match(text, /sb_publishable_/);
  assert.equal(await page.evaluate(() => window.__openSockets()), 0);
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the standalone page and the assets carry vercel.json\'s headers, and the page runs under its CSP', async () => {
  const index = await fetch(bundle.url);
  const csp = index.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  // The header is the ceiling (any https: or wss: origin); the page narrows it to the project the
  // bundle was built for (scripts/page-csp.mjs), whatever its domain.
  assert.match(csp, /connect-src 'self' https: wss:(;|$)/);
  const html = await index.text();
  assert.match(html, /<head><meta http-equiv="Content-Security-Policy" content="connect-src 'self' http:\/\/127\.0\.0\.1:54321 ws:\/\/127\.0\.0\.1:54321">/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'/);
  assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(index.headers.get('referrer-policy'));
  assert.ok(index.headers.get('permissions-policy'));
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const loader = await fetch(`${bundle.origin}/worker-status.js`);
  assert.equal(loader.headers.get('access-control-allow-origin'), '*');
  assert.equal(loader.headers.get('cross-origin-resource-policy'), 'cross-origin');
  assert.doesNotMatch(loader.headers.get('cache-control'), /immutable/, 'the stable loader is revalidated');
  // Its TypeScript types, beside it under the same stable name, as a TypeScript file another
  // origin may fetch (a static host's MIME table would call .ts an MPEG stream).
  const types = await fetch(`${bundle.origin}/worker-status.d.ts`);
  assert.equal(types.status, 200);
  assert.match(types.headers.get('content-type'), /^application\/typescript/);
  assert.equal(types.headers.get('access-control-allow-origin'), '*');
  assert.doesNotMatch(types.headers.get('cache-control'), /immutable/);
  assert.match(await types.text(), /'worker-status': WorkerStatusElement/);
  // The hashed names the loader points to (it is minified: read them by their shapes).
  const source = await loader.text();
  const names = [/dashboard-[0-9a-f]+\.js/, /dashboard-[0-9a-f]+_bg\.wasm/, /wasm-split-[0-9a-f]+\.js/].map((shape) => source.match(shape)?.[0]);
  assert.ok(names.every(Boolean), `the loader names the bindings, the wasm and the split loader: ${names}`);
  // The section's styles travel in the loader (one constructed stylesheet), not as a file.
  assert.match(source, /:host\{display:block\}/);
  for (const name of names) {
    const asset = await fetch(`${bundle.origin}/${name}`, { method: 'HEAD' });
    assert.equal(asset.status, 200, name);
    assert.match(asset.headers.get('cache-control'), /immutable/, name);
    assert.equal(asset.headers.get('access-control-allow-origin'), '*', name);
    assert.equal(asset.headers.get('cross-origin-resource-policy'), 'cross-origin', name);
  }
  // The bundle was built for the local stack, which this CSP does not allow: the section must
  // still mount and say it cannot reach the service, with scripts and styles all allowed.
  const { page, errors } = await openPage(bundle.url);
  await until(async () => (await page.locator('[data-testid="worker-status"]').count()) === 1, { what: 'mounted' });
  const blocked = await until(async () => {
    const lines = await page.evaluate(() => window.__violations);
    return lines.length > 0 ? lines : null;
  }, { what: 'the build-time Supabase URL tried' });
  assert.deepEqual(blocked.filter((line) => !line.startsWith('connect-src')), [], 'only the local stack is blocked');
  assert.ok(blocked.some((line) => line.includes('127.0.0.1:54321')), `without attributes the build-time URL applies: ${blocked}`);
  // The section says why it cannot connect, naming what the page's connect-src must admit.
  const panel = page.locator('[data-testid="error-panel"]');
  await until(async () => /security policy blocks/.test(await panel.textContent()), { within: 15_000, what: 'the policy named in the error panel' });
  assert.match(await panel.textContent(), /Add http:\/\/127\.0\.0\.1:54321 and ws:\/\/127\.0\.0\.1:54321 to connect-src/);
  assert.deepEqual(errors, []);
  await page.close();
});
