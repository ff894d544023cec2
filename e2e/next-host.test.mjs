// The section in the host it was made for (issue 21): a Next.js 16 App Router dashboard
// (React 19, TypeScript) in e2e/hosts/next, built with `next build` (which type-checks the TSX
// that places <worker-status> against only the bundle's worker-status.d.ts) and run with
// `next start`, the release bundle on another origin, Next's per-request CSP nonce in force.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { ARTIFACTS, DIST, gatewayOver, launchBrowser, openHostPage, serveReleaseBundle, startDatabase, until, writeRows } from './support.mjs';
import { freePort } from '../scripts/gateway-process.mjs';
import { seedWorkers } from './package-support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP = path.join(root, 'e2e', 'hosts', 'next');
const NEXT = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

let database;
let gateway;
let writer;
let bundle;
let browser;
let next;
let site;

before(async () => {
  database = await startDatabase();
  gateway = await gatewayOver(database, 0);
  writer = createClient(gateway.url, gateway.secretKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  // Four Running, one Crashed: one problem for the title to count.
  await seedWorkers(writer);
  bundle = await serveReleaseBundle();
  // As a user would: the bundle's types beside the app's sources, then Next's own build.
  await fs.copyFile(path.join(DIST, 'worker-status.d.ts'), path.join(APP, 'worker-status.d.ts'));
  const started = Date.now();
  await promisify(execFile)(process.execPath, [NEXT, 'build', APP], { cwd: root, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  console.log(`# next build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const port = await freePort();
  next = spawn(process.execPath, [NEXT, 'start', APP, '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      WORKER_STATUS_BUNDLE: bundle.origin,
      SUPABASE_URL: gateway.url,
      SUPABASE_PUBLISHABLE_KEY: gateway.publishableKey,
    },
  });
  next.stderr.on('data', (chunk) => process.stderr.write(`# next: ${chunk}`));
  site = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${site}/other`)).ok, { within: 30_000, what: 'next start' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  next?.kill();
  await bundle?.stop();
  await gateway?.stop();
  await database?.stop();
});

const open = (pathname) => openHostPage(browser, `${site}${pathname}`);

const live = (page) => until(
  async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live',
  { within: 15_000, what: 'live' },
);

test('in a Next.js page: the five workers, live updates, the host\'s styles and the section\'s kept apart, a quiet console', async () => {
  const { page, noise } = await open('/ops');
  const html = await (await fetch(`${site}/ops`)).text();
  assert.match(html, /<worker-status supabase-url="[^"]+" supabase-key="[^"]+" late-after="60" update-title=""><\/worker-status>/, 'the element is in the server-rendered HTML');
  await until(async () => (await page.locator('[data-worker]').count()) === 5, { within: 15_000, what: 'five workers' });
  await live(page);
  assert.equal(await page.locator('[data-testid="summary"]').textContent(), '4/5 Running');
  await writeRows(writer, [{ worker_name: 'crawl-worker', status: 'running', last_heartbeat: new Date().toISOString() }], { onConflict: 'worker_name' });
  await until(async () => (await page.locator('[data-worker="crawl-worker"]').getAttribute('data-status')) === 'running', { what: 'the live update' });
  await writeRows(writer, [{ worker_name: 'crawl-worker', status: 'crashed' }], { onConflict: 'worker_name' });
  await until(async () => (await page.locator('[data-worker="crawl-worker"]').getAttribute('data-status')) === 'crashed', { what: 'crashed again' });
  const styles = await page.evaluate(() => {
    const pick = (element) => {
      const style = getComputedStyle(element);
      return { font: style.fontFamily, color: style.color, lineHeight: style.lineHeight, fontSize: style.fontSize };
    };
    const shadow = document.querySelector('worker-status').shadowRoot;
    return { host: pick(document.querySelector('[data-testid="host-text"]')), section: pick(shadow.querySelector('.wsm')), title: pick(shadow.querySelector('.wsm-title')) };
  });
  assert.match(styles.host.font, /Georgia/, 'the host keeps its font');
  assert.equal(styles.host.color, 'rgb(20, 20, 120)', 'the host\'s .wsm-title rule is the host\'s, untouched by the section\'s');
  assert.doesNotMatch(styles.section.font, /Georgia/, 'the host\'s font stays out');
  assert.notEqual(styles.section.color, 'rgb(120, 20, 20)', 'the host\'s colour stays out');
  assert.notEqual(styles.title.color, 'rgb(20, 20, 120)', 'the host\'s class rule stays out');
  assert.ok(parseFloat(styles.section.lineHeight) / parseFloat(styles.section.fontSize) < 2, `the host's line height stays out: ${JSON.stringify(styles.section)}`);
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation');
  assert.deepEqual(noise, [], 'nothing in the console');
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'next-host.png'), fullPage: true });
  await page.close();
});

test('ten client-side navigations away and back: unmounted and remounted each time, nothing left behind, live again, titles right', async () => {
  const { page, noise } = await open('/other');
  assert.equal(await page.title(), 'Billing · Operations');
  const cdp = await page.context().newCDPSession(page);
  const listeners = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Memory.getDOMCounters')).jsEventListeners;
  };
  let baseline = null;
  for (let round = 1; round <= 10; round += 1) {
    await page.getByTestId('to-ops').click();
    await until(async () => (await page.locator('[data-worker]').count()) === 5, { within: 15_000, what: `workers, round ${round}` });
    await live(page);
    assert.equal(await page.evaluate(() => window.__openSockets()), 1, `one socket while mounted, round ${round}`);
    await until(async () => (await page.title()) === '(1) Workers · Operations', { what: `the problem count in Next's title, round ${round}` });
    await page.getByTestId('to-other').click();
    await page.getByTestId('billing').waitFor();
    await until(async () => (await page.evaluate(() => window.__openSockets())) === 0, { within: 2_000, what: `socket closed on unmount, round ${round}` });
    assert.equal(await page.evaluate(() => window.__intervals()), 0, `no interval left, round ${round}`);
    await until(async () => (await page.title()) === 'Billing · Operations', { within: 2_000, what: `Next's title for the next page, round ${round}` });
    if (round === 2) baseline = await listeners();
  }
  const done = await listeners();
  assert.ok(done <= baseline, `event listeners grew from ${baseline} to ${done} over eight rounds`);
  // Leaving while the section is still connecting, too.
  for (let round = 1; round <= 3; round += 1) {
    await page.getByTestId('to-ops').click();
    await page.locator('worker-status').waitFor({ state: 'attached' });
    await page.getByTestId('to-other').click();
    await page.getByTestId('billing').waitFor();
  }
  await until(async () => (await page.evaluate(() => window.__openSockets())) === 0, { within: 3_000, what: 'no socket after quick visits' });
  await page.waitForTimeout(1_000);
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation');
  assert.deepEqual(noise, [], 'nothing in the console');
  await page.close();
});
