// The heartbeat module against the real gateway and database: what reaches the table, when,
// and what happens when things go wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { secretKeyFromEnvironment, startHeartbeat } from '../src/heartbeat.js';
import { startGateway, freePort } from '../../../scripts/gateway-process.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
let gateway;
let reader;
const quiet = { warn() {}, info() {} };

before(async () => {
  gateway = await startGateway({ faults: true });
  reader = createClient(gateway.url, gateway.anonKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
});
after(() => gateway.stop());

async function row(name) {
  const { data, error } = await reader.from('hp_worker_status').select('*').eq('worker_name', name);
  assert.equal(error, null);
  return data[0];
}

async function eventually(check, { within = 3_000, what = 'condition' } = {}) {
  const deadline = Date.now() + within;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${within} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const options = (workerName, extra = {}) => ({
  workerName, supabaseUrl: gateway.url, serviceKey: gateway.serviceKey, handleSignals: false, logger: quiet, ...extra,
});

// Behaviour, not speed: with a one-minute interval, a first beat seen at all within 30 s went out
// before the interval; the cadence is judged by its lower bound (three beats need two intervals).
test('the first beat goes out at once, without waiting for the interval', async () => {
  const started = Date.now();
  const heartbeat = startHeartbeat(options('eager-worker', { intervalMs: 60_000 }));
  const first = await eventually(() => row('eager-worker'), { within: 30_000, what: 'first beat' });
  assert.ok(Date.now() - started < 60_000, 'the first beat came before the interval');
  assert.equal(first.status, 'running');
  await heartbeat.stop();
});

test('then one beat every interval', async () => {
  const started = Date.now();
  const heartbeat = startHeartbeat(options('interval-worker', { intervalMs: 400 }));
  const first = await eventually(() => row('interval-worker'), { within: 30_000, what: 'first beat' });
  const seen = new Set([first.last_heartbeat]);
  await eventually(async () => { seen.add((await row('interval-worker')).last_heartbeat); return seen.size >= 3; },
    { within: 30_000, what: 'two more beats' });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 700, `three beats need two intervals (${elapsed} ms)`);
  await heartbeat.stop();
  assert.equal((await row('interval-worker')).status, 'stopped');
});

test('jobs, errors and metadata reach the table', async () => {
  const heartbeat = startHeartbeat(options('counting-worker', { intervalMs: 60_000, metadata: { version: '1.2.3' } }));
  for (let i = 0; i < 3; i += 1) heartbeat.jobSucceeded();
  heartbeat.jobFailed(new Error('boom'));
  heartbeat.setMetadata({ version: '1.2.4', queue: 'crawl' });
  assert.equal(await heartbeat.beat(), true);
  const current = await row('counting-worker');
  assert.equal(current.jobs_processed, 3);
  assert.equal(current.error_count, 1);
  assert.deepEqual(current.metadata, { version: '1.2.4', queue: 'crawl', heartbeat_interval_s: 60 }, 'the interval goes with the metadata');
  assert.equal(current.circuit_breaker_open, false);
  await heartbeat.stop();
});

test('the circuit breaker opens at exactly the threshold and shows at once', async () => {
  const heartbeat = startHeartbeat(options('fragile-worker', { intervalMs: 60_000, maxErrorsBeforeCircuitBreak: 3 }));
  await eventually(() => row('fragile-worker'), { what: 'first beat' });
  heartbeat.jobFailed();
  heartbeat.jobFailed();
  assert.equal(heartbeat.isCircuitOpen(), false, 'two errors of three: still closed');
  heartbeat.jobFailed(new Error('third'));
  assert.equal(heartbeat.isCircuitOpen(), true);
  // No tick is due for a minute: the row must change because of the breaker itself.
  const open = await eventually(async () => { const r = await row('fragile-worker'); return r.circuit_breaker_open && r; },
    { within: 1_000, what: 'breaker visible' });
  assert.equal(open.status, 'crashed');
  assert.equal(open.error_count, 3);
  heartbeat.resetCircuit();
  const closed = await eventually(async () => { const r = await row('fragile-worker'); return !r.circuit_breaker_open && r; },
    { within: 1_000, what: 'breaker closed' });
  assert.equal(closed.status, 'running');
  assert.equal(closed.error_count, 0);
  await heartbeat.stop();
});

test('SIGTERM leaves status stopped and the process exits', async () => {
  const child = spawn(process.execPath, [path.join(here, 'fixtures/worker.js'), gateway.url, gateway.serviceKey, 'sigterm-worker'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  await eventually(async () => (await row('sigterm-worker'))?.status === 'running', { within: 5_000, what: 'worker running' });
  const exited = once(child, 'exit');
  const sent = Date.now();
  child.kill('SIGTERM');
  const [code, signal] = await Promise.race([
    exited,
    new Promise((_, reject) => setTimeout(() => reject(new Error('worker did not exit within 6 s')), 6_000)),
  ]);
  assert.equal(signal, 'SIGTERM', `exits as it would without the module (code ${code})`);
  assert.ok(Date.now() - sent < 6_000);
  const last = await row('sigterm-worker');
  assert.equal(last.status, 'stopped');
  assert.ok(last.jobs_processed >= 0);
});

test('a gateway that is down is no error for the worker, and reporting resumes when it returns', async () => {
  const port = await freePort();
  const warnings = [];
  const infos = [];
  const logger = { warn: (m) => warnings.push(m), info: (m) => infos.push(m) };
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const heartbeat = startHeartbeat({
    workerName: 'patient-worker', supabaseUrl: `http://127.0.0.1:${port}`, serviceKey: gateway.serviceKey,
    intervalMs: 200, handleSignals: false, logger,
  });
  await new Promise((resolve) => setTimeout(resolve, 900));
  assert.equal(warnings.length, 1, `logged once per change of state, not per tick: ${warnings}`);
  assert.match(warnings[0], /cannot report \(network error/);
  const second = await startGateway({ port });
  try {
    const back = createClient(second.url, second.anonKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
    await eventually(async () => (await back.from('hp_worker_status').select('status').eq('worker_name', 'patient-worker')).data?.[0],
      { within: 3_000, what: 'row after recovery' });
    assert.equal(infos.length, 1);
    assert.match(infos[0], /reporting again/);
    await heartbeat.stop();
  } finally {
    await second.stop();
    process.removeListener('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});

test('server errors are retried at the next tick and logged once', async () => {
  const warnings = [];
  const heartbeat = startHeartbeat(options('retrying-worker', { intervalMs: 150, logger: { warn: (m) => warnings.push(m), info() {} } }));
  await eventually(() => row('retrying-worker'), { what: 'first beat' });
  await fetch(`${gateway.url}/__faults/rest?fail_status=503&count=3`, { method: 'POST' });
  heartbeat.jobSucceeded();
  await eventually(async () => (await row('retrying-worker')).jobs_processed === 1, { within: 3_000, what: 'recovered beat' });
  await fetch(`${gateway.url}/__faults/reset`, { method: 'POST' });
  assert.equal(warnings.length, 1, String(warnings));
  assert.match(warnings[0], /HTTP 503/);
  await heartbeat.stop();
});

test('a publishable or anon key is refused, naming the secret key to use', () => {
  assert.throws(
    () => startHeartbeat({ workerName: 'w', supabaseUrl: gateway.url, serviceKey: gateway.anonKey, handleSignals: false }),
    /public \(anon\) key, which can only read hp_worker_status; heartbeats need the project's secret key, sb_secret_… \(SUPABASE_SECRET_KEY\)/,
  );
  assert.throws(
    () => startHeartbeat({ workerName: 'w', supabaseUrl: gateway.url, serviceKey: gateway.publishableKey, handleSignals: false }),
    /public \(publishable\) key.*SUPABASE_SECRET_KEY/,
  );
  assert.throws(() => startHeartbeat({ workerName: '', supabaseUrl: gateway.url, serviceKey: gateway.serviceKey }), /workerName/);
});

test('a secret key (sb_secret_…) writes heartbeats', async () => {
  const heartbeat = startHeartbeat(options('secret-key-worker', { serviceKey: gateway.secretKey }));
  heartbeat.jobSucceeded();
  assert.equal(await heartbeat.beat(), true);
  const written = await row('secret-key-worker');
  assert.equal(written.status, 'running');
  assert.equal(written.jobs_processed, 1);
  await heartbeat.stop();
});

test('the secret key is read from SUPABASE_SECRET_KEY, then SUPABASE_SERVICE_ROLE_KEY, then SUPABASE_SERVICE_KEY', () => {
  assert.equal(secretKeyFromEnvironment({ SUPABASE_SECRET_KEY: 'a', SUPABASE_SERVICE_ROLE_KEY: 'b', SUPABASE_SERVICE_KEY: 'c' }), 'a');
  assert.equal(secretKeyFromEnvironment({ SUPABASE_SERVICE_ROLE_KEY: 'b', SUPABASE_SERVICE_KEY: 'c' }), 'b');
  assert.equal(secretKeyFromEnvironment({ SUPABASE_SECRET_KEY: '  ', SUPABASE_SERVICE_KEY: 'c' }), 'c');
  assert.equal(secretKeyFromEnvironment({}), undefined);
});

/** Runs the Option A fixture with `env` and resolves with its exit code and output. */
async function runAutoWorker(env) {
  const child = spawn(process.execPath, [path.join(here, 'fixtures/auto-worker.js')], {
    env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const [code] = await once(child, 'exit');
  return { code, output };
}

test("Option A: one import line starts the heartbeat from the environment (the guide's SUPABASE_SERVICE_KEY)", async () => {
  const { code, output } = await runAutoWorker({ WORKER_NAME: 'auto-worker', SUPABASE_URL: gateway.url, SUPABASE_SERVICE_KEY: gateway.secretKey });
  assert.equal(code, 0, output);
  assert.match(output, /auto worker beat/);
  const written = await row('auto-worker');
  assert.equal(written.status, 'stopped');
  assert.equal(written.jobs_processed, 2);
  assert.equal(written.error_count, 1);
});

test('Option A without its variables stops at the import, naming what is missing', async () => {
  const { code, output } = await runAutoWorker({ SUPABASE_URL: gateway.url });
  assert.notEqual(code, 0);
  assert.match(output, /WORKER_NAME/);
  assert.match(output, /SUPABASE_SECRET_KEY, or SUPABASE_SERVICE_ROLE_KEY, or SUPABASE_SERVICE_KEY/);
  assert.doesNotMatch(output, /auto worker beat/);
});

test('two workers at once do not interfere', async () => {
  const a = startHeartbeat(options('twin-a', { intervalMs: 100 }));
  const b = startHeartbeat(options('twin-b', { intervalMs: 130 }));
  for (let i = 0; i < 5; i += 1) a.jobSucceeded();
  b.jobFailed();
  await Promise.all([a.beat(), b.beat()]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const [rowA, rowB] = [await row('twin-a'), await row('twin-b')];
  assert.deepEqual([rowA.jobs_processed, rowA.error_count], [5, 0]);
  assert.deepEqual([rowB.jobs_processed, rowB.error_count], [0, 1]);
  await Promise.all([a.stop(), b.stop()]);
});

test('a supabase-js client can be passed instead of URL and key', async () => {
  const client = createClient(gateway.url, gateway.serviceKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  const heartbeat = startHeartbeat({ workerName: 'client-worker', client, intervalMs: 60_000, handleSignals: false, logger: quiet });
  heartbeat.jobSucceeded();
  assert.equal(await heartbeat.beat(), true);
  assert.equal((await row('client-worker')).jobs_processed, 1);
  await heartbeat.stop();
});
