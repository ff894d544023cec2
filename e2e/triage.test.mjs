// Triage (issue 13): status chips with live counts, the search (`/` focuses it), the view in the
// page address so a link shows the same view, cards that never move under the pointer, grouping
// by a metadata key with "version differs", collapsed groups remembered, and the wall-screen view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, startStack, serveHostPage, until, writeRows } from './support.mjs';

let stack;
const now = () => new Date().toISOString();
const ago = (seconds) => new Date(Date.now() - seconds * 1000).toISOString();

before(async () => {
  stack = await startStack();
  // Besides the five seeded workers (Unknown until their first heartbeat, among them
  // crawl-worker, "Web crawling"):
  await writeRows(stack.writer, [
    { worker_name: 'crawl-eu', description: 'Crawls EU sites', status: 'running', last_heartbeat: now(), metadata: { host: 'alpha', version: '1.4.0' } },
    { worker_name: 'crawl-us', description: 'Crawls US sites', status: 'crashed', last_heartbeat: now(), metadata: { host: 'beta', version: '1.4.0' } },
    { worker_name: 'mailer', description: 'Sends the newsletters', status: 'running', last_heartbeat: ago(120), metadata: { host: 'alpha', version: '1.3.9' } },
    { worker_name: 'sender', description: 'Sends receipts', status: 'running', last_heartbeat: now(), metadata: { host: 'alpha', version: '1.4.0' } },
    { worker_name: 'indexer', description: 'Search index', status: 'stopped', last_heartbeat: now(), metadata: { host: 'beta', version: '1.4.0' } },
  ]);
  // A day of history, so that the strips (and README's screenshot) show one.
  const hours = (n) => new Date(Date.now() - n * 3600_000).toISOString();
  const { error: historyError } = await stack.writer.from('hp_worker_events').insert(['crawl-eu', 'crawl-us', 'mailer', 'sender', 'indexer']
    .flatMap((worker_name, i) => [
      { worker_name, kind: 'status', from_status: null, to_status: 'running', occurred_at: hours(23 - i) },
      { worker_name, kind: 'silence', silence_started_at: hours(12 - i), occurred_at: hours(11.5 - i) },
      { worker_name, kind: 'status', from_status: 'running', to_status: 'crashed', occurred_at: hours(6 - i / 2) },
      { worker_name, kind: 'status', from_status: 'crashed', to_status: 'running', occurred_at: hours(5.5 - i / 2) },
    ]));
  assert.equal(historyError, null);
});
after(() => stack?.stop());

const shownNames = (page) => page.locator('[data-worker]').evaluateAll((cards) => cards.map((card) => card.dataset.worker));
const chip = (page, filter) => page.locator(`[data-filter="${filter}"]`);
const params = (page) => Object.fromEntries(new URL(page.url()).searchParams);

test('chips count live, filter, search, and the address holds the view', async () => {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${stack.site.url}?status=problems&q=crawl`);
  await until(async () => (await chip(page, 'problems').getAttribute('aria-pressed')) === 'true', { what: 'the Problems chip from the address' });
  await until(async () => JSON.stringify(await shownNames(page)) === '["crawl-us"]', { what: 'problems matching "crawl" only' });
  assert.equal(await page.locator('[data-testid="search"]').inputValue(), 'crawl');
  const counts = Object.fromEntries(await Promise.all(['all', 'problems', 'running', 'late', 'stopped', 'crashed', 'unknown']
    .map(async (filter) => [filter, await chip(page, filter).locator('.wsm-chip-count').textContent()])));
  assert.deepEqual(counts, { all: '10', problems: '3', running: '2', late: '1', stopped: '1', crashed: '1', unknown: '5' });
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'triage.png') });

  await chip(page, 'all').click();
  await until(async () => JSON.stringify((await shownNames(page)).sort()) === '["crawl-eu","crawl-us","crawl-worker"]', { what: 'every worker matching "crawl"' });
  assert.deepEqual(params(page), { q: 'crawl' }, 'All is the default and leaves the address');

  // `/` from anywhere on the page focuses the search; Escape clears it.
  await page.locator('.host-heading').click();
  await page.keyboard.press('/');
  await until(() => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.dataset.testid === 'search'), { what: '/ focuses the search' });
  await page.keyboard.press('Escape');
  await until(async () => (await shownNames(page)).length === 10, { what: 'Escape shows everyone' });
  assert.deepEqual(params(page), {});
  await page.keyboard.type('NEWSLETTER');
  await until(async () => JSON.stringify(await shownNames(page)) === '["mailer"]', { what: 'the description matches, case ignored' });
  assert.deepEqual(params(page), { q: 'NEWSLETTER' });

  // The link shows the same view.
  const other = await context.newPage();
  await other.goto(page.url());
  await until(async () => JSON.stringify(await shownNames(other)) === '["mailer"]', { what: 'the same view from the link' });

  // Nothing matches: say so, and offer the way back.
  await page.locator('[data-testid="search"]').fill('no-such-worker');
  await until(async () => (await page.locator('[data-testid="no-match"]').count()) === 1, { what: 'the no-match line' });
  await page.locator('[data-testid="no-match"] button').click();
  await until(async () => (await shownNames(page)).length === 10, { what: 'back to everyone' });

  // A chip's count follows the data live.
  await writeRows(stack.writer, { worker_name: 'sender', status: 'crashed', last_heartbeat: now() });
  await until(async () => (await chip(page, 'crashed').locator('.wsm-chip-count').textContent()) === '2', { what: 'the Crashed count going up' });
  await writeRows(stack.writer, { worker_name: 'sender', status: 'running', last_heartbeat: now() });
  await until(async () => (await chip(page, 'crashed').locator('.wsm-chip-count').textContent()) === '1', { what: 'and down' });
  await context.close();
});

test('cards do not move under the pointer; they move once it leaves', async () => {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(stack.site.url);
  await until(async () => (await shownNames(page)).length === 10, { what: 'the list' });
  const before = await shownNames(page);
  await page.locator('[data-worker="crawl-eu"]').hover();
  await writeRows(stack.writer, { worker_name: 'crawl-eu', status: 'crashed', last_heartbeat: now() });
  await until(async () => (await page.locator('[data-worker="crawl-eu"]').getAttribute('data-status')) === 'crashed', { what: 'the card turning Crashed in place' });
  await page.waitForTimeout(300);
  assert.deepEqual(await shownNames(page), before, 'the order waits while the pointer is in the list');
  await page.mouse.move(5, 5);
  await until(async () => (await shownNames(page))[0] === 'crawl-eu' || (await shownNames(page))[1] === 'crawl-eu', { what: 'the crashed card moving up once the pointer left' });
  await writeRows(stack.writer, { worker_name: 'crawl-eu', status: 'running', last_heartbeat: now() });
  await context.close();
});

test('group by host: worst group first, counts, "version differs", collapsed groups remembered', async () => {
  const site = await serveHostPage({ bundle: stack.bundle, gatewayUrl: stack.gateway.url, key: stack.gateway.publishableKey, attributes: 'group-by="host"' });
  try {
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await page.goto(site.url);
    const groups = () => page.locator('[data-group]').evaluateAll((sections) => sections.map((section) => `${section.dataset.group}:${section.dataset.status}`));
    await until(async () => JSON.stringify(await groups()) === '["beta:crashed","alpha:late","(not set):unknown"]', { what: 'groups, worst first' });
    assert.match(await page.locator('[data-group="beta"] [data-testid="group-counts"]').textContent(), /^0\/2 Running · 2 problems$/);
    assert.match(await page.locator('[data-group="alpha"] [data-testid="group-counts"]').textContent(), /^2\/3 Running · 1 problem$/);
    const flagged = await page.locator('[data-testid="version-differs"]').evaluateAll((badges) => badges.map((badge) => badge.closest('[data-worker]').dataset.worker));
    assert.deepEqual(flagged, ['mailer'], 'only the worker on another version than its group');
    await page.screenshot({ path: path.join(ARTIFACTS, 'grouped.png') });

    const toggle = page.locator('[data-group="alpha"] .wsm-group-toggle');
    await toggle.click();
    await until(async () => (await toggle.getAttribute('aria-expanded')) === 'false' && (await page.locator('[data-group="alpha"] [data-worker]').count()) === 0, { what: 'alpha collapsed' });
    await page.reload();
    await until(async () => (await page.locator('[data-group="beta"] [data-worker]').count()) === 2, { what: 'the page back' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'remembered across a reload');
    assert.equal(await page.locator('[data-group="alpha"] [data-worker]').count(), 0);

    await page.locator('[data-testid="group-by"]').selectOption('');
    await until(async () => (await page.locator('[data-group]').count()) === 0 && (await shownNames(page)).length === 10, { what: 'ungrouped by the picker' });
    assert.deepEqual(params(page), { group: '' }, 'the address says "not grouped" over the attribute');
    await context.close();
  } finally {
    await site.stop();
  }
});

test('the wall-screen view: no controls, large type, problems first', async () => {
  const context = await stack.browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  await page.goto(`${stack.site.url}?view=tv`);
  await until(async () => (await shownNames(page)).length === 10, { what: 'the list' });
  assert.equal(await page.locator('[data-testid="triage"]').count(), 0, 'no controls');
  assert.equal(await page.locator('button:visible, input:visible, select:visible').count(), 0, 'nothing to click on a wall');
  const names = await shownNames(page);
  assert.deepEqual(names.slice(0, 3).sort(), ['crawl-us', 'indexer', 'mailer'], 'problems first');
  const px = (locator) => locator.evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
  assert.ok(await px(page.locator('[data-testid="summary"]')) >= 48, 'the summary reads from three metres');
  assert.ok(await px(page.locator('[data-worker="mailer"] .wsm-name')) >= 28, 'so do the names');
  await page.screenshot({ path: path.join(ARTIFACTS, 'tv.png') });
  await context.close();
});
