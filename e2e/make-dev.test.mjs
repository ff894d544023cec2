// `make dev` as README tells a new user to run it: the page at http://127.0.0.1:8080 loads once
// and stays loaded while the stack writes (no rebuild, no live reload), shows the five demo
// workers Running, and Ctrl-C leaves no process behind. It uses the fixed ports of `make dev`
// (8080, 54321, 54322) and the repository's own `.data/db`, as a user's run would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, launchBrowser } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO_WORKERS = ['roundtable-worker', 'x-autopost', 'analyze-worker', 'content-worker', 'crawl-worker'];
const PORTS = [8080, 54321, 54322];
const QUIET_MS = 30_000;

let make;
let output = '';
let browser;

/** True when something accepts connections on the loopback port. */
function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Every live process below `pid`, found through each process's parent in /proc. */
async function descendants(pid) {
  const parents = new Map();
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    // Fields after the command name (which may hold spaces and parentheses): state, ppid, ...
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state !== 'Z') parents.set(Number(entry), Number(ppid));
  }
  const found = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.pop();
    for (const [child, ppid] of parents) {
      if (ppid === parent) { found.push(child); queue.push(child); }
    }
  }
  return found;
}

async function alive(pid) {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

async function commandOf(pid) {
  return (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ').trim();
}

async function until(check, { within, what }) {
  const deadline = Date.now() + within;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${within} ms; make dev said:\n${output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

before(async () => {
  for (const port of PORTS) {
    assert.equal(await listening(port), false, `port ${port} is taken: stop whatever uses it (another make dev?) before this test`);
  }
  // Its own process group, like a terminal's foreground job: Ctrl-C is SIGINT to that group.
  make = spawn('make', ['dev'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MAKEFLAGS: '' } });
  make.stdout.on('data', (chunk) => { output += chunk; });
  make.stderr.on('data', (chunk) => { output += chunk; });
  browser = await launchBrowser();
  // make dev checks the tools, builds the gateway, starts the database and the crew, and
  // Trunk builds the app once (make test warms that build first; a cold one takes minutes).
  await until(() => fetch('http://127.0.0.1:8080/').then((response) => response.ok), { within: 280_000, what: 'http://127.0.0.1:8080 serving' });
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  if (make && make.exitCode === null && make.signalCode === null) {
    for (const pid of await descendants(make.pid)) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    try { process.kill(-make.pid, 'SIGKILL'); } catch {}
  }
});

test('make dev: the page loads once, stays loaded for 30 s, and shows the five demo workers Running', { timeout: 120_000 }, async () => {
  const builds = () => output.match(/success/g)?.length ?? 0;
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  let loads = 0;
  page.on('load', () => { loads += 1; });
  await page.goto('http://127.0.0.1:8080/');
  const summary = page.locator('[data-testid="summary"]');
  await until(async () => (await summary.textContent()) === '5/5 Running', { within: 30_000, what: '5/5 Running' });
  for (const name of DEMO_WORKERS) {
    assert.equal(await page.locator(`[data-worker="${name}"]`).getAttribute('data-status'), 'running', name);
  }
  const buildsBefore = builds();
  const loadsBefore = loads;
  // The demo workers heartbeat every 10 s and the gateway polls the WAL meanwhile: the stack
  // writes to the repository's .data/db all along. None of that may rebuild or reload the page.
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  assert.equal(loadsBefore, 1, 'the page loaded exactly once before it showed the workers');
  assert.equal(loads, 1, `the page reloaded ${loads - 1} times in ${QUIET_MS / 1000} s`);
  assert.equal(builds(), buildsBefore, `Trunk rebuilt ${builds() - buildsBefore} times while nothing in the app changed`);
  const statuses = await page.locator('[data-worker]').evaluateAll((cards) => cards.map((card) => card.dataset.status));
  assert.equal(await summary.textContent(), `${statuses.filter((status) => status === 'running').length}/${statuses.length} Running`);
  assert.ok(statuses.length >= 5, `${statuses.length} workers`);
  assert.deepEqual(errors, []);
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'make-dev.png'), fullPage: true });
});

test('make dev: Ctrl-C stops everything it started', async () => {
  const started = await descendants(make.pid);
  assert.ok(started.length >= 5, `make dev runs its stack (${started.length} processes)`);
  const exited = once(make, 'exit');
  process.kill(-make.pid, 'SIGINT');
  await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error(`make dev still running 30 s after Ctrl-C:\n${output.slice(-4000)}`)), 30_000))]);
  const left = [];
  for (const pid of started) if (await alive(pid)) left.push(`${pid} ${await commandOf(pid)}`);
  assert.deepEqual(left, [], 'processes left behind after Ctrl-C');
  for (const port of PORTS) assert.equal(await listening(port), false, `port ${port} still open after Ctrl-C`);
  assert.match(output, /make stack: stopped/);
});
