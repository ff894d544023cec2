// One drain run: compose every route's pending rows into messages, then deliver what is due,
// route by route in order (each route's head message; the next one once it is settled), until
// nothing is due or the run's time is up; then refresh the counts the section shows. A run that
// dies anywhere loses nothing: uncomposed rows stay pending, a claimed message's lease runs out
// and the next run sends it again, with the same webhook-id.
import type { Secrets } from './channels/request.ts';
import type { DrainConfig } from './config.ts';
import { deliver } from './deliver.ts';
import { nextDelayMs } from './retry.ts';
import {
  claim,
  type Claimed,
  composeRoute,
  refreshHealth,
  routes,
  settleDelivered,
  settleFailed,
  type Sql,
} from './store.ts';
import type { Route } from './types.ts';

export interface RunReport {
  composed: number;
  muted: number;
  delivered: number;
  retrying: number;
  dead: number;
  ms: number;
}

export interface RunOptions {
  config: DrainConfig;
  secrets: Secrets;
  now?: () => Date;
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

export async function drainOnce(sql: Sql, options: RunOptions): Promise<RunReport> {
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const log = options.log ?? console.log;
  const report: RunReport = { composed: 0, muted: 0, delivered: 0, retrying: 0, dead: 0, ms: 0 };
  const known = await routes(sql);
  const byName = new Map(known.map((route) => [route.name, route]));

  for (const route of known) {
    // Several compositions when a route has more pending rows than one message carries.
    for (let round = 0; round < 20; round += 1) {
      const done = await composeRoute(sql, route.name, now);
      if (done === null) break;
      if (done.message !== null) report.composed += 1;
      report.muted += done.muted;
      if (done.sent + done.muted < 1000) break;
    }
  }

  const owner = crypto.randomUUID();
  const deadline = started + options.config.runBudgetMs;
  while (performance.now() < deadline) {
    const claimed = await claim(sql, owner, options.config.leaseMs);
    if (claimed.length === 0) break;
    await Promise.all(
      claimed.map((message) => send(sql, message, byName.get(message.route), owner, options, report, log)),
    );
  }
  await refreshHealth(sql);
  report.ms = Math.round(performance.now() - started);
  return report;
}

async function send(
  sql: Sql,
  message: Claimed,
  route: Route | undefined,
  owner: string,
  options: RunOptions,
  report: RunReport,
  log: (line: string) => void,
): Promise<void> {
  const now = options.now ?? (() => new Date());
  const outcome = route
    ? await deliver(message, route, {
      secrets: options.secrets,
      timeoutMs: options.config.sendTimeoutMs,
      now,
      fetch: options.fetch,
    })
    : {
      ok: false as const,
      status: null,
      error: `route ${message.route} is gone`,
      retryAfterMs: null,
      broken: true,
    };
  if (outcome.ok) {
    if (options.config.fault === 'exit-after-delivery') {
      log(`fault: exiting after the delivery of ${message.webhook_id}, before it is settled`);
      Deno.exit(86);
    }
    await settleDelivered(sql, message, owner, outcome.status);
    report.delivered += 1;
    log(`delivered ${message.webhook_id} to ${message.route} (attempt ${message.attempts})`);
    return;
  }
  const delayMs = nextDelayMs(message.attempts, outcome, options.config.retry);
  const state = await settleFailed(sql, message, owner, { ...outcome, delayMs }, options.config.retry);
  if (state === 'dead') report.dead += 1;
  else report.retrying += 1;
  log(
    `${
      state === 'dead' ? 'dead' : 'failed'
    }: ${message.webhook_id} to ${message.route} (attempt ${message.attempts}): ` +
      `${outcome.error}${outcome.broken ? ' [route broken]' : ''}${
        state === 'dead' ? '' : `; next try in ${Math.round(delayMs / 1000)} s`
      }`,
  );
}
