// make bench: the wall screen for days (issue 23), accelerated. The release bundle's wall view
// (view="tv", grouped by pool) follows 200 workers that each beat every second for an hour
// (720,000 heartbeats, about what 200 workers beating every 30 s write in 24 hours); every tenth
// reports itself crashed while it beats, so the wall draws twenty problem tiles that change every
// second beside the healthy counted by pool. Every ten minutes, and once in the warm-up, the
// gateway cuts every socket (the network dropping): the page reconnects and takes a fresh
// snapshot, so the hour covers that path too, and the wasm memory's high-water mark (it never
// shrinks) includes a resync before the first sample. Every few minutes it
// samples, after a forced garbage collection, the JS heap, the wasm memory, the DOM nodes and
// the event listeners, and at the end compares the last sample with the first after warm-up:
// each must stay within 5 %.
//
//   node bench/soak.mjs                          an hour, a sample every 5 minutes
//   node bench/soak.mjs --minutes 6 --sample 1   a short run (to check the bench itself)
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { launchBrowser, serveHostPage, serveReleaseBundle, startDatabase, gatewayOver, writeRows } from '../e2e/support.mjs';

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const MINUTES = option('minutes', 60);
const SAMPLE_MINUTES = option('sample', 5);
const WORKERS = 200;
const BOUND = 0.05;
const name = (i) => `wall-${String(i).padStart(3, '0')}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const database = await startDatabase();
const gateway = await gatewayOver(database, 0);
const writer = createClient(gateway.url, gateway.secretKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
const bundle = await serveReleaseBundle();
const site = await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey, attributes: 'view="tv" group-by="pool"', alone: true });
const browser = await launchBrowser();
let beats = 0;
const beat = async () => {
  beats += 1;
  await writeRows(writer, Array.from({ length: WORKERS }, (_, i) => ({
    worker_name: name(i),
    status: i % 10 === 0 ? 'crashed' : 'running',
    last_heartbeat: new Date().toISOString(),
    jobs_processed: beats,
    error_count: 0,
    circuit_breaker_open: false,
    metadata: { pool: `pool-${i % 8}` },
  })));
};
try {
  await beat();
  const tab = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await tab.goto(site.url);
  await tab.waitForFunction((n) => (document.querySelector('worker-status')?.shadowRoot?.querySelector('[data-testid="summary"]')?.textContent ?? '').endsWith(`/${n} Running`), WORKERS + 5, { timeout: 60_000 });
  const cdp = await tab.context().newCDPSession(tab);
  const sample = async (minute) => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const { nodes, jsEventListeners } = await cdp.send('Memory.getDOMCounters');
    const wasm = await tab.evaluate(() => customElements.get('worker-status').wasmMemoryBytes);
    const live = await tab.evaluate(() => document.querySelector('worker-status').shadowRoot.querySelector('[data-testid="connection"]')?.dataset.state);
    const figures = { minute, heap: usedSize, wasm, nodes, listeners: jsEventListeners, live };
    console.log(`soak: ${JSON.stringify(figures)}`);
    return figures;
  };
  const samples = [];
  const started = Date.now();
  let nextSample = 1; // the first sample after a minute of warm-up
  let nextDrop = 0.5; // minutes
  let drops = 0;
  while (Date.now() - started < MINUTES * 60_000) {
    const tick = Date.now();
    await beat();
    const minute = (Date.now() - started) / 60_000;
    if (minute >= nextDrop) {
      await fetch(`${gateway.url}/__faults/drop-sockets`, { method: 'POST' });
      drops += 1;
      nextDrop += 10; // half-way between samples
    }
    if (minute >= nextSample) {
      samples.push(await sample(Math.round(minute)));
      nextSample += SAMPLE_MINUTES;
    }
    await sleep(Math.max(0, 1_000 - (Date.now() - tick)));
  }
  samples.push(await sample(Math.round((Date.now() - started) / 60_000)));
  const [first, last] = [samples[0], samples.at(-1)];
  console.log(`\nsoak: ${WORKERS} workers beating every second for ${MINUTES} min (${beats * WORKERS} heartbeats, every socket cut ${drops} times), wall view at 1920x1080`);
  let held = true;
  for (const key of ['heap', 'wasm', 'nodes', 'listeners']) {
    const ratio = last[key] / first[key];
    const ok = ratio <= 1 + BOUND;
    held &&= ok;
    console.log(`  ${key.padEnd(9)} minute ${first.minute}: ${first[key]}, minute ${last.minute}: ${last[key]}  (${ratio.toFixed(3)}×${ok ? '' : `, over the ${BOUND * 100} % bound`})`);
  }
  console.log(`  still live at the end: ${last.live === 'live' ? 'yes' : `no (${last.live})`}`);
  if (!held || last.live !== 'live') process.exitCode = 1;
} finally {
  await browser.close();
  await site.stop();
  await bundle.stop();
  await gateway.stop();
  await database.stop();
}
