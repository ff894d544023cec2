// The wall screen (issue 23): any fleet on one screen, readable across the room. The release
// bundle's wall view (`?view=tv`) at 1920x1080 and 3840x2160, light and dark, with 5, 10, 40,
// 200 and 2,000 workers (about one in eight a problem): the page never scrolls, every problem
// is on screen or counted ("+37 problems: the oldest, not shown", never hidden silently), the healthy add up,
// names and statuses are at least 20 px at 1080p (40 at 4K), the summary is the largest text,
// and colour contrast is AA. Each render is saved in test-results/ (wall-<workers>-<screen>-
// <scheme>.png); README shows the 1080p one at 40 workers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { ARTIFACTS, serveHostPage, startStack, until, writeRows } from './support.mjs';

const SCREENS = [
  { label: '1080p', width: 1920, height: 1080, readable: 20 },
  { label: '4k', width: 3840, height: 2160, readable: 40 },
];
const FLEETS = [5, 10, 40, 200, 2_000];

let stack;
let wall; // a page that holds the element alone, edge to edge, as a wall screen does
before(async () => {
  stack = await startStack();
  wall = await serveHostPage({ bundle: stack.bundle, gatewayUrl: stack.reader.url, key: stack.reader.publishableKey, alone: true });
});
after(async () => { await wall?.stop(); await stack?.stop(); });

/** `count` workers in eight pools: every eighth crashed, late or stopped in turn, the rest running. */
function fleet(count) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const problem = i % 8 === 3 ? ['crashed', 'late', 'stopped'][Math.floor(i / 8) % 3] : null;
    const silentFor = problem === 'late' ? 90_000 + i * 10 : 0; // Late: a minute and a half of silence
    return {
      worker_name: `${['crawl', 'index', 'mail', 'render'][i % 4]}-${String(i).padStart(4, '0')}`,
      description: 'A wall-screen worker',
      status: problem === 'late' ? 'running' : (problem ?? 'running'),
      last_heartbeat: new Date(now - silentFor).toISOString(),
      jobs_processed: i * 7,
      error_count: problem ? 3 : 0,
      circuit_breaker_open: problem === 'crashed' && i % 16 === 3,
      metadata: { pool: `pool-${i % 8}`, version: '1.0.0' },
    };
  });
}

/** Replaces the table's rows with `rows`. */
async function only(rows) {
  const { error } = await stack.writer.from('hp_worker_status').delete().neq('worker_name', '');
  assert.equal(error, null);
  for (let at = 0; at < rows.length; at += 500) await writeRows(stack.writer, rows.slice(at, at + 500));
}

/** What the wall shows, measured in the page: scrolling, cells on screen, text sizes. */
function measure() {
  const root = document.querySelector('worker-status').shadowRoot;
  const inside = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight + 0.5 && box.right <= innerWidth + 0.5;
  };
  const px = (element) => parseFloat(getComputedStyle(element).fontSize);
  const cells = [...root.querySelectorAll('[data-worker]')];
  const texts = [...root.querySelectorAll('.wsm *')].filter((element) =>
    [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim())
    && element.getClientRects().length > 0 && !element.closest('.wsm-sr-only'));
  const summary = root.querySelector('[data-testid="summary"]');
  const counted = (testid) => [...root.querySelectorAll(`[data-testid="${testid}"]`)]
    .map((cell) => ({ title: cell.querySelector('.wsm-name').textContent, detail: cell.querySelector('.wsm-wall-count-detail').textContent }));
  return {
    scrolls: document.scrollingElement.scrollHeight > innerHeight || document.scrollingElement.scrollWidth > innerWidth,
    density: root.querySelector('[data-testid="wall"]')?.dataset.density,
    shown: cells.map((cell) => ({ name: cell.dataset.worker, status: cell.dataset.status, inside: inside(cell) })),
    smallestCellText: Math.min(...[...root.querySelectorAll('[data-worker] .wsm-name, [data-worker] .wsm-status, .wsm-wall-count .wsm-name')].map(px)),
    summaryPx: px(summary),
    largestOtherPx: Math.max(...texts.filter((element) => element !== summary && !summary.contains(element)).map(px)),
    moreProblems: counted('more-problems'),
    healthy: counted('wall-healthy'),
    countsInside: [...root.querySelectorAll('.wsm-wall-count')].every(inside),
  };
}

for (const workers of FLEETS) {
  test(`the wall with ${workers} workers: one screen, every problem there or counted, readable`, { timeout: 240_000 }, async () => {
    const rows = fleet(workers);
    await only(rows);
    const problems = rows.filter((row) => row.status !== 'running' || row.last_heartbeat < new Date(Date.now() - 60_000).toISOString());
    for (const screen of SCREENS) {
      for (const colorScheme of ['light', 'dark']) {
        const what = `${workers} workers, ${screen.label}, ${colorScheme}`;
        const context = await stack.browser.newContext({ viewport: { width: screen.width, height: screen.height }, colorScheme });
        const page = await context.newPage();
        await page.goto(`${wall.url}?view=tv&group=pool`);
        const summary = page.locator('[data-testid="summary"]');
        await until(async () => (await summary.textContent()).endsWith(`/${workers} Running`), { within: 20_000, what: `the summary (${what})` });
        await until(async () => (await page.locator('[data-testid="connection"]').getAttribute('data-state')) === 'live', { within: 15_000, what: `live (${what})` });
        await until(async () => (await page.evaluate(measure)).shown.filter((cell) => cell.status !== 'running').length >= Math.min(problems.length, 10),
          { within: 10_000, what: `the problems drawn (${what})` });
        await page.waitForTimeout(300); // the grid settles after its first measurement
        const seen = await page.evaluate(measure);
        await page.screenshot({ path: path.join(ARTIFACTS, `wall-${workers}-${screen.label}-${colorScheme}.png`) });

        assert.equal(seen.scrolls, false, `no scroll (${what})`);
        assert.ok(seen.shown.every((cell) => cell.inside), `every cell fully on screen (${what}): ${seen.shown.filter((cell) => !cell.inside).map((cell) => cell.name)}`);
        assert.ok(seen.countsInside, `every count on screen (${what})`);
        // Every problem is a cell on screen, or counted in "and N more problems".
        const shownProblems = seen.shown.filter((cell) => cell.status !== 'running').map((cell) => cell.name);
        const more = seen.moreProblems.length ? Number(seen.moreProblems[0].title.match(/^\+(\d+) problems?$/)[1]) : 0;
        assert.equal(shownProblems.length + more, problems.length, `${problems.length} problems: ${shownProblems.length} shown and ${more} counted (${what})`);
        for (const name of shownProblems) assert.ok(problems.some((row) => row.worker_name === name), `${name} is a problem`);
        // Every worker is a cell, or counted healthy by pool.
        const running = seen.healthy.reduce((sum, cell) => sum + Number(cell.detail.match(/^(\d+) running$/)[1]), 0);
        assert.equal(seen.shown.length + running + more, workers, `every worker shown or counted (${what})`);
        if (workers <= 40) {
          assert.equal(seen.shown.length, workers, `${workers} workers all drawn (${what})`);
          assert.equal(seen.density, 'cards', what);
        } else {
          assert.equal(seen.density, 'problems', what);
          assert.ok(seen.healthy.length >= 1 && seen.healthy.every((cell) => /^(pool-\d|\d+ more groups?)$/.test(cell.title)), `the healthy counted by pool: ${JSON.stringify(seen.healthy)} (${what})`);
        }
        if (workers === 2_000) assert.ok(more > 0, `the oldest problems counted (${what})`);
        assert.ok(seen.smallestCellText >= screen.readable, `names and statuses at least ${screen.readable} px: ${seen.smallestCellText} (${what})`);
        assert.ok(seen.summaryPx > seen.largestOtherPx, `the summary (${seen.summaryPx} px) is the largest text (next: ${seen.largestOtherPx} px) (${what})`);
        if (screen.label === '1080p') {
          const contrast = await new AxeBuilder({ page }).include('worker-status').withRules(['color-contrast']).analyze();
          assert.deepEqual(contrast.violations.map((violation) => violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`)).flat(), [], `contrast AA (${what})`);
        }
        await context.close();
      }
    }
  });
}

/** Opens the wall of the current rows in a 1920x1080 page; `prepare(page)` runs before it loads. */
async function openWall(prepare = async () => {}) {
  const context = await stack.browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const loads = [];
  page.on('load', () => loads.push(Date.now()));
  await prepare(page);
  await page.goto(`${wall.url}?view=tv`);
  await until(async () => (await page.locator('[data-worker]').count()) === 10, { within: 20_000, what: 'the wall' });
  return { context, page, loads };
}

const connection = (page) => page.locator('[data-testid="connection"]').getAttribute('data-state');
const stale = (page) => page.locator('.wsm-stale').count();

test('the network drops and comes back: the wall is outlined with the age of its data, then live again without a reload', { timeout: 120_000 }, async () => {
  await only(fleet(10));
  const { context, page, loads } = await openWall();
  await until(async () => (await connection(page)) === 'live', { within: 15_000, what: 'live' });
  assert.equal(await stale(page), 0, 'not outlined while live');
  await context.setOffline(true);
  await until(async () => (await stale(page)) === 1, { within: 10_000, what: 'outlined and dimmed' });
  assert.match(await page.locator('[data-testid="data-age"]').textContent(), /^Not live: data as of .+ \((just now|\d+ seconds? ago)\)$/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'wall-offline.png') });
  await context.setOffline(false);
  await until(async () => (await connection(page)) === 'live', { within: 30_000, what: 'live again' });
  await until(async () => (await stale(page)) === 0, { within: 5_000, what: 'the outline gone' });
  assert.equal(await page.locator('[data-testid="data-age"]').count(), 0, 'no age while live');
  assert.equal(loads.length, 1, 'never reloaded');
  await context.close();
});

test('the machine sleeps and wakes: live again without a reload', { timeout: 120_000 }, async () => {
  await only(fleet(10));
  const { context, page, loads } = await openWall();
  await until(async () => (await connection(page)) === 'live', { within: 15_000, what: 'live' });
  // Asleep: the page frozen, its socket cut meanwhile, a worker crashes.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  await fetch(`${stack.reader.url}/__faults/drop-sockets`, { method: 'POST' });
  await writeRows(stack.writer, { worker_name: 'crawl-0000', status: 'crashed', last_heartbeat: new Date().toISOString() });
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  await until(async () => (await connection(page)) === 'live', { within: 20_000, what: 'live after waking' });
  await until(async () => (await page.locator('[data-worker="crawl-0000"]').getAttribute('data-status')) === 'crashed', { within: 5_000, what: 'the crash seen while asleep' });
  assert.equal(loads.length, 1, 'never reloaded');
  await context.close();
});

test('the watchdog: not live for ten minutes of running time while the server answers reloads the page; asleep or unanswered, never', { timeout: 180_000 }, async () => {
  await only(fleet(10));
  let probes = 0;
  let restDown = false;
  const { context, page, loads } = await openWall(async (page) => {
    await page.clock.install();
    // Realtime unreachable for the whole test; REST answers unless `restDown`.
    await page.routeWebSocket(/realtime/, (socket) => socket.close({ code: 1011, reason: 'unreachable in this test' }));
    await page.route('**/rest/v1/**', (route) => {
      if (route.request().url().includes('select=worker_name&limit=1')) probes += 1;
      return restDown ? route.abort() : route.continue();
    });
  });
  const settle = () => page.waitForTimeout(2_000);
  // Nine minutes not live, then two hours asleep, then six more: the sleep restarted the count.
  await page.clock.runFor(9 * 60_000);
  await page.clock.fastForward('02:00:00');
  await page.clock.runFor(6 * 60_000);
  await settle();
  assert.equal(probes, 0, 'no question asked: the sleep started the ten minutes again');
  // The server does not answer: asked, no reload.
  restDown = true;
  await page.clock.runFor(5 * 60_000);
  await settle();
  assert.ok(probes >= 1, `asked the server (${probes})`);
  assert.equal(loads.length, 1, 'no reload while the server does not answer');
  // It answers: the page reloads.
  restDown = false;
  await page.clock.runFor(61_000);
  await until(async () => loads.length === 2, { within: 15_000, what: 'the reload' });
  await context.close();
});
