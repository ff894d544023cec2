// Dashboard benchmark (`make bench`; not part of `make test`), on a release build in dist/:
// - bundle size of each part (loader, wasm, js, css, html), raw and brotli;
// - time from navigation to five worker cards on loopback (median of 5 cold page loads);
// - UPDATE-to-DOM latency: a MutationObserver in the page stamps the moment a card's text shows
//   the new job count; the clock starts when the write returns (p50/p99 over 100 updates).
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { bundleSize, kib } from '../scripts/bundle-size.mjs';
import { DIST, gatewayOver, launchBrowser, serveHostPage, serveReleaseBundle, startDatabase } from './support.mjs';

const pct = (samples, p) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.round((p / 100) * (sorted.length - 1))];
};

const bundleWeight = await bundleSize(DIST);

const database = await startDatabase();
const gateway = await gatewayOver(database, 0, { faults: false });
const writer = createClient(gateway.url, gateway.serviceKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
const bundle = await serveReleaseBundle();
const site = await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey });
const browser = await launchBrowser();

const loads = [];
for (let i = 0; i < 5; i += 1) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(site.url);
  await page.waitForFunction(() => document.querySelector('worker-status')?.shadowRoot?.querySelectorAll('[data-worker]').length === 5);
  loads.push(Date.now() - started);
  await context.close();
}

const page = await browser.newPage();
await page.goto(site.url);
await page.waitForFunction(() => document.querySelector('worker-status')?.shadowRoot?.querySelector('[data-testid="connection"]')?.dataset.state === 'live');
await page.evaluate(() => {
  window.__seen = {};
  const root = document.querySelector('worker-status').shadowRoot;
  new MutationObserver(() => {
    const text = root.querySelector('[data-worker="x-autopost"]')?.textContent ?? '';
    const jobs = text.match(/Jobs: (\d+)/)?.[1];
    if (jobs && !(jobs in window.__seen)) window.__seen[jobs] = performance.timeOrigin + performance.now();
  }).observe(root, { subtree: true, childList: true, characterData: true });
});
const latencies = [];
for (let n = 1; n <= 100; n += 1) {
  const { error } = await writer.from('hp_worker_status').update({ jobs_processed: n, status: 'running', last_heartbeat: new Date().toISOString() }).eq('worker_name', 'x-autopost');
  if (error) throw new Error(error.message);
  const written = Date.now();
  const seenAt = await (await page.waitForFunction((jobs) => window.__seen[jobs], String(n), { polling: 10 })).jsonValue();
  latencies.push(seenAt - written);
  await new Promise((resolve) => setTimeout(resolve, 20 + ((n * 37) % 100)));
}

console.log('dashboard benchmark (release build, loopback, headless Chromium)');
for (const [name, size] of Object.entries(bundleWeight.parts)) {
  console.log(`  ${name.padEnd(7)} raw ${kib(size.raw).padStart(10)}   brotli ${kib(size.brotli).padStart(9)}`);
}
console.log(`  ${'total'.padEnd(7)} raw ${kib(bundleWeight.total.raw).padStart(10)}   brotli ${kib(bundleWeight.total.brotli).padStart(9)}`);
console.log(`  navigation -> five cards        median ${pct(loads, 50)} ms   (5 cold loads: ${loads.join(', ')} ms)`);
console.log(`  UPDATE -> DOM (MutationObserver) p50 ${pct(latencies, 50).toFixed(1)} ms   p99 ${pct(latencies, 99).toFixed(1)} ms   (100 updates)`);

await browser.close();
await site.stop();
await bundle.stop();
await gateway.stop();
await database.stop();
