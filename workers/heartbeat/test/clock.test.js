// A worker host's clock may be wrong. The heartbeat module stamps its beats with the server's
// time (from the Date header of its own answers), from the first beat on; the database clamps
// any heartbeat in the future (migration 20261202000000). Real worker processes whose clocks
// are shifted ten minutes each way, against the gateway and the real database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway } from '../../../scripts/gateway-process.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const TEN_MINUTES = 10 * 60_000;
let gateway;

before(async () => {
  gateway = await startGateway();
});
after(() => gateway.stop());

/** The row as anon reads it, and the server's time of that answer (its Date header). */
async function read(name) {
  const response = await fetch(`${gateway.url}/rest/v1/hp_worker_status?worker_name=eq.${name}&select=*`, {
    headers: { apikey: gateway.publishableKey, Authorization: `Bearer ${gateway.publishableKey}` },
  });
  assert.equal(response.status, 200);
  return { row: (await response.json())[0], serverMs: Date.parse(response.headers.get('date')) };
}

/** Starts a worker process whose clock is `shiftMs` off; resolves once it printed `what`. */
function worker(name, shiftMs) {
  const child = spawn(process.execPath, ['--import', path.join(here, 'fixtures/shifted-clock.js'),
    path.join(here, 'fixtures/clock-worker.js'), gateway.url, gateway.secretKey, name], {
    env: { PATH: process.env.PATH, CLOCK_SHIFT_MS: String(shiftMs) }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  return {
    output: () => output,
    stop: () => new Promise((resolve) => { child.on('exit', resolve); child.stdin.end(); }),
  };
}

for (const [label, shiftMs, word] of [['behind', -TEN_MINUTES, 'behind'], ['ahead', TEN_MINUTES, 'ahead of']]) {
  test(`a worker whose clock is 10 minutes ${label} writes the server's time from its first beat`, async () => {
    const name = `clock-${label}`;
    const process = worker(name, shiftMs);
    try {
      // The first beat is stamped with the host's clock; its answer tells the server's time and
      // the beat is sent again at once, corrected, a round trip later. A read may fall between
      // the two (it did, once, on a loaded machine): from the first corrected stamp on, every
      // beat carries the server's time, so "last seen" never reads ten minutes off.
      const deadline = Date.now() + 5_000;
      let seen = 0;
      while (seen < 4) {
        assert.ok(Date.now() < deadline, `the worker wrote no corrected beats: ${process.output()}`);
        const { row, serverMs } = await read(name);
        if (row?.last_heartbeat) {
          const age = serverMs - Date.parse(row.last_heartbeat);
          // Date has whole seconds; a beat every 500 ms: a true stamp is within (-1 s, 2.5 s).
          const right = age > -1_000 && age < 2_500;
          if (seen > 0 || right) {
            assert.ok(right, `last_heartbeat ${row.last_heartbeat} is ${age} ms from the server's time`);
            seen += 1;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      assert.match(process.output(), new RegExp(`clock is (599|600|601) s ${word} the server's`));
    } finally {
      await process.stop();
    }
    const { row, serverMs } = await read(name);
    assert.equal(row.status, 'stopped');
    assert.ok(Math.abs(serverMs - Date.parse(row.last_heartbeat)) < 2_500, 'the stopped beat is corrected too');
  });
}

test('a worker whose clock is right is not corrected', async () => {
  const process = worker('clock-right', 0);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await process.stop();
  assert.doesNotMatch(process.output(), /clock is/);
  const { row, serverMs } = await read('clock-right');
  assert.ok(Math.abs(serverMs - Date.parse(row.last_heartbeat)) < 2_500);
});
