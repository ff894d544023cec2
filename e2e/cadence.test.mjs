// A worker's own cadence (issue 13, "Cadence"): a worker that reports metadata.heartbeat_interval_s
// is Late after two of its intervals plus 5 s, in Chromium against the release bundle. Workers
// that report nothing keep the section's thresholds. The rows are written by a real heartbeat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { startHeartbeat } from '../workers/heartbeat/src/heartbeat.js';
import { ARTIFACTS, startStack, until, statusOf, writeRows } from './support.mjs';

let stack;

before(async () => {
  stack = await startStack();
});
after(() => stack?.stop());

/** One beat from the real heartbeat module with `intervalMs`, then its row aged by `ageMs`. */
async function workerThatBeat(name, intervalMs, ageMs) {
  const heartbeat = startHeartbeat({ workerName: name, supabaseUrl: stack.gateway.url, serviceKey: stack.gateway.secretKey,
    intervalMs, handleSignals: false, logger: { warn() {}, info() {} } });
  assert.equal(await heartbeat.beat(), true);
  await heartbeat.stop();
  const { error } = await stack.writer.from('hp_worker_status').update({ status: 'running', last_heartbeat: new Date(Date.now() - ageMs).toISOString() }).eq('worker_name', name);
  assert.equal(error, null);
}

test('each worker is judged by its own interval: 10 s is Late at 30 s, 120 s is Running at 70 s', async () => {
  await workerThatBeat('fast-beater', 10_000, 30_000);
  await workerThatBeat('slow-beater', 120_000, 70_000);
  await writeRows(stack.writer, { worker_name: 'silent-about-cadence', status: 'running',
    last_heartbeat: new Date(Date.now() - 70_000).toISOString(), metadata: {} });
  const page = await stack.browser.newPage();
  await page.goto(stack.site.url);
    await until(async () => (await statusOf(page, 'fast-beater')) === 'late', { what: 'a 10 s worker silent for 30 s is Late' });
  assert.equal(await statusOf(page, 'slow-beater'), 'running', 'a 120 s worker silent for 70 s is fine');
  assert.equal(await statusOf(page, 'silent-about-cadence'), 'late', 'no interval reported: Late after 60 s as before');
  // The metadata comes with the section, a moment after the first rows.
  await until(async () => /heartbeat_interval_s/.test(await page.locator('[data-worker="fast-beater"]').textContent()), { what: 'its metadata shown' });
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'cadence.png'), fullPage: true });
  await page.close();
});
