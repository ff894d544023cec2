// make bench: 10,000 workers under a burst of 1,000 changes a second for 10 s (100-row upserts
// every 100 ms through the official supabase-js), against the release bundle in Chromium. It
// prints the longest main-thread task and the share of the main thread that was busy during the
// burst (PerformanceObserver 'longtask' and CDP TaskDuration), how long after the gateway
// delivered the last change the page showed it, and the JS heap plus wasm memory after 1,000
// and after 100,000 changes (the rest written faster, 5,000 a second, after the timed burst).
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { gatewayOver, launchBrowser, serveHostPage, serveReleaseBundle, startDatabase } from '../e2e/support.mjs';

const WORKERS = 10_000;
const PER_BATCH = 100;
const BATCHES = 100; // 10 s at 10 batches a second
const MEMORY_CHANGES = 100_000;
const name = (i) => `w-${String(i).padStart(5, '0')}`;

const database = await startDatabase();
const gateway = await gatewayOver(database, 0, { faults: false });
const writer = createClient(gateway.url, gateway.secretKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
const row = (i, jobs) => ({ worker_name: name(i), status: 'running', last_heartbeat: new Date().toISOString(),
  jobs_processed: jobs, error_count: 0, circuit_breaker_open: false, metadata: {} });
for (let from = 0; from < WORKERS; from += 2_000) {
  const { error } = await writer.from('hp_worker_status').upsert(Array.from({ length: 2_000 }, (_, i) => row(from + i, 0)));
  if (error) throw new Error(error.message);
}
const bundle = await serveReleaseBundle();
const site = await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey });
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.addInitScript(() => {
  window.__longest = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
  }).observe({ type: 'longtask', buffered: true });
});
await page.goto(site.url);
await page.waitForFunction((n) => (document.querySelector('worker-status')?.shadowRoot?.querySelector('[data-testid="summary"]')?.textContent ?? '').endsWith(`/${n} Running`), WORKERS + 5, { timeout: 60_000 });
await page.waitForFunction(() => document.querySelector('worker-status').shadowRoot.querySelector('[data-testid="connection"]')?.dataset.state === 'live');
await page.waitForTimeout(1_000);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const metric = async (wanted) => (await cdp.send('Performance.getMetrics')).metrics.find((entry) => entry.name === wanted).value;
const memory = async () => {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => customElements.get('worker-status').wasmMemoryBytes);
  return usedSize + wasm;
};
// The first worker (w-00000, rendered on screen) gets the final job count of the burst.
const listener = createClient(gateway.url, gateway.publishableKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
let deliveredAt = 0;
const FINAL = 999_999;
await new Promise((resolve) => listener.channel('burst').on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'hp_worker_status' },
  (change) => { if (change.new.jobs_processed === FINAL) deliveredAt = Date.now(); }).subscribe((state) => state === 'SUBSCRIBED' && resolve()));

let afterFirstThousand = 0;
await page.evaluate(() => { window.__longest = 0; }); // the burst's tasks only, not the first load's
const busyBefore = await metric('TaskDuration');
const started = Date.now();
for (let batch = 0; batch < BATCHES; batch += 1) {
  const due = started + batch * 100;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
  const rows = Array.from({ length: PER_BATCH }, (_, i) => row((batch * PER_BATCH + i * 97) % WORKERS, batch * PER_BATCH + i + 1));
  if (batch === BATCHES - 1) rows[0] = row(0, FINAL);
  const { error } = await writer.from('hp_worker_status').upsert(rows);
  if (error) throw new Error(error.message);
  if (batch === 9) afterFirstThousand = await memory();
}
const burstMs = Date.now() - started;
await page.waitForFunction((final) => /Jobs: (\d+)/.exec(document.querySelector('worker-status').shadowRoot.querySelector('[data-worker="w-00000"]')?.textContent ?? '')?.[1] === String(final), FINAL, { timeout: 30_000, polling: 5 });
const shownAt = Date.now();
const busy = (await metric('TaskDuration')) - busyBefore;
const longest = await page.evaluate(() => window.__longest);
for (let written = PER_BATCH * BATCHES; written < MEMORY_CHANGES; written += 500) {
  const { error } = await writer.from('hp_worker_status').upsert(Array.from({ length: 500 }, (_, i) => row((written + i * 13) % WORKERS, written + i)));
  if (error) throw new Error(error.message);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await page.waitForTimeout(2_000);
const afterAll = await memory();
console.log(`burst: ${WORKERS} workers, ${PER_BATCH * BATCHES} changes in ${(burstMs / 1000).toFixed(1)} s (release bundle, headless Chromium)`);
console.log(`  longest main-thread task: ${longest > 0 ? `${longest.toFixed(0)} ms` : 'none over 50 ms'}; main thread busy ${((busy * 1000) / (shownAt - started) * 100).toFixed(0)} % of the burst`);
console.log(`  last change on screen ${deliveredAt ? shownAt - deliveredAt : 'n/a'} ms after the gateway delivered it`);
console.log(`  JS heap + wasm memory: ${(afterFirstThousand / 1048576).toFixed(1)} MiB after 1,000 changes, ${(afterAll / 1048576).toFixed(1)} MiB after ${MEMORY_CHANGES} (${((afterAll / afterFirstThousand - 1) * 100).toFixed(1)} %)`);
await listener.removeAllChannels();
await browser.close();
await site.stop();
await bundle.stop();
await gateway.stop();
await database.stop();
