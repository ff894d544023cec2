// History (issue 13): the 24-hour strip is built from hp_worker_events rows the test writes,
// with the uptime over 24 h and 7 days; a worker's detail lists its last events, its full
// metadata and its jobs per minute; history follows live, and is reloaded after a
// resubscription like the status rows (events written while the page was cut off appear).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, startStack, until, writeRows } from './support.mjs';

const HOUR = 3600_000;
let stack;
const at = (hoursAgo) => new Date(Date.now() - hoursAgo * HOUR).toISOString();

before(async () => {
  stack = await startStack({ separateWriter: true });
  // The worker's row first (its trigger records "first reported Running" now), then a past
  // written by hand: first report 20 h ago, a 1 h silence, 1 h crashed, 1 h with the breaker open.
  await writeRows(stack.writer, {
    worker_name: 'hist', status: 'running', last_heartbeat: new Date().toISOString(), jobs_processed: 10,
    metadata: { host: 'alpha', version: '1.4.0', region: 'eu', pid: 41, queue: 'crawl', build: '2026-11-30' },
  });
  const { error } = await stack.writer.from('hp_worker_events').insert([
    { worker_name: 'hist', kind: 'status', from_status: null, to_status: 'running', occurred_at: at(20) },
    { worker_name: 'hist', kind: 'silence', silence_started_at: at(15), occurred_at: at(14) },
    { worker_name: 'hist', kind: 'status', from_status: 'running', to_status: 'crashed', occurred_at: at(10) },
    { worker_name: 'hist', kind: 'status', from_status: 'crashed', to_status: 'running', occurred_at: at(9) },
    { worker_name: 'hist', kind: 'circuit_breaker', circuit_breaker_open: true, occurred_at: at(5) },
    { worker_name: 'hist', kind: 'circuit_breaker', circuit_breaker_open: false, occurred_at: at(4) },
  ]);
  assert.equal(error, null);
});

after(() => stack?.stop());

test('the strip, the uptime, the detail; live and after a resubscription', async () => {
  const page = await stack.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(stack.site.url);
  const card = page.locator('[data-worker="hist"]');
  const bands = () => card.locator('[data-band]').evaluateAll((items) => items.map((item) => ({
    band: item.dataset.band, hours: (Number(item.dataset.end) - Number(item.dataset.start)) / 3600_000, width: parseFloat(item.style.width),
  })));
  await until(async () => (await bands()).length >= 7, { within: 10_000, what: 'the strip' });
  const strip = await bands();
  assert.deepEqual(strip.map((item) => item.band), ['unknown', 'running', 'silent', 'running', 'crashed', 'running', 'crashed', 'running']);
  const expectedHours = [4, 5, 1, 4, 1, 4, 1, 4];
  strip.forEach((item, i) => {
    assert.ok(Math.abs(item.hours - expectedHours[i]) < 0.05, `${item.band} lasted ${item.hours} h, expected ${expectedHours[i]}`);
    assert.ok(Math.abs(item.width - (expectedHours[i] / 24) * 100) < 0.3, `${item.band} is ${item.width}% wide`);
  });
  // Known: the last 20 h; Running: 17 of them. Nothing is known before, so one figure, saying how
  // little history it rests on (19 h 59 min reads as 19 h).
  assert.match(await card.locator('[data-testid="uptime"]').textContent(), /^Uptime: 85\.0% over (19|20) h of history$/);
  const crashed = card.locator('[data-band="crashed"]').first();
  assert.match(await crashed.getAttribute('title'), /^Crashed: .+ to .+$/, 'exact times on hover');
  await crashed.focus();
  assert.match(await crashed.getAttribute('aria-label'), /^Crashed: /, 'and on focus');

  await card.locator('[data-testid="open-detail"]').click();
  const events = () => card.locator('[data-testid="events"] li').allTextContents();
  await until(async () => (await events()).length === 7, { what: 'the events listed' });
  const listed = await events();
  assert.match(listed[0], /First reported Running$/, 'newest first: the row written before the test');
  assert.match(listed[1], /Circuit breaker closed$/);
  assert.match(listed[5], /Silent for 1 hour$/);
  const metadata = await card.locator('[data-testid="full-metadata"] dt').allTextContents();
  assert.deepEqual(metadata.sort(), ['build', 'host', 'pid', 'queue', 'region', 'version'], 'all of it, not folded');

  // Live: a crash is a new event and a new band at once; jobs per minute from heartbeats.
  await writeRows(stack.writer, { worker_name: 'hist', status: 'crashed', last_heartbeat: new Date().toISOString(), jobs_processed: 30 });
  await until(async () => /Running → Crashed$/.test((await events())[0]), { what: 'the crash listed live' });
  await until(async () => (await bands()).at(-1).band === 'crashed', { within: 5_000, what: 'the strip ending Crashed at once' }).catch(async (error) => { throw new Error(`${error.message}: ${JSON.stringify(await bands())}`); });
  const [running, crash] = await card.locator('[data-band]').evaluateAll((items) => items.slice(-2).map((item) => ({ ...item.dataset, title: item.title })));
  assert.equal(running.band, 'running');
  assert.equal(running.end, crash.start, 'the stretch before the crash ends when it began, on hover too');
  assert.match(crash.title, /^Crashed: /);
  await until(async () => /now \d+, at most \d+/.test(await card.locator('[data-testid="rate"]').textContent()), { what: 'jobs per minute' });
  await writeRows(stack.writer, { worker_name: 'hist', status: 'crashed', last_heartbeat: new Date(Date.now() + 1000).toISOString(), jobs_processed: 50 });
  await until(async () => (await card.locator('[data-testid="sparkline"] polyline').count()) === 1, { what: 'the sparkline, from two rates on' });
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await card.screenshot({ path: path.join(ARTIFACTS, 'history-card.png') });

  // Cut off: an event happens meanwhile; after the resubscription it is there.
  await stack.reader.kill('SIGKILL');
  await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) !== 'live', { what: 'offline' });
  await writeRows(stack.writer, { worker_name: 'hist', status: 'running', last_heartbeat: new Date().toISOString(), jobs_processed: 31 });
  await stack.restartReader();
  await until(async () => /Crashed → Running$/.test((await events())[0]), { within: 30_000, what: 'the event written while cut off' });
  await page.close();
});

test('live updates never wait for the history: its week held back 8 s, the page is live and current meanwhile', async () => {
  const page = await stack.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  // The week's pages (not the one-row probe that tells the table answers) are held back.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  setTimeout(() => release(), 8_000);
  await page.route(/\/rest\/v1\/hp_worker_events\?.*occurred_at=/, async (route) => { await held; await route.continue(); });
  await page.goto(stack.site.url);
  const started = Date.now();
  await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live', { within: 6_000, what: 'live while the history loads' });
  const { error } = await stack.writer.from('hp_worker_status').update({ jobs_processed: 4242, last_heartbeat: new Date().toISOString() }).eq('worker_name', 'hist');
  assert.equal(error, null);
  await until(async () => /Jobs: 4242/.test(await page.locator('[data-worker="hist"]').textContent()), { within: 3_000, what: 'a change shown live' });
  assert.ok(Date.now() - started < 8_000, 'all of it before the history arrived');
  assert.equal(await page.locator('[data-worker="hist"] [data-testid="strip"]').count(), 0, 'no strip yet: the history is not loaded');
  // Once it arrives, the strip shows, with what the channel recorded meanwhile.
  await until(() => page.locator('[data-worker="hist"] [data-testid="strip"]').isVisible(), { within: 10_000, what: 'the strip once the history arrived' });
  await page.close();
});

test('a page opened after a worker died shows when the database found it Late and Stopped, and draws the silence once', async () => {
  // `gone` last beat 20 minutes ago; the database's sweep recorded its crossings (written here as
  // the sweep writes them: crates/schema-tests/tests/silence_sweep.rs runs the real job).
  const lastBeat = at(20 / 60);
  await writeRows(stack.writer, { worker_name: 'gone', status: 'running', last_heartbeat: lastBeat });
  const { error } = await stack.writer.from('hp_worker_events').insert([
    { worker_name: 'gone', kind: 'overdue', to_status: 'late', silence_started_at: lastBeat, occurred_at: at(19 / 60) },
    { worker_name: 'gone', kind: 'overdue', to_status: 'stopped', silence_started_at: lastBeat, occurred_at: at(15 / 60) },
  ]);
  assert.equal(error, null);
  const page = await stack.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const noise = [];
  page.on('console', (message) => { if (['warning', 'error'].includes(message.type())) noise.push(message.text()); });
  await page.goto(stack.site.url);
  const card = page.locator('[data-worker="gone"]');
  await until(async () => (await card.getAttribute('data-status')) === 'stopped', { within: 10_000, what: 'Stopped' });
  // The strip as first drawn already ends silent: its first report was recorded just now, a
  // little ahead of the page's estimate of the server's clock, and the 1 px stretch of that
  // instant once said Running until the next redraw (the minute turning, or an event). Counted
  // again once every record is listed.
  await until(async () => (await card.locator('[data-band]').count()) > 0, { within: 10_000, what: 'the strip' });
  assert.equal(await card.locator('[data-band="silent"]').count(), 1, 'one silent stretch from the first draw, not one per record');
  await card.locator('[data-testid="open-detail"]').click();
  await until(async () => (await card.locator('[data-testid="events"] li').count()) >= 3, { what: 'the events listed' });
  const listed = (await card.locator('[data-testid="events"] li').allTextContents()).join('\n');
  assert.match(listed, /Stopped after 5 minutes without a heartbeat/);
  assert.match(listed, /Late after 1 minute without a heartbeat/);
  assert.equal(await card.locator('[data-band="silent"]').count(), 1, 'still one silent stretch with every record in');
  assert.deepEqual(noise, []);
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await card.screenshot({ path: path.join(ARTIFACTS, 'history-overdue.png') });
  await page.close();
});
