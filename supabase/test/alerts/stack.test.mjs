// The local stack as `make stack` / `make dev` run it (scripts/stack.mjs, demo crew and drain
// included), on ports and a folder of its own: a demo worker stopped gracefully produces exactly
// one "stopped" at a local webhook receiver and, once the crew has restarted it, one "recovered".
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { freePort } from '../../../scripts/gateway-process.mjs';
import { SIGNING_SECRET, startReceiver, until } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** The pid of the demo worker process for `name`, read from /proc. */
function workerPid(name) {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    if (command.some((arg) => arg.endsWith('demo-worker.js')) && command.includes(name)) return Number(entry);
  }
  return null;
}

test('a demo worker stopped in the local stack: one "stopped", then one "recovered", at a webhook', { timeout: 150_000 }, async () => {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const [gatewayPort, dbPort] = [await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hp-alert-stack-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const stack = spawn(process.execPath, ['scripts/stack.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      DEMO: 'on',
      GATEWAY_PORT: String(gatewayPort),
      DB_PORT: String(dbPort),
      STACK_DATA_DIR: dataDir,
      HP_ALERT_DRAIN_EVERY: '1',
      DEMO_RESTART_AFTER_MS: '5000',
      LOCAL_HOOK: `${receiver.url}/hook`,
      LOCAL_HOOK_SIGNING_SECRET: SIGNING_SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  stack.stdout.on('data', (chunk) => { output += chunk; });
  stack.stderr.on('data', (chunk) => { output += chunk; });
  const exited = once(stack, 'exit');
  cleanups.push(async () => {
    if (stack.exitCode === null) {
      stack.kill('SIGTERM');
      await exited;
    }
  });
  await until(() => /make stack: running/.test(output), `the stack starts:\n${output}`, 90_000);
  assert.match(output, /alerts print here \(route local-console\)/);
  const sql = postgres(`postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres`, { onnotice: () => {}, max: 1 });
  cleanups.push(() => sql.end());
  await sql`insert into public.hp_alert_routes (name, channel, secret) values ('local-hook', 'webhook', 'LOCAL_HOOK')`;
  await until(async () => (await sql`select status from public.hp_worker_status where worker_name = 'x-autopost'`)[0]?.status === 'running', 'x-autopost running', 30_000);
  const pid = await until(() => workerPid('x-autopost'), 'the x-autopost process');
  process.kill(pid, 'SIGTERM');

  const about = () => receiver.received
    .filter((r) => r.answered === 200)
    .flatMap((r) => r.json.data.items.filter((item) => item.worker === 'x-autopost').map((item) => `${item.type}${item.status ? `:${item.status}` : ''}`));
  await until(() => about().includes('recovered'), `the recovery at the webhook (seen: ${about()})\n${output}`, 60_000);
  // A few more drain runs: nothing else about it.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  assert.deepEqual(about(), ['down:stopped', 'recovered']);
  assert.match(output, /alert \[local-console\] x-autopost stopped/, 'the console route printed it too');
  stack.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0, output);
  assert.match(output, /make stack: stopped/);
});
