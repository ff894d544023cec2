// History at any fleet size (issue 19): with 10,000 workers and 20 events each in the last
// week (210,000 rows with the first reports), the section asks only for the history of the
// workers it shows: their strips are on screen within 2 s of the first rows, a worker brought on
// screen by a search gets its strip within 1 s, the history costs under 10 MiB of memory, and
// the table's week is never downloaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startStack, until } from './support.mjs';

const WORKERS = 10_000;
const EVENTS_EACH = 20;
let stack;

before(async () => {
  stack = await startStack({ separateWriter: true });
  // Written in SQL: the writer's REST upserts would take minutes for this many rows. Each worker's
  // trigger records its first report; then 20 events each over the last 140 hours.
  execFileSync('psql', [stack.database.databaseUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `
    insert into public.hp_worker_status (worker_name, status, last_heartbeat, jobs_processed)
      select format('fleet-%s', lpad(i::text, 5, '0')), 'running', now(), 0 from generate_series(1, ${WORKERS}) i;
    insert into public.hp_worker_events (worker_name, kind, from_status, to_status, occurred_at)
      select format('fleet-%s', lpad(w::text, 5, '0')), 'status',
             case when e % 2 = 0 then 'stopped' else 'running' end,
             case when e % 2 = 0 then 'running' else 'stopped' end,
             now() - e * interval '7 hours'
        from generate_series(1, ${WORKERS}) w, generate_series(1, ${EVENTS_EACH}) e;
  `]);
});

after(() => stack?.stop());

/** Opens the section; resolves with the page and every history request's names and bytes. */
async function open() {
  const page = await stack.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const requests = [];
  const t0 = Date.now();
  page.on('request', (request) => { if (process.env.TIMELINE && request.url().includes('/rest/v1/')) console.log('# req', Date.now() - t0, request.url().slice(0, 120)); });
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (!url.pathname.endsWith('/hp_worker_events') || !url.searchParams.has('occurred_at')) return;
    const list = url.searchParams.get('worker_name') ?? '';
    const names = [...list.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]);
    requests.push({ names, list, bytes: (await response.body().catch(() => Buffer.alloc(0))).length });
  });
  await page.goto(stack.site.url);
  return { page, requests, t0 };
}

const cards = (page) => page.locator('.wsm-card').evaluateAll((items) => items.map((item) => item.dataset.worker));
const strips = (page) => page.locator('.wsm-card [data-testid="strip"]').count();

test('10,000 workers × 20 events: the strips on screen within 2 s of the first rows, only their history fetched', async () => {
  const { page, requests, t0 } = await open();
  await until(async () => (await page.locator('[data-worker]').count()) > 0, { within: 20_000, what: 'the first rows' });
  const firstRows = Date.now();
  if (process.env.TIMELINE) console.log('# first rows at', firstRows - t0);
  // The first page's cards get their strips while the other nine pages load.
  await until(async () => (await strips(page)) > 0, { within: 10_000, what: 'the first strips' });
  const stripsAfter = Date.now() - firstRows;
  assert.ok(stripsAfter < 2_000, `the first strips ${stripsAfter} ms after the first rows`);
  // Once the whole fleet is in, its problems come first: new cards, whose strips follow.
  await until(async () => /\/100\d\d Running$/.test(await page.locator('[data-testid="summary"]').textContent()), { within: 30_000, what: 'the whole fleet counted' });
  const counted = Date.now();
  const shown = await cards(page);
  assert.equal(shown.length, 24, 'a large fleet shows 24 full cards, then compact rows');
  await until(async () => (await strips(page)) === shown.length, { within: 10_000, what: 'a strip on every card' });
  const allAfter = Date.now() - counted;
  console.log(`# first strips ${stripsAfter} ms after the first rows; every card's ${allAfter} ms after the whole fleet; ${requests.length} history request(s), ${requests.reduce((sum, r) => sum + r.bytes, 0)} bytes`);
  assert.ok(allAfter < 2_000, `the strips of the whole fleet's cards ${allAfter} ms after it was in`);
  // Each card's week: a running stretch between its 20 events.
  assert.ok((await page.locator('.wsm-card[data-worker^="fleet-"]').first().locator('[data-band]').count()) >= 3, 'the strip drawn from the events');
  // Asked for by name, only for cards: those of the first page, then those of the whole fleet
  // (its problems come first), and again once the channel subscribed (events may have happened
  // between the load and the subscription).
  const asked = new Set(requests.flatMap((request) => request.names));
  for (const name of shown) assert.ok(asked.has(name), `${name} has a card but its history was not asked for`);
  assert.ok(asked.size <= 2 * shown.length, `${asked.size} workers' history asked for, for ${shown.length} cards`);
  const bytes = requests.reduce((sum, request) => sum + request.bytes, 0);
  assert.ok(bytes < 512 * 1024, `history downloaded: ${bytes} bytes (the table's week is megabytes)`);

  // A search brings a compact row's worker on screen as a card: its strip within 1 s.
  await page.locator('[data-testid="search"]').fill('fleet-09999');
  await until(async () => (await cards(page)).join() === 'fleet-09999', { what: 'the searched worker as a card' });
  const searched = Date.now();
  await until(async () => (await strips(page)) === 1, { within: 5_000, what: 'its strip' });
  const searchedAfter = Date.now() - searched;
  console.log(`# a searched worker's strip ${searchedAfter} ms after its card`);
  assert.ok(searchedAfter < 1_000, `strip ${searchedAfter} ms after the card`);
  await page.close();
});

test('10,000 workers × 20 events: the history costs under 10 MiB of memory', async () => {
  // The history requests are held until the rest of the page has settled, to measure it alone.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const page = await stack.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.route(/\/rest\/v1\/hp_worker_events\?.*occurred_at=/, async (route) => { await held; await route.continue(); });
  await page.goto(stack.site.url);
  const memory = () => page.evaluate(() => customElements.get('worker-status').wasmMemoryBytes);
  await until(async () => /\/100\d\d Running$/.test(await page.locator('[data-testid="summary"]').textContent()), { within: 30_000, what: 'the whole fleet counted' });
  await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live', { what: 'live' });
  const before = await memory();
  release();
  await until(async () => (await strips(page)) === 24, { within: 10_000, what: 'the strips' });
  // Scrolled through the whole list and back: nothing more is held.
  for (let y = 0; y <= 10; y += 1) {
    await page.evaluate((fraction) => window.scrollTo(0, document.documentElement.scrollHeight * fraction), y / 10);
    await page.waitForTimeout(50);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  const grown = (await memory()) - before;
  console.log(`# wasm memory ${before} bytes before the history, +${grown} with it`);
  assert.ok(grown < 10 * 1024 * 1024, `the history took ${grown} bytes`);
  await page.close();
});
