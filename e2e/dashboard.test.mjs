// The Worker Status section in headless Chromium against the local stack: what a person on the
// operations wall sees as workers report, break, vanish, go quiet, and as the server restarts.
// It runs the release bundle (what users deploy) inside a host page on another origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { ARTIFACTS, startStack, until, statusOf, writeRows } from './support.mjs';

const SEEDED = ['roundtable-worker', 'x-autopost', 'analyze-worker', 'content-worker', 'crawl-worker'];
// Which live transport the section follows: Postgres Changes (the default) or, when
// dashboard-broadcast.test.mjs runs these same tests, Broadcast from the database (issue 14).
const REALTIME = process.env.WORKER_STATUS_REALTIME ?? 'postgres_changes';
const joins = [];
let stack;
let writer;
let page;
const pageErrors = [];

before(async () => {
  // The release bundle on its own origin, placed in a host page on another one, with the
  // publishable key: what a deployment looks like. The workers write with the legacy
  // service_role key through their own gateway.
  stack = await startStack({ separateWriter: true, writerKey: 'serviceKey', attributes: REALTIME === 'broadcast' ? 'realtime="broadcast"' : '' });
  writer = stack.writer;
  page = await stack.browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => {
    const frame = typeof payload === 'string' ? JSON.parse(payload) : null;
    if (frame?.[3] === 'phx_join') joins.push(frame[4].config);
  }));
  await page.goto(stack.site.url);
});

after(() => stack?.stop());

const summary = () => page.locator('[data-testid="summary"]').textContent();
const connection = () => page.locator('[data-testid="connection"]').getAttribute('data-state');

async function heartbeat(name, extra = {}) {
  await writeRows(writer, {
    worker_name: name, status: 'running', last_heartbeat: new Date().toISOString(),
    jobs_processed: 142, error_count: 0, circuit_breaker_open: false, ...extra,
  });
}

test('the five seeded workers show, 0/5 Running, before any heartbeat', async () => {
  await until(async () => (await summary()) === '0/5 Running', { within: 15_000, what: '0/5 Running' });
  const names = await page.locator('[data-worker]').evaluateAll((cards) => cards.map((card) => card.dataset.worker));
  assert.deepEqual(names, SEEDED, 'seeded order when nothing is wrong');
  for (const name of SEEDED) assert.equal(await statusOf(page, name), 'unknown');
  await until(async () => (await connection()) === 'live', { within: 10_000, what: 'live' });
  const card = page.locator('[data-worker="roundtable-worker"]');
  assert.match(await card.textContent(), /Conversation orchestration/);
  assert.match(await card.textContent(), /Last seen: never/);
  assert.match(await card.textContent(), /Jobs: 0 \| Errors: 0/);
  // Issue 13: when no worker runs at all, one banner says so, above everything else.
  const banner = page.locator('[data-testid="none-running"]');
  assert.equal(await banner.textContent(), 'No worker is running.');
  const above = await page.locator('[data-testid="worker-status"]').evaluate((section) => {
    const banners = [...section.querySelectorAll('.wsm-banner, [data-testid="worker-list"]')];
    return banners[0]?.dataset.testid;
  });
  assert.equal(above, 'none-running', 'the first banner, above the list');
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'none-running.png') });
});

test('heartbeats turn them Running within 2 s of the write', async () => {
  await Promise.all(SEEDED.map((name) => heartbeat(name)));
  const written = Date.now();
  await until(async () => (await summary()) === '5/5 Running', { within: 2_000, what: '5/5 Running within 2 s' });
  const elapsed = Date.now() - written;
  assert.ok(elapsed <= 2_000, `${elapsed} ms`);
  assert.equal(await page.locator('[data-testid="none-running"]').count(), 0, 'no banner once a worker runs');
  const card = page.locator('[data-worker="x-autopost"]');
  assert.match(await card.textContent(), /✅ Running/);
  assert.match(await card.textContent(), /Jobs: 142 \| Errors: 0/);
  assert.match(await card.locator('time').textContent(), /Last seen: (just now|\d+ seconds ago)/);
  // The exact local time comes on hover (formatted then, not with every card), as the browser formats that instant.
  // The section's own card (its controls drawn): a hover on the first rows' card just as the
  // section replaced it set the title on the element that left (seen once in a fresh clone).
  await until(() => page.locator('[data-testid="triage"]').first().isVisible(), { within: 10_000, what: 'the section in place of the first rows' });
  const seen = card.locator('time');
  await seen.hover();
  const expected = await seen.evaluate((time) => new Date(time.getAttribute('datetime')).toLocaleString());
  assert.equal(await seen.getAttribute('title'), expected, 'the exact local time is on hover');
  // The pointer in the list holds its order: it leaves for the tests after this one.
  await page.mouse.move(0, 0);
});

test(`the section follows ${REALTIME}`, async () => {
  await until(async () => joins.length > 0 && (await connection()) === 'live', { within: 10_000, what: 'joined and live' });
  const tables = joins[0].postgres_changes.map((binding) => binding.table);
  if (REALTIME === 'broadcast') {
    assert.equal(joins[0].private, true, 'the private broadcast topic');
    assert.ok(!tables.includes('hp_worker_status'), `no postgres_changes on the status table: ${tables}`);
  } else {
    assert.equal(joins[0].private, false);
    assert.ok(tables.includes('hp_worker_status'));
  }
});

test('nobody with the public key can make the page show a forged status', { skip: REALTIME !== 'broadcast' && 'broadcast mode only' }, async () => {
  const { data: [row] } = await writer.from('hp_worker_status').select('*').eq('worker_name', 'x-autopost');
  assert.equal(await statusOf(page, 'x-autopost'), 'running');
  const forged = { ...row, status: 'crashed', circuit_breaker_open: true, updated_at: new Date(Date.now() + 1_000).toISOString() };
  const payload = { operation: 'UPDATE', schema: 'public', table: 'hp_worker_status', record: forged, old_record: row };
  // On the private topic the page follows, and on the public one of the same name.
  const forgers = [{ private: true }, {}].map((config) => ({
    config, client: createClient(stack.reader.url, stack.reader.publishableKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } }),
  }));
  for (const { config, client } of forgers) {
    const channel = client.channel('worker-status', { config });
    const joined = await new Promise((resolve) => {
      setTimeout(() => resolve('no answer within 10 s'), 10_000);
      channel.subscribe((status) => resolve(status));
    });
    assert.equal(joined, 'SUBSCRIBED', `the forger joined ${JSON.stringify(config)}`);
    await channel.send({ type: 'broadcast', event: 'UPDATE', payload });
  }
  await page.waitForTimeout(1_500);
  assert.equal(await statusOf(page, 'x-autopost'), 'running', 'the forged Crashed never shows');
  for (const { client } of forgers) {
    await client.removeAllChannels();
    client.realtime.disconnect();
  }
});

test('a heartbeat updates its card in place: the same element, and keyboard focus stays on it', async () => {
  const card = page.locator('[data-worker="x-autopost"]');
  await card.locator('time').focus();
  await card.evaluate((element) => { element.__marker = 'kept'; });
  await heartbeat('x-autopost', { jobs_processed: 143 });
  await until(async () => /Jobs: 143/.test(await card.textContent()), { within: 2_000, what: 'the heartbeat shown' });
  assert.equal(await card.evaluate((element) => element.__marker), 'kept', 'the card was updated, not re-created');
  const focused = await page.evaluate(() => document.querySelector('worker-status').shadowRoot.activeElement?.closest('[data-worker]')?.dataset.worker);
  assert.equal(focused, 'x-autopost', 'focus stayed on the card');
  // Focus in the list holds the order (issue 13); the next test needs it to move.
  await page.locator('[data-worker="x-autopost"] time').blur();
});

test('an open circuit breaker shows Crashed with the badge, first in the list', async () => {
  await heartbeat('content-worker', { circuit_breaker_open: true, status: 'crashed', error_count: 10 });
  await until(async () => (await statusOf(page, 'content-worker')) === 'crashed', { within: 2_000, what: 'crashed' });
  const card = page.locator('[data-worker="content-worker"]');
  assert.equal(await card.locator('[data-testid="breaker"]').textContent(), '⚠️ Circuit Breaker Open');
  assert.match(await card.textContent(), /Crashed/);
  assert.equal(await page.locator('[data-worker]').first().getAttribute('data-worker'), 'content-worker', 'problems first');
  assert.equal(await summary(), '4/5 Running');
  // Issue 13: the transition is announced to screen readers in one sentence naming the worker.
  const announcer = page.locator('[data-testid="announcer"]');
  assert.equal(await announcer.getAttribute('aria-live'), 'polite');
  assert.equal(await announcer.textContent(), 'content-worker is now Crashed (was Running).');
});

test('names and metadata are text, never HTML', async () => {
  const hostile = '<img src=x onerror="window.__pwned=1">';
  await heartbeat(hostile, { metadata: { '<b>key</b>': '<script>window.__pwned=2</script>', nested: { a: [1, 2] } } });
  const card = page.locator('[data-worker]', { hasText: 'onerror' });
  await until(async () => (await card.count()) === 1, { within: 2_000, what: 'hostile worker shown' });
  assert.equal(await card.getAttribute('data-worker'), hostile);
  assert.equal(await card.locator('img, script, b').count(), 0, 'no element was created from the strings');
  assert.match(await card.textContent(), /<script>window.__pwned=2<\/script>/);
  assert.match(await card.textContent(), /\{"a":\[1,2\]\}/);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

test('a delete removes the worker', async () => {
  const { error } = await writer.from('hp_worker_status').delete().like('worker_name', '<img*');
  assert.equal(error, null);
  await until(async () => (await page.locator('[data-worker]').count()) === 5, { within: 2_000, what: 'removed' });
});

test('a worker silent for 5 min + 1 s turns Stopped with no event', async () => {
  // Written as Late, 2.5 s before the Stopped threshold; then nothing is written.
  await heartbeat('crawl-worker', { last_heartbeat: new Date(Date.now() - 297_500).toISOString() });
  await until(async () => (await statusOf(page, 'crawl-worker')) === 'late', { within: 2_000, what: 'late' });
  await until(async () => (await statusOf(page, 'crawl-worker')) === 'stopped', { within: 6_000, what: 'stopped by the clock alone' });
  assert.match(await page.locator('[data-worker="crawl-worker"]').textContent(), /Last seen: 5 minutes ago/);
  // Turned Stopped by the clock alone: announced too, and the ticking "Last seen" never is.
  const announced = await page.locator('[data-testid="announcer"]').textContent();
  assert.match(announced, /crawl-worker is now Stopped \(was Late\)\./);
  assert.doesNotMatch(announced, /seconds|minutes|ago/);
});

test('the gateway killed and restarted while rows change: reconnecting, then the page matches the database', async () => {
  await until(async () => (await connection()) === 'live', { what: 'live before the kill' });
  await stack.reader.kill('SIGKILL');
  await until(async () => (await connection()) === 'reconnecting', { within: 5_000, what: 'reconnecting' });
  const banner = page.locator('[data-testid="stale-banner"]');
  await until(() => banner.isVisible(), { within: 3_000, what: 'stale banner' });
  // Rows change while the page cannot hear about it.
  await heartbeat('analyze-worker', { jobs_processed: 999 });
  await writer.from('hp_worker_status').delete().eq('worker_name', 'x-autopost');
  await heartbeat('new-worker', { description: 'Born during the outage' });
  await stack.restartReader();
  await until(async () => (await connection()) === 'live', { within: 15_000, what: 'live again' });
  await until(async () => (await page.locator('[data-worker="x-autopost"]').count()) === 0, { within: 3_000, what: 'deleted row gone' });
  const { data } = await writer.from('hp_worker_status').select('worker_name,jobs_processed');
  const onPage = await page.locator('[data-worker]').evaluateAll((cards) => cards.map((card) => card.dataset.worker).sort());
  assert.deepEqual(onPage, data.map((row) => row.worker_name).sort());
  assert.match(await page.locator('[data-worker="analyze-worker"]').textContent(), /Jobs: 999/);
  assert.match(await page.locator('[data-worker="new-worker"]').textContent(), /Born during the outage/);
  assert.equal(await banner.count(), 0, 'no stale banner once live');
});

test('the browser going offline shows offline, and coming back goes live at once', async () => {
  await until(async () => (await connection()) === 'live', { what: 'live first' });
  await page.context().setOffline(true);
  await until(async () => (await connection()) === 'offline', { within: 3_000, what: 'offline' });
  assert.match(await page.locator('[data-testid="connection"]').textContent(), /Offline/);
  await page.context().setOffline(false);
  await until(async () => (await connection()) === 'live', { within: 5_000, what: 'live again without waiting out the backoff' });
  assert.deepEqual(pageErrors, []);
});

test('the page never panicked, and a screenshot is kept', async () => {
  assert.deepEqual(pageErrors, []);
  assert.equal(await page.locator('[data-crashed]').count(), 0);
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${REALTIME}.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-dark.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
});
