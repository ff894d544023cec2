// More workers than one REST answer may hold: the gateway caps GETs at --max-rows (100 here, as
// hosted Supabase caps them at 1,000) and the section pages through by key, shows what it has
// while the rest arrives, never claims a total it has not loaded, and ends with exactly the
// table's rows, also when rows are written and deleted while it is paging. At 10,000 workers the
// list is windowed: a screenful of rows exists in the DOM, and scrolling brings the others.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startStack, writeRows } from './support.mjs';

const WORKERS = 250;
let stack;
let writer;
let gateway;
let site;
let browser;

before(async () => {
  stack = await startStack({ gatewayArgs: ['--max-rows', '100'] });
  ({ writer, gateway, site, browser } = stack);
  const now = new Date().toISOString();
  const rows = Array.from({ length: WORKERS }, (_, i) => ({
    worker_name: `fleet-${String(i).padStart(4, '0')}`, status: 'running', last_heartbeat: now,
    jobs_processed: i, error_count: 0, circuit_breaker_open: false, metadata: {},
  }));
  await writeRows(writer, rows);
});

after(() => stack?.stop());

async function tableNames() {
  const names = [];
  for (let from = 0; ; from += 100) {
    const { data, error } = await writer.from('hp_worker_status').select('worker_name').order('worker_name').range(from, from + 99);
    assert.equal(error, null);
    names.push(...data.map((row) => row.worker_name));
    if (data.length < 100) return names.sort();
  }
}

/** Opens the page with every summary text it ever shows recorded; tall enough by default that
 * the windowed rows of a few hundred workers are all on screen. */
async function open({ height = 12_000 } = {}) {
  const page = await browser.newPage({ viewport: { width: 1200, height } });
  await page.addInitScript(() => {
    window.__summaries = [];
    const watch = () => {
      const summary = document.querySelector('worker-status')?.shadowRoot?.querySelector('[data-testid="summary"]');
      if (summary && window.__summaries.at(-1) !== summary.textContent) window.__summaries.push(summary.textContent);
      requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  });
  await page.goto(site.url);
  return page;
}

const shownNames = (page) => page.locator('[data-worker]').evaluateAll((cards) => cards.map((card) => card.dataset.worker).sort());

test('the gateway caps a GET at --max-rows', async () => {
  const { data, error } = await createClient(gateway.url, gateway.publishableKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } })
    .from('hp_worker_status').select('worker_name');
  assert.equal(error, null);
  assert.equal(data.length, 100);
});

test('all 255 workers load through pages of 100, and no partial total is ever claimed', async () => {
  const total = WORKERS + 5;
  const page = await open();
  await page.waitForFunction((expected) => window.__summaries.includes(`${expected - 5}/${expected} Running`), total, { timeout: 15_000 });
  assert.deepEqual(await shownNames(page), await tableNames());
  const summaries = await page.evaluate(() => window.__summaries);
  assert.ok(summaries.some((text) => /^Loading \d+ of 255 workers…$/.test(text)), `progress was shown: ${summaries.join(' | ')}`);
  for (const text of summaries) {
    const claimed = text.match(/^\d+\/(\d+) Running$/)?.[1];
    if (claimed) assert.equal(Number(claimed), total, `claimed a total of ${claimed}: ${summaries.join(' | ')}`);
  }
  await page.close();
});

test('rows written and deleted while the section pages converge to exactly the table', async () => {
  // Each REST answer takes 400 ms, so the three pages take over a second.
  await fetch(`${gateway.url}/__faults/rest?delay_ms=400&count=3`, { method: 'POST' });
  const page = await open();
  await page.waitForFunction(() => window.__summaries.some((text) => text.startsWith('Loading')), null, { timeout: 5_000 });
  const heartbeat = { status: 'running', last_heartbeat: new Date().toISOString(), jobs_processed: 1, error_count: 0, circuit_breaker_open: false, metadata: {} };
  // Behind the cursor, ahead of it, and a delete of a row already loaded.
  await writeRows(writer, [{ worker_name: 'aaa-early', ...heartbeat }, { worker_name: 'zzz-late', ...heartbeat }]);
  assert.equal((await writer.from('hp_worker_status').delete().eq('worker_name', 'fleet-0003')).error, null);
  const expected = await tableNames();
  const deadline = Date.now() + 10_000;
  while (JSON.stringify(await shownNames(page)) !== JSON.stringify(expected)) {
    assert.ok(Date.now() < deadline, 'the page did not converge to the table within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(await page.locator('[data-testid="summary"]').textContent(), `${expected.length - 5}/${expected.length} Running`);
  await fetch(`${gateway.url}/__faults/reset`, { method: 'POST' });
  await page.close();
});

test('10,000 workers: all counted, a screenful in the DOM, and scrolling reaches the last one', async () => {
  const now = new Date().toISOString();
  const known = (await tableNames()).length;
  for (let from = 0; from < 10_000 - known; from += 2_000) {
    const rows = Array.from({ length: Math.min(2_000, 10_000 - known - from) }, (_, i) => ({
      worker_name: `zz-fleet-${String(from + i).padStart(5, '0')}`, status: 'running', last_heartbeat: now,
      jobs_processed: 0, error_count: 0, circuit_breaker_open: false, metadata: {},
    }));
    await writeRows(writer, rows);
  }
  const names = await tableNames();
  assert.equal(names.length, 10_000);
  const page = await open({ height: 900 });
  const summary = page.locator('[data-testid="summary"]');
  // Behaviour, not this machine's speed: the load must keep making progress (the summary counts
  // pages as they land) until all are counted; it fails only if it stalls for 30 s.
  let last = '';
  let stalledSince = Date.now();
  for (;;) {
    const text = await summary.textContent();
    if (/\/10000 Running$/.test(text)) break;
    if (text !== last) {
      last = text;
      stalledSince = Date.now();
    }
    assert.ok(Date.now() - stalledSince < 30_000, `no progress for 30 s: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const elements = await page.evaluate(() => document.querySelector('worker-status').shadowRoot.querySelectorAll('*').length);
  assert.ok(elements < 1_500, `${elements} elements for 10,000 workers: the list is not windowed`);
  const lastName = names.at(-1);
  assert.equal(await page.locator(`[data-worker="${lastName}"]`).count(), 0, 'the last worker is far below the screen');
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.locator(`[data-worker="${lastName}"]`).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator(`[data-worker="${lastName}"]`).getAttribute('data-status'), 'running');
  await page.close();
});
