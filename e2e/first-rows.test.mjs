// What the first rows wait for (issue 19), as a browser sees it on the release bundle: the
// loader starts the wasm, the bindings and the first page of rows at once; the app takes that
// page instead of asking again; nothing is downloaded twice; the lazily loaded parts (asked for
// once the main module's response has started) never hold the first rows up; and a configuration
// the app refuses sends no request at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { WATCH_FIRST_ROW, gatewayOver, launchBrowser, serveHostPage, serveReleaseBundle, startDatabase, until, writeRows } from './support.mjs';
import { phase } from '../scripts/bundle-size.mjs';

let database;
let gateway;
let bundle;
let browser;
const servers = [];
const FIRST_PAGE = '/rest/v1/hp_worker_status?select=*&order=worker_name.asc&limit=1000';

before(async () => {
  database = await startDatabase();
  gateway = await gatewayOver(database, 0);
  // Metadata long enough to fold ("2 more") and a value that wraps in a narrow card: the first
  // rows draw it as the section does.
  const writer = createClient(gateway.url, gateway.secretKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  await writeRows(writer, [{
    worker_name: 'crawl-worker',
    metadata: { region: 'eu-west-1', version: '2.4.1', queue: 'crawl/high-priority/with-a-long-name-that-wraps', pid: 4242, host: 'worker-7', shard: 3 },
  }], { onConflict: 'worker_name' });
  bundle = await serveReleaseBundle();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const server of servers) await server.stop();
  await bundle?.stop();
  await gateway?.stop();
  await database?.stop();
});

/** Opens `url` and records every request and console line from before the first byte. */
async function open(url) {
  const page = await browser.newPage();
  const events = [];
  const consoleLines = [];
  page.on('request', (request) => events.push({ kind: 'request', url: request.url() }));
  page.on('response', (response) => events.push({ kind: 'response', url: response.url() }));
  page.on('requestfinished', (request) => events.push({ kind: 'finished', url: request.url() }));
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
  await page.addInitScript(WATCH_FIRST_ROW);
  await page.goto(url);
  return { page, events, consoleLines };
}

const firstRow = (page) => page.waitForFunction(() => window.__firstRowAt !== undefined, null, { timeout: 15_000 });

async function host(options = {}) {
  const site = await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey, ...options });
  servers.push(site);
  return site;
}

test('the loader asks for the first page while the wasm downloads, and the app takes that answer', async () => {
  const { page, events, consoleLines } = await open((await host()).url);
  await firstRow(page);
  const before = events.slice();
  const wasmUrl = before.find((event) => event.kind === 'request' && /dashboard-[0-9a-f]+_bg\.wasm$/.test(event.url))?.url;
  assert.ok(wasmUrl, 'the main wasm was requested');
  const firstPage = before.filter((event) => event.kind === 'request' && event.url === `${gateway.url}${FIRST_PAGE}`);
  // Counted in the page, by when each started: the live rows ask for a fresh snapshot as soon as
  // the channel subscribes, which may be a moment after the first row showed.
  const askedBeforeFirstRow = await page.evaluate((url) => performance.getEntriesByType('resource')
    .filter((entry) => entry.name === url && entry.startTime <= window.__firstRowAt).length, `${gateway.url}${FIRST_PAGE}`);
  assert.equal(askedBeforeFirstRow, 1, 'one request for the first page before the first rows: the app took the loader\'s');
  const asked = before.indexOf(firstPage[0]);
  const wasmDone = before.findIndex((event) => event.kind === 'finished' && event.url === wasmUrl);
  assert.ok(wasmDone === -1 || asked < wasmDone, 'the first page was asked for before the wasm had arrived');
  const bundleRequests = before.filter((event) => event.kind === 'request' && event.url.startsWith(bundle.origin)).map((event) => event.url);
  assert.deepEqual(bundleRequests.filter((url, index) => bundleRequests.indexOf(url) !== index), [], 'no file of the bundle twice');
  assert.deepEqual(consoleLines.filter((line) => /error|preload/i.test(line)), []);
  await page.close();
});

test('the first rows never wait for a lazily loaded part', async () => {
  const { page, events } = await open((await host()).url);
  await firstRow(page);
  await until(() => page.locator('[data-testid="triage"]').first().isVisible(), { within: 10_000, what: 'the section loaded after its first rows' });
  const seen = events.slice();
  const timing = await page.evaluate(() => ({
    firstRowAt: window.__firstRowAt,
    resources: performance.getEntriesByType('resource').map((entry) => ({ name: entry.name, startTime: entry.startTime, responseEnd: entry.responseEnd })),
  }));
  const file = (url) => new URL(url).pathname.slice(1);
  const ours = timing.resources.filter((entry) => entry.name.startsWith(bundle.origin));
  const lazy = ours.filter((entry) => phase(file(entry.name)) === 'lazy');
  assert.ok(lazy.length > 0, `lazily loaded modules were fetched: ${ours.map((entry) => file(entry.name))}`);
  // Asked for only once the main module's response has started (the loader's `live`, one round
  // trip before its last byte, so that its bytes follow the main module's on the link; the
  // section's later), never beside the requests the first rows wait for. In the order the browser
  // reported them: resource timing hides when a cross-origin response started, and its end came
  // after a lazy request's start whenever the machine was slow to read the body.
  const main = seen.findIndex((event) => event.kind === 'response' && /_bg\.wasm$/.test(file(event.url)));
  assert.ok(main >= 0, 'the main module was fetched');
  for (const entry of lazy) {
    const asked = seen.findIndex((event) => event.kind === 'request' && event.url === entry.name);
    assert.ok(asked > main, `${file(entry.name)} was asked for once the main module's response started`);
  }
  for (const entry of ours.filter((entry) => phase(file(entry.name)) === 'critical')) {
    assert.ok(entry.responseEnd <= timing.firstRowAt, `${file(entry.name)} is on the critical path`);
  }
  await page.close();
});

test('the first rows drawn before the section loads are the ones it shows: same workers, order, words and places', async () => {
  // Places include each card's height: the section fills the slots the first rows leave for the
  // triage bar, the history strip and the "Details" row, so nothing moves when those arrive, at
  // a desktop width and a phone's.
  const site = await host();
  for (const width of [1200, 420]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    // The section's module held back, so the first rows stay on screen long enough to read.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route(/\/split_section-[0-9a-f]+\.wasm$/, async (route) => { await held; await route.continue(); });
    await page.goto(site.url);
    const cards = () => page.evaluate(() => [...document.querySelector('worker-status').shadowRoot.querySelectorAll('[data-worker]')].map((card) => {
      const box = card.getBoundingClientRect();
      return {
        name: card.dataset.worker,
        status: card.dataset.status,
        head: card.querySelector('.wsm-card-head').textContent,
        counts: card.querySelector('[data-testid="counts"]').textContent,
        metadata: card.querySelector('[data-testid="metadata"]')?.textContent ?? null,
        place: [box.x, box.y, box.width, box.height].map(Math.round),
      };
    }));
    await page.waitForFunction(() => document.querySelector('worker-status')?.shadowRoot?.querySelectorAll('[data-worker]').length === 5);
    const drawn = await cards();
    const summary = await page.locator('[data-testid="summary"]').textContent();
    assert.equal(await page.locator('[data-testid="triage"]').count(), 0, 'the section itself is not loaded yet');
    assert.match(drawn.find((card) => card.name === 'crawl-worker').metadata, /pid4242.*2 more.*version2\.4\.1/);
    release();
    await until(() => page.locator('[data-testid="triage"]').first().isVisible(), { within: 10_000, what: 'the section took over' });
    await until(async () => (await page.locator('[data-testid="history"]').count()) === 5 && (await page.locator('[data-testid="open-detail"]').count()) === 5, { within: 10_000, what: 'strips and "Details" in every card' });
    assert.deepEqual(await cards(), drawn, `at ${width} px`);
    assert.equal(await page.locator('[data-testid="summary"]').textContent(), summary);
    assert.equal(await page.locator('[data-testid="worker-status"]').count(), 1, 'one section, not two');
    await page.close();
  }
});

test('nothing jumps from the first rows to live, wide and narrow: the header keeps its height, layout shift stays near zero', async () => {
  // Before the connection badge kept one width in every state, a narrow header wrapped while
  // connecting and not once live, moving everything below it: a layout shift of 0.24 alone. The
  // height is compared exactly. The layout shift as Chromium scores it (Web Vitals: "good" at
  // most 0.1) also counts what arrives after the first rows: the triage bar and each card's
  // history and "Details" moved the rows by 0.06 wide and 0.07 to 0.21 narrow until they got
  // slots of their own; 0.0004 since (2026-12-03).
  // The live module is held back half a second, so that the first rows show "Connecting" for
  // a while: with the loader's join, they are often live from their first frame.
  const site = await host();
  for (const width of [1280, 420]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.route(/\/(split_live|chunk_\d+)-[0-9a-f]+\.wasm$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue();
    });
    await page.addInitScript(() => {
      const header = () => document.querySelector('worker-status')?.shadowRoot?.querySelector('.wsm-header');
      const watch = () => {
        const state = header()?.querySelector('[data-testid="connection"]')?.dataset.state;
        if (state === 'connecting') window.__connectingHeight ??= header().getBoundingClientRect().height;
        if (state !== 'live') requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
      window.__shift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(site.url);
    await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live', { within: 15_000, what: 'live' });
    await page.waitForTimeout(1_000);
    const { connecting, live, shift } = await page.evaluate(() => ({
      connecting: window.__connectingHeight,
      live: document.querySelector('worker-status').shadowRoot.querySelector('.wsm-header').getBoundingClientRect().height,
      shift: window.__shift,
    }));
    console.log(`# at ${width} px: header ${connecting} px connecting, ${live} px live; layout shift ${shift.toFixed(3)}`);
    assert.ok(connecting > 0, 'the header was seen while connecting');
    assert.equal(live, connecting, `the header's height at ${width} px`);
    assert.ok(shift < 0.02, `layout shift ${shift.toFixed(4)} at ${width} px`);
    await page.close();
  }
});

test('the standalone page uses its preload hints: each file once, no unused preload', async () => {
  const { page, events, consoleLines } = await open(bundle.url);
  await until(async () => (await page.locator('[data-testid="worker-status"]').count()) === 1, { within: 10_000, what: 'mounted' });
  await page.waitForTimeout(3_500); // Chromium warns of an unused preload after about 3 s
  const requests = events.filter((event) => event.kind === 'request' && event.url.startsWith(bundle.origin)).map((event) => event.url);
  assert.ok(requests.some((url) => url.endsWith('_bg.wasm')), `the wasm was fetched: ${requests}`);
  assert.deepEqual(requests.filter((url, index) => requests.indexOf(url) !== index), [], 'no file twice');
  assert.deepEqual(consoleLines.filter((line) => /preload/i.test(line)), []);
  await page.close();
});

test('a key or URL the app refuses sends no request at all, not even the loader\'s', async () => {
  const jwt = (role) => `e30.${Buffer.from(JSON.stringify({ role })).toString('base64url')}.c2ln`;
  const cases = [
    ['a secret key', { key: gateway.secretKey }],
    ['a legacy service_role key', { key: jwt('service_role') }],
    ['no URL scheme', { gatewayUrl: gateway.url.replace(/^http:\/\//, '') }],
  ];
  for (const [what, options] of cases) {
    const site = await host(options);
    const { page, events } = await open(site.url);
    await until(() => page.locator('worker-status [data-testid="error-panel"]').isVisible(), { within: 10_000, what: `${what} refused` });
    await page.waitForTimeout(500);
    const sent = events.filter((event) => event.kind === 'request' && event.url.includes('/rest/v1/'));
    assert.deepEqual(sent.map((event) => event.url), [], `${what}: nothing sent`);
    await page.close();
  }
});
