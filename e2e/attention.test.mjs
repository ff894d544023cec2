// Attention in the browser tab (issue 13): with `update-title` (the standalone page sets it), the
// page's title and favicon show the number of problems, "(1) Operations" and a red dot, and go
// back when the problems do and when the section is removed. Without it, an embedded section
// leaves its host page's title alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, serveHostPage, until, writeRows } from './support.mjs';

let stack;

before(async () => {
  stack = await startStack({ attributes: 'update-title' });
});
after(() => stack?.stop());

async function setBroken(open) {
  await writeRows(stack.writer, { worker_name: 'broken-worker', status: 'running',
    last_heartbeat: new Date().toISOString(), circuit_breaker_open: open });
}

test('with update-title, the title and favicon count the problems and are restored', async () => {
  const page = await stack.browser.newPage();
  await page.goto(stack.site.url);
  const icon = () => page.locator('link[rel~="icon"]').getAttribute('href');
  await until(async () => (await page.locator('[data-testid="summary"]').textContent()).endsWith('Running'), { what: 'loaded' });
  assert.equal(await page.title(), 'Operations');
  assert.equal(await icon(), 'data:,');
  await setBroken(true);
  await until(async () => (await page.title()) === '(1) Operations', { what: 'the problem in the title' });
  assert.match(await icon(), /^data:image\/svg\+xml,.*circle/, 'a red dot');
  await setBroken(false);
  await until(async () => (await page.title()) === 'Operations', { what: 'the title back' });
  assert.equal(await icon(), 'data:,');
  await setBroken(true);
  await until(async () => (await page.title()) === '(1) Operations', { what: 'the problem again' });
  await page.evaluate(() => document.querySelector('worker-status').remove());
  await until(async () => (await page.title()) === 'Operations', { what: 'restored on removal' });
  assert.equal(await icon(), 'data:,');
  await page.close();
});

test('without update-title an embedded section leaves the host title alone', async () => {
  const site = await serveHostPage({ bundle: stack.bundle, gatewayUrl: stack.gateway.url, key: stack.gateway.publishableKey });
  const page = await stack.browser.newPage();
  await page.goto(site.url);
  await setBroken(true);
  await until(async () => (await page.locator('[data-testid="summary"]').textContent()).endsWith('Running'), { what: 'loaded' });
  await until(async () => (await page.locator('[data-worker="broken-worker"]').getAttribute('data-status')) === 'crashed', { what: 'crashed shown' });
  assert.equal(await page.title(), 'Operations');
  await page.close();
  await site.stop();
});
