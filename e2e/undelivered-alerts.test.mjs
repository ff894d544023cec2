// Alerts not getting through (issue 29): when the drain has counted undeliverable alerts or a
// failing route in hp_alert_health, the section says so to whoever looks at it, as text, without
// naming a route or a destination (the public key cannot read them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, startStack, until, writeRows } from './support.mjs';

let stack;
before(async () => {
  stack = await startStack();
  await writeRows(stack.writer, { worker_name: 'crawl-worker', status: 'running', last_heartbeat: new Date().toISOString() });
  // As the drain's refresh writes them after a route answered 404 for an hour.
  const { error } = await stack.writer.from('hp_alert_health').update({ undeliverable: 3, failing_routes: 1 }).eq('id', 1);
  assert.equal(error, null);
});
after(() => stack?.stop());

test('the section says that alerts could not be delivered', async () => {
  const page = await stack.browser.newPage();
  const problems = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  await page.goto(stack.site.url);
  const banner = page.locator('[data-testid="undelivered-alerts"]');
  await until(async () => (await banner.count()) === 1, { within: 15_000, what: 'the banner' });
  assert.match(await banner.textContent(), /^3 alerts could not be delivered; 1 alert route is failing\. /);
  assert.equal(await banner.getAttribute('role'), 'status');
  await page.screenshot({ path: path.join(ARTIFACTS, 'undelivered-alerts.png') });
  assert.deepEqual(problems, []);
  await page.close();
});
