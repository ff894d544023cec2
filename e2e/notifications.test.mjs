// Opt-in browser notifications (issue 13), with the permission granted by the test: asked only
// on the button's click; one notification per transition naming the worker, Crashed and Stopped
// at once, Late only after a minute of it; nothing while the page's own connection is down, and
// what changed meanwhile once it is back.
// Notifications are real; the test only records their constructor's calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, until, writeRows } from './support.mjs';

// Workers the test keeps beating every second (through their own gateway).
const beating = new Set(['steady', 'crashy', 'held']);
let stack; let beats;

async function beat(names, fields = {}) {
  await writeRows(stack.writer, names.map((worker_name) => ({
    worker_name, status: 'running', last_heartbeat: new Date().toISOString(), ...fields,
  })));
}

before(async () => {
  stack = await startStack({ separateWriter: true, attributes: 'late-after="3"' });
  await beat(['steady', 'crashy', 'slow', 'held']);
  beats = setInterval(() => beat([...beating]).catch(() => {}), 1_000);
});

after(async () => {
  clearInterval(beats);
  await stack?.stop();
});

test('notifications: on request only, one per transition, Late after a minute, none while offline', { timeout: 180_000 }, async () => {
  const context = await stack.browser.newContext();
  await context.grantPermissions(['notifications'], { origin: new URL(stack.site.url).origin });
  await context.addInitScript(() => {
    window.shownNotifications = [];
    window.permissionRequests = 0;
    const Real = window.Notification;
    const request = Real.requestPermission.bind(Real);
    window.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        window.shownNotifications.push({ title, body: options?.body, at: Date.now() });
      }
      static requestPermission() {
        window.permissionRequests += 1;
        return request();
      }
    };
  });
  const page = await context.newPage();
  await page.goto(stack.site.url);
  const shown = () => page.evaluate(() => window.shownNotifications.map((note) => `${note.title} | ${note.body}`));
  const connection = () => page.locator('[data-testid="connection"]').getAttribute('data-state');
  await until(async () => (await connection()) === 'live', { within: 20_000, what: 'live' });
  assert.equal(await page.evaluate(() => window.permissionRequests), 0, 'the permission is not asked on load');

  const button = page.locator('[data-testid="notify"]');
  await button.click();
  await until(async () => (await button.getAttribute('aria-pressed')) === 'true', { what: 'notifications on' });
  assert.equal(await page.evaluate(() => window.permissionRequests), 1, 'asked on the click');
  const enabledAt = Date.now();

  // 'slow' stopped beating when the page loaded: Late after 3 s, worth a notification a minute later.
  await until(async () => (await page.locator('[data-worker="slow"]').getAttribute('data-status')) === 'late', { within: 10_000, what: 'slow Late' });
  const lateSince = Date.now();

  beating.delete('crashy');
  await beat(['crashy'], { status: 'crashed' });
  await until(async () => (await shown()).length === 1, { what: 'the Crashed notification' });
  assert.deepEqual(await shown(), ['crashy: Crashed | Was Running.']);
  await beat(['crashy'], { status: 'crashed', jobs_processed: 5 });
  await page.waitForTimeout(1_500);
  assert.equal((await shown()).length, 1, 'a heartbeat that changes no status notifies nothing');

  // Our own connection down: 'held' goes silent and 'crashy' is stopped meanwhile, yet nothing
  // is shown until the page is live again and has learnt both from its snapshot.
  beating.delete('held');
  await stack.reader.kill('SIGKILL');
  await until(async () => (await connection()) !== 'live', { within: 5_000, what: 'the page offline' });
  await beat(['crashy'], { status: 'stopped' });
  await page.waitForTimeout(5_000);
  assert.deepEqual(await shown(), ['crashy: Crashed | Was Running.'], 'nothing while the page is offline');
  await stack.restartReader();
  await until(async () => (await connection()) === 'live', { within: 30_000, what: 'live again' });
  const liveAgainAt = Date.now();
  await until(async () => (await shown()).includes('crashy: Stopped | Was Crashed.'), { what: 'the Stopped notification from the snapshot' });

  await until(async () => (await shown()).some((note) => note.startsWith('slow: Late')), { within: 80_000, what: 'the Late notification after a minute' });
  const shownAt = (title) => page.evaluate((wanted) => window.shownNotifications.find((note) => note.title === wanted)?.at, title);
  const slowShownAt = await shownAt('slow: Late');
  assert.ok(slowShownAt - lateSince >= 55_000, `Late for a minute before notifying (${slowShownAt - lateSince} ms)`);
  assert.ok(slowShownAt - enabledAt < 90_000);

  // 'held' turned Late while the page was away: a minute after the page saw it, it is told too.
  await until(async () => (await shown()).some((note) => note.startsWith('held: Late')), { within: 80_000, what: 'the Late notification of the worker silent during the outage' });
  const heldShownAt = await shownAt('held: Late');
  assert.ok(heldShownAt - liveAgainAt >= 55_000, `Late for a minute after the page was back (${heldShownAt - liveAgainAt} ms)`);
  const notes = await shown();
  for (const name of ['slow', 'held']) {
    assert.equal(notes.filter((note) => note.startsWith(`${name}:`)).length, 1, `one per transition (${name})`);
  }
  assert.ok(!notes.some((note) => note.startsWith('steady')), notes.join('\n'));

  // Off again: nothing more.
  clearInterval(beats);
  await button.click();
  await until(async () => (await button.getAttribute('aria-pressed')) === 'false', { what: 'notifications off' });
  await beat(['steady'], { status: 'crashed' });
  await until(async () => (await page.locator('[data-worker="steady"]').getAttribute('data-status')) === 'crashed', { what: 'steady Crashed' });
  await page.waitForTimeout(500);
  assert.equal((await shown()).length, notes.length, 'nothing once turned off');
  await context.close();
});
