// make bench: 10,000 workers under a burst of 1,000 changes a second for 10 s (100-row upserts
// every 100 ms through the official supabase-js), for the release bundle and for the two
// supabase-js reference pages (bench/peers/), one after the other in the same run, each on a
// fresh gateway and database. For each page it prints the longest main-thread task and the share
// of the main thread that was busy during the burst (PerformanceObserver 'longtask' and CDP
// TaskDuration), how long after the gateway delivered the last change the page showed it, and
// the JS heap (plus wasm memory for the Leptos section) after 1,000 and after 100,000 changes
// (the rest written faster, 5,000 a second, after the timed burst); then each figure as
// project / peer. A page that has not shown the last change 60 s after the burst is reported as
// not converged rather than waited for, and one that cannot show the 10,000 workers within 90 s
// as not loaded.
//
//   node bench/burst.mjs                 all three pages
//   node bench/burst.mjs --only project  the section alone (for A/B runs of a build change)
import os from 'node:os';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { gatewayOver, launchBrowser, serveHostPage, serveReleaseBundle, startDatabase, writeRows } from '../e2e/support.mjs';
import { WORKERS, fleetShown, heartbeatRow as row, seedFleet, workerName } from './fleet.mjs';
import { servePeer } from './peer-site.mjs';

const PER_BATCH = 100;
const BATCHES = 100; // 10 s at 10 batches a second
const MEMORY_CHANGES = 100_000;
const CONVERGE_TIMEOUT_MS = 60_000;
const LOAD_TIMEOUT_MS = 90_000;
const FIRST = workerName(0);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the burst against one page; the table is reset to job counts of 0 first. */
async function burst(browser, page, writer, gateway, final) {
  await seedFleet(writer);
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await tab.addInitScript(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  console.error(`burst: ${page.name}`);
  await tab.goto(page.url);
  if (!(await fleetShown(tab, LOAD_TIMEOUT_MS))) {
    // A page that cannot even show the fleet has no burst figures; it is reported, not waited for.
    await tab.close();
    return { notLoaded: true };
  }
  await tab.waitForTimeout(2_000); // subscribed and settled
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Performance.enable');
  const metric = async (wanted) => (await cdp.send('Performance.getMetrics')).metrics.find((entry) => entry.name === wanted).value;
  const memory = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const wasm = await tab.evaluate(() => customElements.get('worker-status')?.wasmMemoryBytes ?? 0);
    return usedSize + wasm;
  };
  // The first worker (w-00000, on screen on every page) gets the final job count of the burst.
  const listener = createClient(gateway.url, gateway.publishableKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  let deliveredAt = 0;
  await new Promise((resolve) => listener.channel(`burst-${final}`).on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'hp_worker_status' },
    (change) => { if (change.new.jobs_processed === final) deliveredAt = Date.now(); }).subscribe((state) => state === 'SUBSCRIBED' && resolve()));

  let afterFirstThousand = 0;
  await tab.evaluate(() => { window.__longest = 0; }); // the burst's tasks only, not the first load's
  const busyBefore = await metric('TaskDuration');
  const started = Date.now();
  for (let batch = 0; batch < BATCHES; batch += 1) {
    await sleep(Math.max(0, started + batch * 100 - Date.now()));
    const rows = Array.from({ length: PER_BATCH }, (_, i) => row((batch * PER_BATCH + i * 97) % WORKERS, batch * PER_BATCH + i + 1));
    if (batch === BATCHES - 1) rows[0] = row(0, final);
    await writeRows(writer, rows);
    if (batch === 9) afterFirstThousand = await memory();
  }
  const burstMs = Date.now() - started;
  const converged = await tab.waitForFunction(([worker, value]) => /Jobs: (\d+)/.exec((document.querySelector('worker-status')?.shadowRoot ?? document)
    .querySelector(`[data-worker="${worker}"]`)?.textContent ?? '')?.[1] === String(value), [FIRST, final], { timeout: CONVERGE_TIMEOUT_MS, polling: 5 })
    .then(() => true, () => false);
  const shownAt = Date.now();
  const busy = (await metric('TaskDuration')) - busyBefore;
  const longest = await tab.evaluate(() => window.__longest);
  for (let written = PER_BATCH * BATCHES; written < MEMORY_CHANGES; written += 500) {
    await writeRows(writer, Array.from({ length: 500 }, (_, i) => row((written + i * 13) % WORKERS, written + i)));
    await sleep(100);
  }
  await tab.waitForTimeout(2_000);
  const afterAll = await memory();
  await listener.removeAllChannels();
  await tab.close();
  return {
    burstMs,
    longest,
    busyShare: (busy * 1000) / (shownAt - started),
    lag: converged && deliveredAt ? shownAt - deliveredAt : Infinity,
    afterFirstThousand,
    afterAll,
  };
}

// Each page gets a database and gateway of its own, so no page inherits another's WAL backlog.
const bundle = await serveReleaseBundle();
const browser = await launchBrowser();
const allPages = [
  { name: 'project (Leptos)', key: 'project', serve: (gateway) => serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey }) },
  { name: 'supabase-js, plain JS', key: 'plain', serve: (gateway) => servePeer('vanilla.js', gateway) },
  { name: 'supabase-js + React 19', key: 'react', serve: (gateway) => servePeer('react.jsx', gateway) },
];
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const pages = only ? allPages.filter((page) => page.key === only) : allPages;
if (pages.length === 0) {
  console.error(`burst: --only takes one of ${allPages.map((page) => page.key).join(', ')}`);
  process.exit(2);
}
for (const page of pages) {
  const database = await startDatabase();
  const gateway = await gatewayOver(database, 0, { faults: false });
  const writer = createClient(gateway.url, gateway.secretKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  const site = await page.serve(gateway);
  page.result = await burst(browser, { ...page, url: site.url }, writer, gateway, 999_999);
  await site.stop();
  await gateway.stop();
  await database.stop();
}
const [ours, vanilla, react] = allPages;

const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
const growth = (result) => result.afterAll / result.afterFirstThousand - 1;
console.log(`burst (${os.cpus().length} cores, headless Chromium): ${WORKERS} workers, ${PER_BATCH * BATCHES} changes in 10 s, then to ${MEMORY_CHANGES} changes`);
for (const { name: page, result } of pages) {
  if (result.notLoaded) {
    console.log(`  ${page.padEnd(24)} did not show ${WORKERS} workers within ${LOAD_TIMEOUT_MS / 1000} s: no burst figures`);
    continue;
  }
  console.log(`  ${page.padEnd(24)} longest task ${result.longest > 0 ? `${result.longest.toFixed(0)} ms` : 'none over 50 ms'}; `
    + `main thread busy ${(result.busyShare * 100).toFixed(0)} %; last change on screen ${Number.isFinite(result.lag) ? `${result.lag} ms` : `not within ${CONVERGE_TIMEOUT_MS / 1000} s`} after delivery; `
    + `memory ${mib(result.afterFirstThousand)} -> ${mib(result.afterAll)} (${(growth(result) * 100).toFixed(1)} %)`);
}
const ratio = (value, peer) => (Number.isFinite(value) && Number.isFinite(peer) && peer > 0 ? (value / peer).toPrecision(2) : 'n/a');
for (const peer of only || ours.result.notLoaded ? [] : [vanilla, react].filter((peer) => !peer.result.notLoaded)) {
  console.log(`  project / ${peer.name}: longest task ${ratio(Math.max(ours.result.longest, 50), Math.max(peer.result.longest, 50))}, `
    + `busy ${ratio(ours.result.busyShare, peer.result.busyShare)}, change on screen ${ratio(ours.result.lag, peer.result.lag)}, `
    + `memory after 100,000 changes ${ratio(ours.result.afterAll, peer.result.afterAll)}`);
}
await browser.close();
await bundle.stop();
