// Live from the first row (issue 30), on the release bundle: before the section's own module is
// in, the first rows already follow the table (a change shows, "Last seen" counts, the
// connection says Live) on the socket the loader opened; when the module arrives, the section
// takes over that socket and those rows. Changes written all through the hand-over show once
// each, in order, none lost; one socket all along; no snapshot asked for at the hand-over; a
// click on a card before the section is in opens that worker's details once it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { ARTIFACTS, INSTRUMENT, gatewayOver, launchBrowser, serveHostPage, serveReleaseBundle, startDatabase, until } from './support.mjs';

let database;
let gateway;
let bundle;
let browser;
let site;
let writer;
const SECTION_MODULE = /\/split_section-[0-9a-f]+\.wasm$/;
const STATUS_TABLE = '/rest/v1/hp_worker_status?select=*';

before(async () => {
  database = await startDatabase();
  gateway = await gatewayOver(database, 0);
  writer = createClient(gateway.url, gateway.secretKey, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  bundle = await serveReleaseBundle();
  site = await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.stop();
  await bundle?.stop();
  await gateway?.stop();
  await database?.stop();
});

async function setJobs(jobs) {
  const { error } = await writer.from('hp_worker_status')
    .update({ jobs_processed: jobs, last_heartbeat: new Date().toISOString() }).eq('worker_name', 'crawl-worker');
  if (error) throw new Error(error.message);
}

/**
 * Records, in the page, every jobs count crawl-worker's card shows (in whichever DOM holds it:
 * the first rows, then the section), each with whether the section was in at that moment.
 */
const WATCH_JOBS = () => {
  window.__shown = [];
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (...args) {
    const root = attach.apply(this, args);
    new MutationObserver(() => {
      const text = root.querySelector('[data-worker="crawl-worker"] [data-testid="counts"]')?.textContent;
      const jobs = Number(text?.match(/Jobs: (\d+)/)?.[1] ?? Number.NaN);
      if (Number.isNaN(jobs) || window.__shown.at(-1)?.jobs === jobs) return;
      window.__shown.push({ jobs, section: root.querySelector('[data-testid="triage"]') !== null });
    }).observe(root, { subtree: true, childList: true, characterData: true });
    return root;
  };
};

test('the first rows are live before the section is in, and the section takes over the socket and the rows: every change once, in order', async () => {
  await setJobs(0);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const consoleLines = [];
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
  const snapshots = [];
  page.on('request', (request) => {
    if (request.url().startsWith(`${gateway.url}${STATUS_TABLE}`)) snapshots.push({ at: Date.now(), url: request.url() });
  });
  await page.addInitScript(INSTRUMENT);
  await page.addInitScript(WATCH_JOBS);
  // The section's module held back: the first rows alone, for as long as the test needs.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(SECTION_MODULE, async (route) => { await held; await route.continue(); });
  await page.goto(site.url);
  await page.waitForFunction(() => document.querySelector('worker-status')?.shadowRoot?.querySelectorAll('[data-worker]').length === 5);
  const sectionIn = () => page.locator('[data-testid="triage"]').count().then((count) => count > 0);

  // Live with the first rows alone.
  await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live', { within: 10_000, what: 'the first rows say Live' });
  assert.equal(await sectionIn(), false, 'the section itself is not in yet');
  await setJobs(101);
  await until(async () => (await page.locator('[data-worker="crawl-worker"] [data-testid="counts"]').textContent()).includes('Jobs: 101'), { within: 5_000, what: 'a change shown by the first rows' });
  const seen = () => page.locator('[data-worker="crawl-worker"] time').textContent();
  const seenBefore = await seen();
  await until(async () => (await seen()) !== seenBefore, { within: 8_000, what: '"Last seen" counting in the first rows' });
  assert.equal(await sectionIn(), false, 'still the first rows alone');
  await page.screenshot({ path: `${ARTIFACTS}/first-rows-live.png` });

  // A click on a card before the section is in.
  await page.locator('[data-worker="analyze-worker"] .wsm-name').click();
  assert.equal(await page.locator('[data-worker="analyze-worker"]').getAttribute('aria-busy'), 'true', 'the card says it is busy');

  // Changes written every 40 ms from before the module is released until well after.
  const settledAt = snapshots.length;
  let writing = true;
  let written = 101;
  const writes = (async () => {
    while (writing) {
      written += 1;
      await setJobs(written);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 400));
  release();
  await until(sectionIn, { within: 10_000, what: 'the section took over' });
  await new Promise((resolve) => setTimeout(resolve, 600));
  writing = false;
  await writes;
  const last = written;
  await until(async () => (await page.locator('[data-worker="crawl-worker"] [data-testid="counts"]').textContent()).includes(`Jobs: ${last}`), { within: 5_000, what: `the last change (${last}) shown` });

  const shown = await page.evaluate(() => window.__shown);
  const values = shown.map((entry) => entry.jobs).filter((jobs) => jobs > 101);
  assert.ok(shown.some((entry) => !entry.section && entry.jobs > 101), 'changes shown by the first rows during the hand-over');
  assert.ok(shown.some((entry) => entry.section && entry.jobs > 101), 'and by the section after it');
  for (let index = 1; index < values.length; index += 1) {
    assert.ok(values[index] > values[index - 1], `shown in order, each once: ${values.join(', ')}`);
  }
  assert.equal(values.at(-1), last, 'none lost: the last one written is on screen');
  assert.deepEqual(await page.evaluate(() => ({ made: window.__sockets.length, open: window.__openSockets() })), { made: 1, open: 1 },
    'one socket, the loader\'s, from the first row to the section');
  assert.equal((await page.evaluate(() => window.__joins)).length, 1, 'one join, the loader\'s, taken by the first rows and then the section');
  assert.deepEqual(snapshots.slice(settledAt), [], 'no snapshot asked for at the hand-over');
  await until(async () => (await page.locator('[data-worker="analyze-worker"] [data-testid="open-detail"]').getAttribute('aria-expanded')) === 'true',
    { within: 5_000, what: 'the details of the card clicked early open' });
  assert.equal(await page.locator('[data-testid="open-detail"][aria-expanded="true"]').count(), 1, 'only that one');
  assert.deepEqual(consoleLines.filter((line) => /^(error|warning|pageerror)/.test(line)), []);
  await page.screenshot({ path: `${ARTIFACTS}/handover.png` });
  await page.close();
});

/** The names of the cards on screen, in order (the first rows', then the section's). */
const shownNames = (page) => page.locator('[data-worker]').evaluateAll((cards) => cards.map((card) => card.dataset.worker));

async function setStatus(name, status) {
  const { error } = await writer.from('hp_worker_status')
    .update({ status, last_heartbeat: new Date().toISOString() }).eq('worker_name', name);
  if (error) throw new Error(error.message);
}

test('the pointer in the list before the section is in: cards keep their places through the hand-over, and move once it leaves', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let asked = false;
  await page.route(SECTION_MODULE, async (route) => { asked = true; await held; await route.continue(); });
  await page.goto(site.url);
  await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live', { within: 10_000, what: 'the first rows say Live' });
  const before = await shownNames(page);
  assert.equal(before.length, 5);
  const last = before.at(-1);
  // Pointing at the rows asks for the section at once (its module is held here).
  await page.locator(`[data-worker="${last}"] .wsm-name`).hover();
  await until(async () => asked, { within: 5_000, what: 'the section asked for once pointed at' });
  await setStatus(last, 'crashed');
  await until(async () => (await page.locator(`[data-worker="${last}"]`).getAttribute('data-status')) === 'crashed', { within: 5_000, what: 'the card turning Crashed in place in the first rows' });
  await page.waitForTimeout(300);
  assert.deepEqual(await shownNames(page), before, 'the first rows hold the order while the pointer is in the list');
  assert.equal(await page.locator('[data-testid="triage"]').count(), 0, 'still the first rows');

  release();
  await until(async () => (await page.locator('[data-testid="triage"]').count()) > 0, { within: 10_000, what: 'the section took over' });
  await page.waitForTimeout(300);
  assert.deepEqual(await shownNames(page), before, 'the section keeps the places the pointer held');
  assert.equal(await page.locator(`[data-worker="${last}"]`).getAttribute('data-status'), 'crashed');
  // Straight out of the section, without moving inside its list first.
  await page.mouse.move(5, 5);
  await until(async () => (await shownNames(page))[0] === last, { within: 5_000, what: 'the crashed card moving first once the pointer left' });
  await setStatus(last, 'running');
  await page.close();
});

test('nobody pointing: live first rows are left alone for half a second before the section is asked for', async () => {
  const page = await browser.newPage();
  // Stamped in the page: the rows drawn, and the indicator first saying Live (live from then).
  await page.addInitScript(() => {
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (...args) {
      const root = attach.apply(this, args);
      new MutationObserver(() => {
        const now = performance.timeOrigin + performance.now();
        if (root.querySelector('[data-worker]')) window.__drawnAt ??= now;
        if (root.querySelector('[data-testid="connection"][data-state="live"]')) window.__liveAt ??= now;
      }).observe(root, { subtree: true, childList: true, attributes: true });
      return root;
    };
  });
  let askedAt;
  await page.route(SECTION_MODULE, async (route) => { askedAt ??= Date.now(); await route.continue(); });
  await page.goto(site.url);
  await until(async () => (await page.locator('[data-testid="triage"]').count()) > 0, { within: 15_000, what: 'the section in' });
  const { drawnAt, liveAt } = await page.evaluate(() => ({ drawnAt: window.__drawnAt, liveAt: window.__liveAt }));
  assert.ok(drawnAt && liveAt, 'the first rows were drawn and said Live before the section came');
  // A slow machine only makes the gap longer, unless going live took so long that the section's
  // longest wait (2 s from the drawn rows, src/lib.rs) came first.
  assert.ok(askedAt - liveAt >= 450 || askedAt - drawnAt >= 1_950,
    `the section's module asked for ${Math.round(askedAt - liveAt)} ms after the rows went live, ${Math.round(askedAt - drawnAt)} ms after they were drawn`);
  await page.close();
});

test('removed before its module is in, a section leaves no socket and no timer behind', async () => {
  const page = await browser.newPage();
  await page.addInitScript(INSTRUMENT);
  await page.route(SECTION_MODULE, () => {}); // never answered
  await page.goto(site.url);
  await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live', { within: 10_000, what: 'the first rows live' });
  const intervals = await page.evaluate(() => window.__intervals());
  assert.ok(intervals >= 2, `the first rows' clock and the channel's timer run (${intervals})`);
  await page.evaluate(() => document.querySelector('worker-status').remove());
  await until(async () => (await page.evaluate(() => window.__openSockets())) === 0, { within: 2_000, what: 'the socket closed' });
  assert.equal(await page.evaluate(() => window.__intervals()), 0, 'no timer left');
  await page.close();
});

test('a view the first rows do not draw (grouped) still takes the loader\'s socket and history probe: one of each', async () => {
  const grouped = await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey, attributes: 'group-by="region"' });
  try {
    const page = await browser.newPage();
    const probes = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${gateway.url}/rest/v1/hp_worker_events?select=id&limit=1`) && request.method() === 'GET') probes.push(request.url());
    });
    await page.addInitScript(INSTRUMENT);
    await page.goto(grouped.url);
    await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live', { within: 15_000, what: 'live' });
    await until(async () => (await page.locator('[data-group="(not set)"] [data-worker]').count()) === 5, { what: 'the grouped view' });
    assert.deepEqual(await page.evaluate(() => ({ made: window.__sockets.length, open: window.__openSockets() })), { made: 1, open: 1 });
    assert.equal((await page.evaluate(() => window.__joins)).length, 1, 'the loader\'s join, taken by the section');
    assert.equal(probes.length, 1, 'the loader\'s probe, taken by the section');
    await page.close();
  } finally {
    await grouped.stop();
  }
});

test('the browser clock jumping 10 minutes before the section is in: the first rows and then the section keep judging in server time', async () => {
  await setJobs(7); // crawl-worker just seen, status running
  await writer.from('hp_worker_status').update({ status: 'running' }).eq('worker_name', 'crawl-worker');
  const page = await browser.newPage();
  await page.addInitScript(() => {
    window.__clockShift = 0;
    const RealDate = Date;
    window.Date = class extends RealDate {
      constructor(...args) {
        if (args.length === 0) super(RealDate.now() + window.__clockShift);
        else super(...args);
      }

      static now() {
        return RealDate.now() + window.__clockShift;
      }
    };
  });
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(SECTION_MODULE, async (route) => { await held; await route.continue(); });
  await page.goto(site.url);
  const crawl = page.locator('[data-worker="crawl-worker"]');
  await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live', { within: 10_000, what: 'the first rows live' });
  assert.equal(await crawl.getAttribute('data-status'), 'running');
  await page.evaluate(() => { window.__clockShift += 600_000; });
  await setJobs(8); // a change after the jump, judged with it
  for (let tick = 0; tick < 15; tick += 1) {
    assert.equal(await crawl.getAttribute('data-status'), 'running', `first rows, ${tick * 100} ms after the jump`);
    await page.waitForTimeout(100);
  }
  release();
  await until(async () => (await page.locator('[data-testid="triage"]').count()) > 0, { within: 10_000, what: 'the section took over' });
  for (let tick = 0; tick < 15; tick += 1) {
    assert.equal(await crawl.getAttribute('data-status'), 'running', `section, ${tick * 100} ms after taking over`);
    assert.match(await crawl.locator('time').textContent(), /Last seen: (just now|\d{1,2} seconds ago)/);
    await page.waitForTimeout(100);
  }
  await writer.from('hp_worker_status').update({ status: 'unknown' }).eq('worker_name', 'crawl-worker');
  await page.close();
});
