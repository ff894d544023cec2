// The drain's settings, from its environment (Edge Function secrets, or the shell of `deno run`):
// where the database is, the retry policy, the lease, the send timeout. Defaults are the product's;
// tests shorten the times.
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';

export interface DrainConfig {
  databaseUrl: string;
  retry: RetryPolicy;
  /** How long a claimed message is ours; after that another run may take it. */
  leaseMs: number;
  sendTimeoutMs: number;
  /** One run stops claiming after this long (an Edge Function has a wall-clock limit). */
  runBudgetMs: number;
  /** Test-only fault: 'exit-after-delivery' ends the process after a 2xx, before the settle. */
  fault: string | null;
}

type Env = (name: string) => string | undefined;

function number(env: Env, name: string, fallback: number): number {
  const raw = env(name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a number of milliseconds, not ${raw}`);
  }
  return value;
}

export function configFrom(env: Env): DrainConfig {
  const databaseUrl = env('HP_ALERT_DATABASE_URL') ?? env('SUPABASE_DB_URL') ?? env('DATABASE_URL');
  if (!databaseUrl) {
    throw new Error('set SUPABASE_DB_URL (or HP_ALERT_DATABASE_URL): the database the alerts are in');
  }
  return {
    databaseUrl,
    retry: {
      baseMs: number(env, 'HP_ALERT_RETRY_BASE_MS', DEFAULT_RETRY.baseMs),
      capMs: number(env, 'HP_ALERT_RETRY_CAP_MS', DEFAULT_RETRY.capMs),
      brokenCapMs: number(env, 'HP_ALERT_RETRY_BROKEN_CAP_MS', DEFAULT_RETRY.brokenCapMs),
      giveUpMs: number(env, 'HP_ALERT_GIVE_UP_AFTER_MS', DEFAULT_RETRY.giveUpMs),
    },
    leaseMs: number(env, 'HP_ALERT_LEASE_MS', 60_000),
    sendTimeoutMs: number(env, 'HP_ALERT_SEND_TIMEOUT_MS', 10_000),
    runBudgetMs: number(env, 'HP_ALERT_RUN_BUDGET_MS', 40_000),
    fault: env('HP_ALERT_FAULT') || null,
  };
}
