// Accessibility (issue 13): an axe-core scan of the section finds no violation (WCAG 2.2 A/AA
// and axe's best practices) in the list, grouped, error and wall-screen views, and the whole
// section works by keyboard: chips, search, group picker, collapsing a group, the fold, "Last
// seen" exact times.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { startStack, serveHostPage, until, writeRows } from './support.mjs';

let stack;
const now = () => new Date().toISOString();

before(async () => {
  stack = await startStack();
  // One batch, each row with its own keys: what a row leaves out gets the column's default.
  await writeRows(stack.writer, [
    { worker_name: 'crawl-eu', description: 'Crawls EU sites', status: 'running', last_heartbeat: now(), metadata: { host: 'alpha', version: '2', region: 'eu', pid: 1, queue: 'a', extra: 'x' } },
    { worker_name: 'crawl-us', description: 'Crawls US sites', status: 'crashed', circuit_breaker_open: true, last_heartbeat: now(), metadata: { host: 'beta', version: '2' } },
    { worker_name: 'mailer', status: 'running', last_heartbeat: new Date(Date.now() - 120_000).toISOString(), metadata: { host: 'alpha', version: '1' } },
    { worker_name: 'sender', status: 'running', last_heartbeat: now(), metadata: { host: 'alpha', version: '2' } },
    { worker_name: 'gone', status: 'running', last_heartbeat: new Date(Date.now() - 9 * 24 * 3600_000).toISOString() },
  ], { defaultToNull: false });
});
after(() => stack?.stop());

/** axe-core over the section only (the host page is not ours), all WCAG A/AA rules and best practices. */
async function violations(page) {
  const results = await new AxeBuilder({ page })
    .include('worker-status')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .disableRules(['region']) // landmarks are the host page's business
    .analyze();
  return results.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

for (const scheme of ['light', 'dark']) {
  test(`axe finds no violation: list, grouped, wall-screen views (${scheme})`, async () => {
    const context = await stack.browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const query of ['', '?group=host', '?status=problems&q=crawl', '?view=tv']) {
      await page.goto(`${stack.site.url}${query}`);
      await until(async () => (await page.locator('[data-worker]').count()) > 0, { what: `workers (${query})` });
      await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live', { within: 10_000, what: 'live' });
      assert.deepEqual(await violations(page), [], `axe on "${query || 'the list'}"`);
    }
    await context.close();
  });
}

test('axe finds no violation in the error state', async () => {
  const site = await serveHostPage({ bundle: stack.bundle, gatewayUrl: stack.gateway.url, key: 'sb_publishable_wrong' });
  try {
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    await page.goto(site.url);
    await until(async () => (await page.locator('.wsm-error').count()) === 1, { within: 15_000, what: 'the error panel' });
    assert.deepEqual(await violations(page), []);
    await context.close();
  } finally {
    await site.stop();
  }
});

test('the whole section works by keyboard', async () => {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(stack.site.url);
  await until(async () => (await page.locator('[data-worker]').count()) === 9, { what: 'the list' });
  const focused = () => page.evaluate(() => {
    const inner = document.activeElement?.shadowRoot?.activeElement;
    return inner ? (inner.dataset.filter ?? inner.dataset.testid ?? (inner.className || inner.tagName)) : null;
  });
  /** Presses Tab until `want` (a function of the focused element's description) holds. */
  async function tabTo(want, what) {
    for (let i = 0; i < 60; i += 1) {
      await page.keyboard.press('Tab');
      if (want(await focused())) return;
    }
    throw new Error(`Tab never reached ${what}`);
  }
  await page.locator('.host-heading').click();
  await tabTo((name) => name === 'problems', 'the Problems chip');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('[data-worker]').count()) === 2, { what: 'Problems by Enter' });
  await tabTo((name) => name === 'all', 'the All chip');
  await page.keyboard.press('Space');
  await until(async () => (await page.locator('[data-worker]').count()) === 9, { what: 'All by Space' });
  await tabTo((name) => name === 'search', 'the search');
  await page.keyboard.type('crawl-');
  await until(async () => (await page.locator('[data-worker]').count()) === 3, { what: 'typing searches' });
  await page.keyboard.press('Escape');
  await tabTo((name) => name === 'group-by', 'the group picker');
  await page.keyboard.press('ArrowDown'); // the first key offered: host
  await until(async () => (await page.locator('[data-group]').count()) > 0, { what: 'grouped from the keyboard' });
  await tabTo((name) => name === 'wsm-group-toggle', 'a group header');
  const group = await page.evaluate(() => document.activeElement.shadowRoot.activeElement.closest('[data-group]').dataset.group);
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator(`[data-group="${group}"] [data-worker]`).count()) === 0, { what: 'collapsed by Enter' });
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator(`[data-group="${group}"] [data-worker]`).count()) > 0, { what: 'opened by Enter' });
  // A card's "Last seen" shows the exact time on focus.
  await tabTo((name) => name === 'TIME', 'a "Last seen" time');
  // The fold of the silent: reachable and operable.
  await tabTo((name) => name === 'wsm-fold-toggle', 'the fold button');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('[data-worker="gone"]').count()) === 1, { what: 'the silent shown by Enter' });
  await context.close();
});
