// What the alert tests share: a throwaway database (durable when a test crashes it on purpose),
// the drain run as users run it (`deno run` from the npm deno package, a child process we can
// kill), and a destination that records every request and answers as a test tells it to.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { drainCommand } from '../../../scripts/alert-drain-process.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');

/**
 * Starts a migrated throwaway database. With `dataDir` it is durable (fsync on) and can be
 * stopped and started again on the same port with its data.
 * @param {{ dataDir?: string, port?: number }} [options]
 */
export async function startDatabase(options = {}) {
  const args = ['--stop-on-stdin-eof'];
  if (options.dataDir) args.push('--data-dir', options.dataDir);
  if (options.port) args.push('--port', String(options.port));
  const child = spawn(path.join(targetDir, 'debug', 'throwaway-db'), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`throwaway-db not ready in 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', () => {
      const found = output.match(/DATABASE_URL=(\S+)/)?.[1];
      if (found && /ready in/.test(output)) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`throwaway-db exited with ${code}:\n${output}`)); });
  });
  child.removeAllListeners('exit');
  const exited = once(child, 'exit');
  const sql = postgres(url, {
    onnotice: () => {},
    max: 4,
    types: { bigint: { to: 20, from: [20], serialize: String, parse: Number } },
  });
  return {
    url,
    port: Number(new URL(url).port),
    sql,
    output: () => output,
    /** Stops the server the way `pg_ctl stop -m immediate` does: no shutdown checkpoint, crash recovery at the next start. */
    crash() {
      const pgdata = path.join(options.dataDir, 'pgdata');
      const owner = fs.statSync(pgdata);
      const pgCtl = findPgCtl();
      const run = spawnSync(pgCtl, ['stop', '-D', pgdata, '-m', 'immediate', '-w'], {
        uid: owner.uid, gid: owner.gid, encoding: 'utf8',
      });
      if (run.status !== 0) throw new Error(`pg_ctl stop -m immediate failed: ${run.stderr}${run.stdout}`);
    },
    async stop() {
      await sql.end({ timeout: 1 }).catch(() => {});
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

function findPgCtl() {
  const versions = fs.readdirSync('/usr/lib/postgresql').sort().reverse();
  for (const version of versions) {
    const candidate = `/usr/lib/postgresql/${version}/bin/pg_ctl`;
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('pg_ctl not found (make deps installs PostgreSQL)');
}

/**
 * Runs the drain with `deno run`, every `every` seconds.
 * @param {{ databaseUrl: string, env?: Record<string, string>, every?: number, args?: string[] }} options
 */
export function startDrain({ databaseUrl, env = {}, every = 0.2, args = [] }) {
  const { command, args: drainArgs, cwd } = drainCommand(['--every', String(every), ...args]);
  const child = spawn(command, drainArgs, {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DENO_NO_UPDATE_CHECK: '1',
      NO_COLOR: '1',
      HP_ALERT_DATABASE_URL: databaseUrl,
      HP_ALERT_RETRY_BASE_MS: '200',
      HP_ALERT_RETRY_CAP_MS: '1000',
      HP_ALERT_RETRY_BROKEN_CAP_MS: '1000',
      HP_ALERT_LEASE_MS: '2000',
      HP_ALERT_SEND_TIMEOUT_MS: '5000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = once(child, 'exit');
  return {
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * A destination on loopback: records each request and answers with `respond(request)`
 * (default 200), which a test may replace at any time.
 */
export async function startReceiver() {
  const received = [];
  const receiver = {
    received,
    /** @type {(request: object) => ({ status: number, headers?: object, body?: string, delayMs?: number })} */
    respond: () => ({ status: 200 }),
    url: '',
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    const request = { method: req.method, url: req.url, headers: req.headers, body, at: Date.now() };
    let json = null;
    try { json = JSON.parse(body); } catch { /* not JSON */ }
    request.json = json;
    received.push(request);
    const answer = receiver.respond(request);
    request.answered = answer.status;
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
    res.end(answer.body ?? '{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${server.address().port}`;
  return receiver;
}

/** Waits until `check()` is truthy, polling; fails naming `what` after `ms`. */
export async function until(check, what, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** Workers as the heartbeat module writes them (the history trigger records their changes). */
export async function setWorkers(sql, names, fields) {
  for (const name of names) {
    await sql`
      insert into public.hp_worker_status (worker_name, status, last_heartbeat, circuit_breaker_open)
      values (${name}, ${fields.status ?? 'running'}, ${fields.last_heartbeat ?? sql`now()`}, ${fields.circuit_breaker_open ?? false})
      on conflict (worker_name) do update set
        status = excluded.status, last_heartbeat = excluded.last_heartbeat,
        circuit_breaker_open = excluded.circuit_breaker_open`;
  }
}

/** Every delivered message's event ids, deduplicated on webhook-id, in order of arrival. */
export function deliveredEvents(requests) {
  const seen = new Set();
  const events = [];
  for (const request of requests) {
    if (request.answered < 200 || request.answered > 299) continue;
    const id = request.headers['webhook-id'];
    if (seen.has(id)) continue;
    seen.add(id);
    for (const item of request.json?.data?.items ?? []) events.push(...(item.events ?? []));
  }
  return events;
}
