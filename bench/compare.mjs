// make bench, side by side: the Leptos section against two reference pages of the same section
// built with the official supabase-js (bench/peers/: plain JavaScript, React 19), on one gateway
// and one database in the same run, interleaved, reported as medians and as ratios
// project / peer. What it measures:
//   - bytes a browser downloads (brotli): before the first rows show (the critical path) and all;
//   - time from navigation start to the first five rows in the DOM, timed in the page (the five
//     seeded workers, before the fleet is added), on loopback and on a phone-like link: 150 ms round trip, 1.6 Mbit/s down,
//     750 kbit/s up, CPU slowed 4x (Lighthouse's mobile preset), applied through the Chrome
//     DevTools Protocol to every request of the page, the socket's handshake included, and by
//     `link-proxy.mjs` to the socket's frames, which the protocol does not delay (15 rounds);
//   - navigation -> live (issue 30): once the first rows show, a writer changes one worker every
//     100 ms; "live" is the first of those values on screen, timed in the page, on both links;
//   - cold navigation -> every worker counted (1,000 workers, 5 interleaved rounds);
//   - UPDATE -> DOM minus the gateway's own delivery time (a Node supabase-js subscriber
//     stamps when the gateway delivered the change; the page stamps when its DOM showed it);
//   - main-thread time while idle with 1,000 running workers ticking "Last seen" (10 s, CDP).
import os from 'node:os';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { bundleSize, kib } from '../scripts/bundle-size.mjs';
import { DIST, gatewayOver, launchBrowser, serveHostPage, serveReleaseBundle, startDatabase } from '../e2e/support.mjs';
import { startLinkProxy } from './link-proxy.mjs';
import { servePeer } from './peer-site.mjs';

const WORKERS = 1000;
/** `--first-rows`: only the first rows and navigation -> live (a minute instead of several). */
const FIRST_ROWS_ONLY = process.argv.includes('--first-rows');
const ROUNDS = 5;
/**
 * Rounds of the first rows and live, per page and link (BENCH_FIRST_ROWS_ROUNDS=<n> to change):
 * 15, since a median of 7 moved by 0.1 of a ratio from one run to the next on two cores.
 */
const FIRST_ROWS_ROUNDS = Math.max(1, Number.parseInt(process.env.BENCH_FIRST_ROWS_ROUNDS ?? '', 10) || 15);
/** Lighthouse's mobile preset ("slow 4G"): what a phone on a weak link gets. */
const PHONE = { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8, cpu: 4 };
const UPDATES = 40;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Waits until the page's summary (in the element's shadow root, or the page) counts `total`. */
const counted = (page, total, timeout = 30_000) => page.waitForFunction((expected) => {
  const root = document.querySelector('worker-status')?.shadowRoot ?? document;
  return (root.querySelector('[data-testid="summary"]')?.textContent ?? '').endsWith(`/${expected} Running`);
}, total, { timeout, polling: 10 });

/** The jobs count the live writer starts from: any value from here on is a change written live. */
const LIVE_MARK = 7_000_000;

/**
 * Milliseconds from navigation start to five worker rows in the DOM, and to the first change
 * written after they showed (a writer changes crawl-worker every 100 ms from then on), in a fresh
 * context, both timed in the page (a MutationObserver on the document and on every shadow root
 * stamps the moments); `link` throttles.
 *
 * The page tells the bench the moment it stamps, through a DevTools protocol binding
 * (`Runtime.addBinding`: a function on the page's global that sends one protocol event, with no
 * script of the driver's in the page), so the writer starts when the rows show, not when the
 * driver next gets the page's main thread: polling with `evaluate` waited for whatever the page
 * did after its rows (their layout, a module's compile), so that wait, the driver's, was counted
 * against a page busy after its rows far more than against an idle one.
 */
async function firstRowsAndLive(browser, url, link, writer) {
  // The socket's frames cross the link too: half its round trip each way.
  linkProxy.setDelay(link ? link.latency / 2 : 0);
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (link) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: link.latency, downloadThroughput: link.downloadThroughput, uploadThroughput: link.uploadThroughput,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: link.cpu });
  }
  const stamped = { rows: signal(), live: signal() };
  cdp.on('Runtime.bindingCalled', ({ name, payload }) => {
    if (name === '__benchStamp') stamped[payload]?.resolve();
  });
  // Bindings exist, and call back, only where the session enabled the runtime (Playwright's
  // own session has it enabled on every page already).
  await cdp.send('Runtime.enable');
  await cdp.send('Runtime.addBinding', { name: '__benchStamp' });
  await page.addInitScript((mark) => {
    // The moments, by name ('rows', 'live'), each stamped once and told to the bench.
    const at = (window.__benchAt = {});
    const stamp = (moment) => {
      if (at[moment]) return;
      at[moment] = performance.now();
      window.__benchStamp(moment);
    };
    const watch = (root) => new MutationObserver(() => {
      if (root.querySelectorAll('[data-worker]').length >= 5) stamp('rows');
      const jobs = Number(root.querySelector('[data-worker="crawl-worker"]')?.textContent.match(/Jobs: (\d+)/)?.[1] ?? 0);
      if (jobs >= mark) stamp('live');
    }).observe(root, { subtree: true, childList: true, characterData: true });
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (...args) {
      const root = attach.apply(this, args);
      watch(root);
      return root;
    };
    watch(document);
  }, LIVE_MARK);
  await page.goto(url);
  await withDeadline(stamped.rows.promise, `${url}: no five rows within 60 s`);
  let value = LIVE_MARK;
  let shown = false;
  const writing = (async () => {
    while (!shown) {
      const { error } = await writer.from('hp_worker_status').update({ jobs_processed: value, last_heartbeat: new Date().toISOString() }).eq('worker_name', 'crawl-worker');
      if (error) throw new Error(error.message);
      value += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  // Together, so that a write that fails ends the round with its own error; the writer stops
  // once the value showed (or the wait gave up).
  await Promise.all([withDeadline(stamped.live.promise, `${url}: no live change on screen within 60 s`).finally(() => { shown = true; }), writing]);
  const { rows, live } = await page.evaluate(() => window.__benchAt);
  await context.close();
  // Back to the seeded count for the next round.
  await writer.from('hp_worker_status').update({ jobs_processed: 0 }).eq('worker_name', 'crawl-worker');
  return { rows: Math.round(rows), live: Math.round(live) };
}

/** A promise with its `resolve` at hand. */
function signal() {
  let resolve;
  const promise = new Promise((done) => { resolve = done; });
  return { promise, resolve };
}

/** `promise`, or an error with `message` after 60 s. */
function withDeadline(promise, message) {
  let timer;
  const deadline = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), 60_000); });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function coldLoad(browser, url, total) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(url);
  await counted(page, total);
  const elapsed = Date.now() - started;
  await context.close();
  return elapsed;
}

async function updateToDom(browser, url, total, writer, listener) {
  const page = await browser.newPage();
  await page.goto(url);
  await counted(page, total);
  await page.waitForTimeout(1_500); // subscribed and settled
  await page.evaluate(() => {
    window.__seen = {};
    const root = document.querySelector('worker-status')?.shadowRoot ?? document;
    new MutationObserver(() => {
      const text = root.querySelector('[data-worker="w-00001"]')?.textContent ?? '';
      const jobs = text.match(/Jobs: (\d+)/)?.[1];
      if (jobs && !(jobs in window.__seen)) window.__seen[jobs] = performance.timeOrigin + performance.now();
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });
  const samples = [];
  for (let n = 1; n <= UPDATES; n += 1) {
    const jobs = 100_000 + Math.floor(Math.random() * 1e9);
    const delivered = listener.next(jobs);
    const { error } = await writer.from('hp_worker_status').update({ jobs_processed: jobs, last_heartbeat: new Date().toISOString() }).eq('worker_name', 'w-00001');
    if (error) throw new Error(error.message);
    const deliveredAt = await delivered;
    const shownAt = await (await page.waitForFunction((value) => window.__seen[value], String(jobs), { polling: 5, timeout: 10_000 })).jsonValue();
    samples.push(shownAt - deliveredAt);
    await page.waitForTimeout(50);
  }
  await page.close();
  return median(samples);
}

async function idleMainThread(browser, url, total) {
  const page = await browser.newPage();
  await page.goto(url);
  await counted(page, total);
  await page.waitForTimeout(2_000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskTime = async () => (await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'TaskDuration').value;
  const before = await taskTime();
  await page.waitForTimeout(10_000);
  const busy = (await taskTime()) - before;
  await page.close();
  return busy * 1000; // ms of main-thread work in 10 s
}

/** Resolves `next(jobs)` with the time a Node supabase-js subscriber received that change. */
async function deliveryListener(gateway) {
  const client = createClient(gateway.url, gateway.publishableKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  const waiting = new Map();
  await new Promise((resolve) => client.channel('bench-listener').on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'hp_worker_status' }, (change) => {
    waiting.get(change.new.jobs_processed)?.(Date.now());
  }).subscribe((state) => state === 'SUBSCRIBED' && resolve()));
  return {
    next: (jobs) => new Promise((resolve) => waiting.set(jobs, resolve)),
    stop: () => client.removeAllChannels(),
  };
}

const database = await startDatabase();
const gateway = await gatewayOver(database, 0, { faults: false });
const writer = createClient(gateway.url, gateway.secretKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });

const bundle = await serveReleaseBundle();
// The first rows' pages reach the gateway through the link's proxy (`linkUrl`); the rest directly.
const linkProxy = await startLinkProxy(gateway.url);
const throughLink = { ...gateway, url: linkProxy.url };
const linkSites = [];
const linkSite = (site) => {
  linkSites.push(site);
  return site.url;
};
const ours = { name: 'project (Leptos)', site: await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey }) };
ours.url = ours.site.url;
ours.linkUrl = linkSite(await serveHostPage({ bundle, gatewayUrl: linkProxy.url, key: gateway.publishableKey }));
const weight = await bundleSize(DIST);
ours.bytes = weight.total.brotli;
ours.critical = weight.phases.critical.brotli;
// BENCH_BASELINE_DIST=<an earlier release dist/>: that build too, first rows and live only, for
// a before/after in the same run.
const baselineDist = FIRST_ROWS_ONLY ? process.env.BENCH_BASELINE_DIST : undefined;
const baselineBundle = baselineDist ? await serveReleaseBundle(baselineDist) : undefined;
const baseline = baselineBundle && { name: 'project, baseline', site: await serveHostPage({ bundle: baselineBundle, gatewayUrl: gateway.url, key: gateway.publishableKey }) };
if (baseline) {
  baseline.url = baseline.site.url;
  baseline.linkUrl = linkSite(await serveHostPage({ bundle: baselineBundle, gatewayUrl: linkProxy.url, key: gateway.publishableKey }));
  const baselineWeight = await bundleSize(baselineDist);
  baseline.bytes = baselineWeight.total.brotli;
  baseline.critical = baselineWeight.phases.critical.brotli;
}
const vanilla = { name: 'supabase-js, plain JS', ...(await servePeer('vanilla.js', gateway)) };
const react = { name: 'supabase-js + React 19', ...(await servePeer('react.jsx', gateway)) };
vanilla.linkUrl = linkSite(await servePeer('vanilla.js', throughLink));
react.linkUrl = linkSite(await servePeer('react.jsx', throughLink));
const pages = [ours, ...(baseline ? [baseline] : []), vanilla, react];
// A peer page is one script: everything it downloads is on its critical path.
for (const peer of [vanilla, react]) peer.critical = peer.bytes;
const browser = await launchBrowser();

// The first rows, while the table holds the five seeded workers: interleaved rounds.
for (const entry of pages) Object.assign(entry, { loopback: [], phone: [], loopbackLive: [], phoneLive: [] });
for (let round = 0; round < FIRST_ROWS_ROUNDS; round += 1) {
  for (const entry of pages) {
    const { rows, live } = await firstRowsAndLive(browser, entry.linkUrl, null, writer);
    entry.loopback.push(rows);
    entry.loopbackLive.push(live);
  }
  for (const entry of pages) {
    const { rows, live } = await firstRowsAndLive(browser, entry.linkUrl, PHONE, writer);
    entry.phone.push(rows);
    entry.phoneLive.push(live);
  }
}

const ratio = (value, peer) => (peer > 0 ? (value / peer).toFixed(2) : 'n/a');
if (!FIRST_ROWS_ONLY) {
const now = new Date().toISOString();
const rows = Array.from({ length: WORKERS }, (_, i) => ({ worker_name: `w-${String(i).padStart(5, '0')}`, status: 'running',
  last_heartbeat: now, jobs_processed: i, error_count: 0, circuit_breaker_open: false, metadata: {} }));
if ((await writer.from('hp_worker_status').upsert(rows)).error) throw new Error('seeding failed');
const total = WORKERS + 5;

var listener = await deliveryListener(gateway);

for (const entry of pages) entry.loads = [];
for (let round = 0; round < ROUNDS; round += 1) {
  for (const entry of pages) entry.loads.push(await coldLoad(browser, entry.url, total));
}
for (const entry of pages) entry.update = await updateToDom(browser, entry.url, total, writer, listener);
for (const entry of pages) entry.idle = await idleMainThread(browser, entry.url, total);

console.log(`side by side (${os.cpus().length} cores, loopback, headless Chromium, ${WORKERS} workers, same gateway, same run)`);
console.log(`  ${'page'.padEnd(24)} ${'bytes (brotli)'.padStart(15)} ${'cold load (median of ' + ROUNDS + ')'.padEnd(10)} ${'UPDATE->DOM after delivery'.padStart(27)} ${'idle main thread / 10 s'.padStart(24)}`);
for (const entry of pages) {
  console.log(`  ${entry.name.padEnd(24)} ${kib(entry.bytes).padStart(15)} ${(median(entry.loads) + ' ms').padStart(27)} ${(entry.update.toFixed(1) + ' ms').padStart(27)} ${(entry.idle.toFixed(0) + ' ms').padStart(24)}`);
}
for (const peer of [vanilla, react]) {
  console.log(`  project / ${peer.name}: bytes ${ratio(ours.bytes, peer.bytes)}, cold load ${ratio(median(ours.loads), median(peer.loads))}, `
    + `UPDATE->DOM ${ratio(ours.update, peer.update)}, idle main thread ${ratio(ours.idle, peer.idle)}`);
}
}
console.log(`first five rows (5 workers; medians of ${FIRST_ROWS_ROUNDS}, interleaved; phone: ${PHONE.latency} ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU ${PHONE.cpu}x slower)`);
console.log(`  ${'page'.padEnd(24)} ${'critical path'.padStart(14)} ${'all bytes'.padStart(10)} ${'loopback'.padStart(10)} ${'phone-like link'.padStart(16)}`);
for (const entry of pages) {
  console.log(`  ${entry.name.padEnd(24)} ${kib(entry.critical).padStart(14)} ${kib(entry.bytes).padStart(10)} ${(median(entry.loopback) + ' ms').padStart(10)} ${(median(entry.phone) + ' ms').padStart(16)}`);
}
for (const peer of [vanilla, react]) {
  console.log(`  project / ${peer.name}: critical path ${ratio(ours.critical, peer.critical)}, all bytes ${ratio(ours.bytes, peer.bytes)}, `
    + `first rows on loopback ${ratio(median(ours.loopback), median(peer.loopback))}, on the phone-like link ${ratio(median(ours.phone), median(peer.phone))}`);
}
console.log(`navigation -> live (a writer changes one worker every 100 ms once the first rows show; the first such value on screen; medians of ${FIRST_ROWS_ROUNDS})`);
console.log(`  ${'page'.padEnd(24)} ${'loopback: rows'.padStart(15)} ${'live'.padStart(8)} ${'rows->live'.padStart(11)} ${'phone: rows'.padStart(12)} ${'live'.padStart(8)} ${'rows->live'.padStart(11)}`);
const gap = (live, rows) => median(live.map((value, i) => value - rows[i]));
for (const entry of pages) {
  console.log(`  ${entry.name.padEnd(24)} ${(median(entry.loopback) + ' ms').padStart(15)} ${(median(entry.loopbackLive) + ' ms').padStart(8)} ${(gap(entry.loopbackLive, entry.loopback) + ' ms').padStart(11)}`
    + ` ${(median(entry.phone) + ' ms').padStart(12)} ${(median(entry.phoneLive) + ' ms').padStart(8)} ${(gap(entry.phoneLive, entry.phone) + ' ms').padStart(11)}`);
}
// BENCH_SHOW_ROUNDS=1: every round's first rows / live, to see a median's spread (a first change
// that missed the gateway's 100 ms poll of the database shows 100 ms later, on any page).
if (process.env.BENCH_SHOW_ROUNDS) {
  for (const entry of pages) {
    const rounds = (rows, live) => rows.map((value, i) => `${value}/${live[i]}`).join(' ');
    console.log(`  ${entry.name}: loopback ${rounds(entry.loopback, entry.loopbackLive)}; phone ${rounds(entry.phone, entry.phoneLive)}`);
  }
}
for (const peer of [vanilla, react]) {
  console.log(`  project / ${peer.name}: live on loopback ${ratio(median(ours.loopbackLive), median(peer.loopbackLive))}, `
    + `on the phone-like link ${ratio(median(ours.phoneLive), median(peer.phoneLive))}`);
}

await listener?.stop();
await browser.close();
for (const entry of pages) await (entry.site ?? entry).stop();
for (const site of linkSites) await site.stop();
await linkProxy.stop();
await bundle.stop();
await baselineBundle?.stop();
await gateway.stop();
await database.stop();
