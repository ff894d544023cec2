// The 10,000-worker fleet that bench/burst.mjs and bench/profile.mjs both load: its rows, how it
// is written (as the workers do, through e2e's writeRows), and the wait until a page counts it
// all. One definition, so that the profile explains the same load the burst measures.
import { writeRows } from '../e2e/support.mjs';

export const WORKERS = 10_000;
/** The migration's example workers, in the table besides the fleet. */
export const SEEDED = 5;

export const workerName = (i) => `w-${String(i).padStart(5, '0')}`;

/** Worker `i`'s heartbeat row, with `jobs` jobs processed. */
export const heartbeatRow = (i, jobs) => ({ worker_name: workerName(i), status: 'running', last_heartbeat: new Date().toISOString(),
  jobs_processed: jobs, error_count: 0, circuit_breaker_open: false, metadata: {} });

/** Writes (or resets to 0 jobs) every worker of the fleet, 2,000 rows an upsert. */
export async function seedFleet(writer) {
  for (let from = 0; from < WORKERS; from += 2_000) {
    await writeRows(writer, Array.from({ length: 2_000 }, (_, i) => heartbeatRow(from + i, 0)));
  }
}

/** Whether the page's summary counts the whole table (fleet and examples) as Running within
 * `timeoutMs`. The root is the section's shadow root, or the document for the peer pages. */
export function fleetShown(tab, timeoutMs) {
  return tab.waitForFunction((n) => ((document.querySelector('worker-status')?.shadowRoot ?? document)
    .querySelector('[data-testid="summary"]')?.textContent ?? '').endsWith(`/${n} Running`), WORKERS + SEEDED, { timeout: timeoutMs })
    .then(() => true, () => false);
}
