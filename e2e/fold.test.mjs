// Workers silent for more than 7 days are folded into "N hidden" (issue 13): reversible, the
// choice remembered in the browser, and a worker that reports again comes back by itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS, startStack, until, writeRows } from './support.mjs';

const DAY = 24 * 60 * 60 * 1000;
let stack;

before(async () => {
  stack = await startStack();
  await writeRows(stack.writer, ['gone-1', 'gone-2', 'gone-3'].map((worker_name) => ({
    worker_name, status: 'running', last_heartbeat: new Date(Date.now() - 8 * DAY).toISOString(),
  })).concat([{ worker_name: 'alive', status: 'running', last_heartbeat: new Date().toISOString() }]));
});
after(() => stack?.stop());

test('silent for more than 7 days: folded, shown on request, remembered, and back when they report', async () => {
  const context = await stack.browser.newContext();
  const page = await context.newPage();
  await page.goto(stack.site.url);
  const fold = page.locator('[data-testid="silent-fold"]');
  const shownNames = () => page.locator('[data-worker]').evaluateAll((cards) => cards.map((card) => card.dataset.worker));
  await until(async () => (await fold.count()) === 1, { what: 'the fold line' });
  assert.match(await fold.textContent(), /^3 hidden: silent for more than 7 days\./);
  let names = await shownNames();
  assert.ok(names.includes('alive') && !names.some((name) => name.startsWith('gone-')), String(names));
  assert.match(await page.locator('[data-testid="summary"]').textContent(), /\/9 Running/, 'the summary still counts every worker');
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'silent-fold.png'), fullPage: true });

  await fold.getByRole('button', { name: 'Show them' }).click();
  await until(async () => (await shownNames()).includes('gone-2'), { what: 'shown on request' });
  assert.match(await fold.textContent(), /Showing 3 workers silent for more than 7 days/);

  await page.reload();
  await until(async () => (await shownNames()).includes('gone-2'), { what: 'still shown after a reload: remembered' });
  await fold.getByRole('button', { name: 'Hide them' }).click();
  await until(async () => !(await shownNames()).includes('gone-2'), { what: 'folded again' });

  await writeRows(stack.writer, { worker_name: 'gone-1', status: 'running', last_heartbeat: new Date().toISOString() });
  await until(async () => (await shownNames()).includes('gone-1'), { what: 'a worker that reports again comes back' });
  await until(async () => /^2 hidden/.test(await fold.textContent()), { what: '2 hidden' });
  await context.close();
});
