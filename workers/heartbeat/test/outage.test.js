// The heartbeat side of an outage (issue 12): the database down for a while (10 minutes in
// life, shortened here to 20 intervals), and a database that answers slowly (30 s in life,
// here 8 intervals, past the request timeout). The worker never crashes, never has more than one beat in flight, logs
// once when reporting fails and once when it is back, and its first beat after recovery
// lands within one interval.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHeartbeat } from '../src/heartbeat.js';
import { freePort, startGateway } from '../../../scripts/gateway-process.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const INTERVAL_MS = 300;
let dataDir;
let dbPort;
let database;
let gateway;

/** Starts the throwaway database on a kept folder and port, so a restart keeps its rows. */
async function startDatabase() {
  const binary = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug', 'throwaway-db');
  const child = spawn(binary, ['--stop-on-stdin-eof', '--data-dir', dataDir, '--port', String(dbPort)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolve, reject) => {
    const read = (chunk) => {
      output += chunk;
      if (/DATABASE_URL=\S+/.test(output) && /AUTHENTICATOR_URL=\S+/.test(output) && output.includes('ready')) resolve();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => reject(new Error(`throwaway-db exited ${code}: ${output}`)));
  });
  child.removeAllListeners('exit');
  return {
    databaseUrl: output.match(/DATABASE_URL=(\S+)/)[1],
    authenticatorUrl: output.match(/AUTHENTICATOR_URL=(\S+)/)[1],
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.on('exit', resolve);
      child.kill('SIGINT');
    }),
  };
}

before(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'heartbeat-outage-'));
  dbPort = await freePort();
  database = await startDatabase();
  gateway = await startGateway({ faults: true, args: ['--database-url', database.databaseUrl, '--authenticator-url', database.authenticatorUrl] });
});

after(async () => {
  await gateway?.stop();
  await database?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** fetch, counting requests and the most in flight at once. */
function countingFetch() {
  const counts = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const wrapped = async (...args) => {
    counts.calls += 1;
    counts.inFlight += 1;
    counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
    try {
      return await fetch(...args);
    } finally {
      counts.inFlight -= 1;
    }
  };
  return { counts, fetch: wrapped };
}

async function lastHeartbeat(name) {
  const response = await fetch(`${gateway.url}/rest/v1/hp_worker_status?worker_name=eq.${name}&select=last_heartbeat`, {
    headers: { apikey: gateway.publishableKey, Authorization: `Bearer ${gateway.publishableKey}` },
  });
  if (!response.ok) return null;
  return (await response.json())[0]?.last_heartbeat ?? null;
}

test('the database down for 20 intervals: no crash, one beat in flight, logged once each way, back within one interval', async () => {
  const logs = { warn: [], info: [] };
  const { counts, fetch: counted } = countingFetch();
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const heartbeat = startHeartbeat({
    workerName: 'outage-worker', supabaseUrl: gateway.url, serviceKey: gateway.secretKey, intervalMs: INTERVAL_MS,
    handleSignals: false, fetch: counted, logger: { warn: (line) => logs.warn.push(line), info: (line) => logs.info.push(line) },
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 3 * INTERVAL_MS));
    assert.ok(await lastHeartbeat('outage-worker'), 'beating before the outage');
    await database.stop();
    const downFor = 20 * INTERVAL_MS;
    await new Promise((resolve) => setTimeout(resolve, downFor));
    assert.equal(logs.warn.length, 1, `one warning for the whole outage: ${logs.warn}`);
    assert.match(logs.warn[0], /cannot report/);
    database = await startDatabase();
    const backAt = Date.now();
    // The gateway reconnects to the database by itself; the next beat must land.
    let landed = null;
    while (!landed && Date.now() - backAt < 10_000) {
      const stamp = await lastHeartbeat('outage-worker');
      if (stamp && Date.parse(stamp) >= backAt - 50) landed = Date.now();
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(landed, 'a beat landed after the database came back');
    console.log(`# database down ${downFor} ms: first beat landed ${landed - backAt} ms after it was back (interval ${INTERVAL_MS} ms)`);
    assert.ok(landed - backAt <= INTERVAL_MS + 250, `first beat ${landed - backAt} ms after recovery, interval ${INTERVAL_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    assert.equal(logs.info.filter((line) => /reporting again/.test(line)).length, 1, `logged once when back: ${logs.info}`);
    assert.equal(counts.maxInFlight, 1, 'never more than one beat in flight');
  } finally {
    await heartbeat.stop();
    process.removeListener('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});

test('a database answering slowly: beats never overlap and do not pile up', async () => {
  const { counts, fetch: counted } = countingFetch();
  const heartbeat = startHeartbeat({
    workerName: 'slow-db-worker', supabaseUrl: gateway.url, serviceKey: gateway.secretKey, intervalMs: INTERVAL_MS,
    timeoutMs: 10_000, handleSignals: false, fetch: counted, logger: { warn() {}, info() {} },
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    // Every answer now takes 8 intervals.
    await fetch(`${gateway.url}/__faults/rest?delay_ms=${8 * INTERVAL_MS}`, { method: 'POST' });
    const started = Date.now();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 40; i += 1) {
      heartbeat.jobSucceeded();
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS / 4));
    }
    const elapsed = Date.now() - started;
    assert.equal(counts.maxInFlight, 1, 'one beat in flight at most');
    // A request waits at most one interval (the module caps its timeout there), and the next
    // beat is scheduled an interval after it ends: at most one request per interval, never a
    // queue of them behind the slow database.
    assert.ok(counts.calls <= Math.ceil(elapsed / INTERVAL_MS) + 1, `${counts.calls} requests in ${elapsed} ms`);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 5 * 1024 * 1024, 'memory stays flat');
  } finally {
    await fetch(`${gateway.url}/__faults/reset`, { method: 'POST' });
    await heartbeat.stop();
  }
});
