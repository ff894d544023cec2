// The browser's clock may be wrong by ±10 minutes, or jump while the page is open (set by hand,
// or the machine slept): statuses and "Last seen" stay right, because the section judges in the
// server's time (the Date header, commit timestamps) and notices its own clock jumping against
// the monotonic clock. End to end in Chromium, the page's Date shifted by an init script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, until, statuses, writeRows } from './support.mjs';

const TEN_MINUTES = 600_000;
let stack;
let beats;

/** Healthy rows unless said otherwise. */
function upsert(rows) {
  return writeRows(stack.writer, rows.map((row) => ({
    status: 'running', jobs_processed: 1, error_count: 0, circuit_breaker_open: false, ...row,
  })));
}

before(async () => {
  stack = await startStack();
  const ago = (ms) => new Date(Date.now() - ms).toISOString();
  await upsert([
    { worker_name: 'fresh-worker', last_heartbeat: ago(0) },
    { worker_name: 'late-worker', last_heartbeat: ago(90_000) },
    { worker_name: 'stopped-worker', last_heartbeat: ago(360_000) },
  ]);
  beats = setInterval(() => upsert([{ worker_name: 'fresh-worker', last_heartbeat: new Date().toISOString() }]).catch(() => {}), 2_000);
});

after(async () => {
  clearInterval(beats);
  await stack?.stop();
});

/** A page whose Date (now and new Date()) is off by `window.__clockShift` ms, changeable live. */
async function shiftedPage(shiftMs) {
  const context = await stack.browser.newContext();
  await context.addInitScript((initial) => {
    window.__clockShift = initial;
    const RealDate = Date;
    class ShiftedDate extends RealDate {
      constructor(...args) {
        if (args.length === 0) super(RealDate.now() + window.__clockShift);
        else super(...args);
      }

      static now() {
        return RealDate.now() + window.__clockShift;
      }
    }
    window.Date = ShiftedDate;
  }, shiftMs);
  const page = await context.newPage();
  await page.goto(stack.site.url);
  return page;
}

const EXPECTED = { 'fresh-worker': 'running', 'late-worker': 'late', 'stopped-worker': 'stopped' };

async function assertRight(page, what) {
  await until(async () => {
    const shown = await statuses(page);
    return Object.entries(EXPECTED).every(([name, status]) => shown[name] === status);
  }, { within: 5_000, what: `${what}: ${JSON.stringify(EXPECTED)}` });
  const seen = await page.locator('[data-worker="fresh-worker"]').textContent();
  assert.match(seen, /Last seen: (just now|\d{1,2} seconds ago)/, `${what}: ${seen}`);
}

for (const [label, shift] of [['10 minutes behind', -TEN_MINUTES], ['10 minutes ahead', TEN_MINUTES]]) {
  test(`a browser clock ${label}: statuses and "Last seen" judged in server time`, async () => {
    const page = await shiftedPage(shift);
    await assertRight(page, label);
    await page.context().close();
  });
}

test('the browser clock jumping while the page is open (±10 min) never shows a wrong status', async () => {
  const page = await shiftedPage(0);
  await assertRight(page, 'before the jump');
  for (const jump of [TEN_MINUTES, -TEN_MINUTES, -TEN_MINUTES]) {
    await page.evaluate((by) => { window.__clockShift += by; }, jump);
    // Every 100 ms for 4 s: no worker may show another status, not even for one tick.
    const deadline = Date.now() + 4_000;
    while (Date.now() < deadline) {
      const shown = await statuses(page);
      for (const [name, status] of Object.entries(EXPECTED)) assert.equal(shown[name], status, `${name} after a ${jump / 60_000} min jump, ${4000 - (deadline - Date.now())} ms in: ${await page.locator(`[data-worker="${name}"]`).textContent()}`);
      await page.waitForTimeout(100);
    }
    await assertRight(page, `after a ${jump / 60_000} min jump`);
  }
  await page.context().close();
});
