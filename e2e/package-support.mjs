// The npm package in host apps (issue 31): packing it once per run (scripts/package.mjs, from the
// release bundle in dist/), installing the tarball into a host fixture offline, and what every host
// must show a user: five workers, live updates, the host's count of problems, the styles kept
// apart both ways, no CSP violation, a quiet console, and client-side navigations that leave no
// socket or interval behind. Also the weight of our files that a host's bundler put before the
// first rows.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { ARTIFACTS, gatewayOver, launchBrowser, openHostPage, startDatabase, until, writeRows } from './support.mjs';
import { brotli } from '../scripts/bundle-size.mjs';
import { freePort } from '../scripts/gateway-process.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HOSTS = path.join(root, 'e2e', 'hosts');
export const NAMES = ['analyze-worker', 'content-worker', 'crawl-worker', 'roundtable-worker', 'x-autopost'];
const run = promisify(execFile);

/** The package's tarball, packed from dist/ (scripts/package.mjs prints its path). */
export async function packTarball() {
  const { stdout } = await run(process.execPath, [path.join(root, 'scripts', 'package.mjs')], { cwd: root });
  return stdout.trim().split('\n').at(-1);
}

/** Installs `tarball` into `host`'s node_modules as npm does, offline (the package has no dependencies). */
export async function installTarball(host, tarball) {
  await fs.rm(path.join(host, 'node_modules'), { recursive: true, force: true });
  await run('npm', ['install', '--offline', '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { cwd: host });
  const manifest = JSON.parse(await fs.readFile(path.join(host, 'node_modules', '@hp', 'worker-status', 'package.json'), 'utf8'));
  assert.equal(manifest.name, '@hp/worker-status');
}

/**
 * What every host's test starts: a database and gateway with five workers, the tarball installed
 * into `host`, a browser. `serve` starts one of the host's servers; `stop` ends everything.
 */
export async function startHostTest(host) {
  const database = await startDatabase();
  const gateway = await gatewayOver(database, 0);
  const writer = createClient(gateway.url, gateway.secretKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  await seedWorkers(writer);
  await installTarball(host, await packTarball());
  const browser = await launchBrowser();
  const children = new Set();
  return {
    gateway,
    writer,
    browser,
    /**
     * Starts `node <args>` (a server that takes `port`) in `cwd`; resolves once its /other page
     * answers, with its origin and how to stop it.
     */
    async serve(what, args, { cwd, env }) {
      const port = await freePort();
      const child = spawn(process.execPath, args(port), { cwd, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stderr.on('data', (chunk) => process.stderr.write(`# ${what}: ${chunk}`));
      children.add(child);
      const origin = `http://127.0.0.1:${port}`;
      await until(async () => (await fetch(`${origin}/other`)).ok, { within: 60_000, what });
      const stop = () => new Promise((resolve) => {
        children.delete(child);
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill();
      });
      return { origin, stop };
    },
    async stop() {
      await browser.close();
      for (const child of children) child.kill();
      await gateway.stop();
      await database.stop();
    },
  };
}

/** Runs `node <args>` in `cwd` and prints how long `what` took. */
export async function timed(what, args, options) {
  const started = Date.now();
  await run(process.execPath, args, { maxBuffer: 16 << 20, ...options });
  console.log(`# ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Four Running, one Crashed: one problem for the host to count. */
export async function seedWorkers(writer) {
  const now = new Date().toISOString();
  await writeRows(writer, NAMES.map((worker_name) => ({
    worker_name,
    status: worker_name === 'crawl-worker' ? 'crashed' : 'running',
    last_heartbeat: now,
  })), { onConflict: 'worker_name' });
}

const live = (page) => until(
  async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live',
  { within: 15_000, what: 'live' },
);

/**
 * The section in `site`'s /ops page: five workers, live, a live change, the host's problem count
 * (from the event), the styles kept apart, nothing in the console. Returns what of ours the first
 * row waited for (`criticalBytes`).
 */
export async function checkSection(browser, site, name, writer) {
  await seedWorkers(writer); // fresh heartbeats: the host says late-after 60
  const { page, noise } = await openHostPage(browser, `${site}/ops`);
  await until(async () => (await page.locator('[data-worker]').count()) === 5, { within: 20_000, what: `${name}: five workers` });
  await live(page);
  assert.equal(await page.locator('[data-testid="summary"]').textContent(), '4/5 Running');
  await until(async () => (await page.getByTestId('problems').textContent()) === '1 need attention', { what: `${name}: the host's count from the event` });
  await writeRows(writer, [{ worker_name: 'crawl-worker', status: 'running', last_heartbeat: new Date().toISOString() }], { onConflict: 'worker_name' });
  await until(async () => (await page.locator('[data-worker="crawl-worker"]').getAttribute('data-status')) === 'running', { what: `${name}: the live update` });
  await until(async () => (await page.getByTestId('problems').textContent()) === '0 need attention', { what: `${name}: the host's count followed` });
  await writeRows(writer, [{ worker_name: 'crawl-worker', status: 'crashed' }], { onConflict: 'worker_name' });
  await until(async () => (await page.locator('[data-worker="crawl-worker"]').getAttribute('data-status')) === 'crashed', { what: `${name}: crashed again` });
  const styles = await page.evaluate(() => {
    const pick = (element) => {
      const style = getComputedStyle(element);
      return { font: style.fontFamily, color: style.color, lineHeight: style.lineHeight, fontSize: style.fontSize };
    };
    const shadow = document.querySelector('worker-status').shadowRoot;
    // Every rule the document's own stylesheets hold (ours would name :host or the section's root).
    const documentRules = [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText));
    return {
      host: pick(document.querySelector('[data-testid="host-text"]')),
      section: pick(shadow.querySelector('.wsm')),
      title: pick(shadow.querySelector('.wsm-title')),
      leaked: documentRules.filter((rule) => /:host|\.wsm(?!-title)/.test(rule)),
      adopted: shadow.adoptedStyleSheets.length,
    };
  });
  assert.match(styles.host.font, /Georgia/, `${name}: the host keeps its font`);
  assert.equal(styles.host.color, 'rgb(20, 20, 120)', `${name}: the host's .wsm-title rule is the host's`);
  assert.doesNotMatch(styles.section.font, /Georgia/, `${name}: the host's font stays out`);
  assert.notEqual(styles.section.color, 'rgb(120, 20, 20)', `${name}: the host's colour stays out`);
  assert.notEqual(styles.title.color, 'rgb(20, 20, 120)', `${name}: the host's class rule stays out`);
  assert.deepEqual(styles.leaked, [], `${name}: none of the section's rules in the host's global CSS`);
  assert.ok(styles.adopted >= 1, `${name}: the section's styles are its shadow root's constructed stylesheet`);
  const critical = await criticalBytes(page);
  assert.deepEqual(await page.evaluate(() => window.__violations), [], `${name}: no CSP violation`);
  assert.deepEqual(noise, [], `${name}: nothing in the console`);
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `package-${name}.png`), fullPage: true });
  await page.close();
  return critical;
}

/** A chunk that holds a framework's code (React's, Next's, Svelte's) besides ours. */
const isHostCode = (text) => /react\.|__next|svelte|createRoot|useState/.test(text);
/** Our scripts a bundler may merge into a chunk of the host's, by their name in the package. */
const PACKAGED = { loader: 'worker-status.js', split: /^wasm-split-[0-9a-f]+\.js$/ };

/** The file of target/package/ named `name` (a name, or a pattern). */
async function packagedFile(name) {
  const dir = path.join(root, 'target', 'package');
  const found = typeof name === 'string' ? name : (await fs.readdir(dir)).find((file) => name.test(file));
  return path.join(dir, found);
}

/**
 * Weighs our code in the files a host's bundler emitted (brotli, as a CDN serves it). A wasm
 * module or a chunk that is only ours (the bindings, the split loader) counts whole (`whole`);
 * where the bundler merged the loader or the split loader into a chunk of the host's, that
 * script counts as the package ships it (target/package/), once however many chunks repeat it,
 * and `inside` names it.
 */
function ourWeight() {
  const counted = new Set();
  return async (file, body) => {
    const text = body.toString('latin1');
    const ours = { loader: text.includes('Worker Status section could not load'), split: text.includes('__wasm_split_prefetch'), bindings: text.includes('__wbindgen') };
    if (file.endsWith('.wasm') || ((ours.split || ours.bindings) && !isHostCode(text))) return { bytes: brotli(body), whole: true, inside: [] };
    const inside = Object.keys(PACKAGED).filter((part) => ours[part]);
    let bytes = 0;
    for (const part of inside.filter((found) => !counted.has(found))) {
      counted.add(part);
      bytes += brotli(await fs.readFile(await packagedFile(PACKAGED[part])));
    }
    return { bytes, whole: false, inside };
  };
}

/**
 * What of ours the first row waited for, as `ourWeight` weighs it: the main wasm module, the
 * chunks only ours, and our scripts inside the host's chunks (those chunks named in `mixed`),
 * fetched before the first row. The lazily loaded modules (asked for early, at a low priority)
 * are not counted, as in scripts/bundle-size.mjs.
 */
async function criticalBytes(page) {
  const before = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((entry) => entry.responseEnd <= window.__firstRowAt && /\.(m?js|wasm)(\?|$)/.test(entry.name))
    .map((entry) => entry.name));
  const weigh = ourWeight();
  let bytes = 0;
  const files = [];
  const mixed = [];
  for (const url of before) {
    const file = new URL(url).pathname;
    if (/\/(split|chunk)_[^/]*\.wasm$/.test(file)) continue;
    const body = Buffer.from(await (await fetch(url)).arrayBuffer());
    const weight = await weigh(file, body);
    bytes += weight.bytes;
    if (weight.whole) files.push(file);
    else if (weight.inside.length > 0) mixed.push(`${file} (${weight.inside.join(' and ')} inside, ${(brotli(body) / 1024).toFixed(1)} KiB with the host's code)`);
  }
  assert.ok(files.some((file) => file.endsWith('.wasm')), `the main wasm was among the files before the first row: ${before}`);
  return { bytes, files, mixed };
}

/**
 * Brotli bytes of ours that a host's build emitted for the browser under `dir`, as `ourWeight`
 * weighs it, for the weight "in all" beside scripts/bundle-size.mjs's total.
 */
export async function emittedBytes(dir) {
  const weigh = ourWeight();
  let bytes = 0;
  for (const name of await fs.readdir(dir, { recursive: true })) {
    if (!/\.(m?js|wasm)$/.test(name)) continue;
    bytes += (await weigh(name, await fs.readFile(path.join(dir, name)))).bytes;
  }
  return bytes;
}

/** Realtime sockets still open in the page (a dev server's own socket is not ours). */
const openRealtimeSockets = (page) => page.evaluate(() => window.__sockets.filter((socket) => socket.readyState <= 1 && socket.url.includes('/realtime/v1/')).length);

/** Ten client-side navigations away and back: remounted each time, nothing left behind. */
export async function checkNavigations(browser, site, name) {
  const { page, noise } = await openHostPage(browser, `${site}/other`);
  await page.getByTestId('billing').waitFor();
  // The host's own (a dev server's client keeps one): what the section leaves must add none.
  const hostIntervals = await page.evaluate(() => window.__intervals());
  for (let round = 1; round <= 10; round += 1) {
    await page.getByTestId('to-ops').click();
    await until(async () => (await page.locator('[data-worker]').count()) === 5, { within: 15_000, what: `${name}: workers, round ${round}` });
    await live(page);
    assert.equal(await openRealtimeSockets(page), 1, `${name}: one socket while mounted, round ${round}`);
    await page.getByTestId('to-other').click();
    await page.getByTestId('billing').waitFor();
    await until(async () => (await openRealtimeSockets(page)) === 0, { within: 2_000, what: `${name}: socket closed on unmount, round ${round}` });
    assert.equal(await page.evaluate(() => window.__intervals()), hostIntervals, `${name}: no interval left, round ${round}`);
  }
  assert.deepEqual(await page.evaluate(() => window.__violations), [], `${name}: no CSP violation`);
  assert.deepEqual(noise, [], `${name}: nothing in the console`);
  await page.close();
}
