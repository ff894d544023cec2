// The profiler behind bench/burst.mjs's figures: loads 10,000 workers into the release bundle,
// records a CPU profile of the page (Chromium's sampling profiler, through the DevTools
// protocol) while 500 changes a second arrive for 5 s, and prints the functions that took the
// most time themselves, and the page's memory after the load (JS heap and wasm memory apart).
// Not part of make bench: it is the tool to find what a bench figure is made of.
//
//   WORKER_STATUS_PROFILE=1 make release-for-tests   # keeps the Rust functions' names
//   node bench/profile.mjs                            # the profile
//   node bench/profile.mjs --memory                   # the memory after the load only
//
// Without WORKER_STATUS_PROFILE the wasm functions show as wasm-function[N]. Rebuild without it
// before the tests or make bench: such a build is heavier and its trap reports lose their name.
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { gatewayOver, launchBrowser, serveHostPage, serveReleaseBundle, startDatabase, writeRows } from '../e2e/support.mjs';
import { WORKERS, fleetShown, heartbeatRow as row, seedFleet } from './fleet.mjs';

const BATCHES = 50; // 100-row upserts every 100 ms
const TOP = 30;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

const bundle = await serveReleaseBundle();
const browser = await launchBrowser();
const database = await startDatabase();
const gateway = await gatewayOver(database, 0, { faults: false });
const site = await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey });
const writer = createClient(gateway.url, gateway.secretKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
try {
  await seedFleet(writer);

  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await tab.goto(site.url);
  if (!(await fleetShown(tab, 60_000))) throw new Error(`the section did not show ${WORKERS} workers within 60 s`);
  await tab.waitForTimeout(3_000); // subscribed and settled
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const wasm = await tab.evaluate(() => customElements.get('worker-status')?.wasmMemoryBytes ?? 0);
  console.log(`after loading ${WORKERS} workers: JS heap ${mib(usedSize)}, wasm memory ${mib(wasm)}`);

  if (!process.argv.includes('--memory')) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const started = Date.now();
    for (let batch = 0; batch < BATCHES; batch += 1) {
      await sleep(Math.max(0, started + batch * 100 - Date.now()));
      await writeRows(writer, Array.from({ length: 100 }, (_, i) => row((batch * 100 + i * 97) % WORKERS, batch * 100 + i + 1)));
    }
    await sleep(1_000);
    const { profile } = await cdp.send('Profiler.stop');
    const node = new Map(profile.nodes.map((entry) => [entry.id, entry]));
    const self = new Map();
    profile.samples.forEach((id, i) => {
      const { functionName, url } = node.get(id).callFrame;
      const where = `${functionName || '(anonymous)'} ${url.split('/').pop()}`;
      self.set(where, (self.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    console.log(`self time during ${BATCHES * 100} changes in ${BATCHES / 10} s, top ${TOP}:`);
    for (const [where, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
      console.log(`${(micros / 1000).toFixed(1).padStart(9)} ms  ${where}`);
    }
  }
} finally {
  await browser.close();
  await site.stop();
  await gateway.stop();
  await database.stop();
  await bundle.stop();
}
