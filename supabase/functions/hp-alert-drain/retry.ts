// When to try a message again, and what an answer means: a pure policy. Exponential backoff from
// `baseMs` doubling to `capMs`, never sooner than the destination's Retry-After; a destination
// that says it is gone or refuses us (404, 410, 401, 403) marks its route broken, and still
// nothing is dropped: the message is retried, hourly at most, until it is dead after `giveUpMs`.

export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  /** The cap for a broken route. */
  brokenCapMs: number;
  /** Failing this long since the first failure: dead. */
  giveUpMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 10_000,
  capMs: 10 * 60_000,
  brokenCapMs: 60 * 60_000,
  giveUpMs: 24 * 60 * 60_000,
};

export type Outcome =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string; retryAfterMs: number | null; broken: boolean };

/** Statuses that say the destination is gone or refuses us: someone must fix the route. */
const BROKEN = new Set([401, 403, 404, 410]);

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: Date): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** What a destination's answer means. `retry_after` in a JSON body (Discord, Telegram) counts too. */
export function classify(status: number, headers: Headers, body: string, now: Date): Outcome {
  if (status >= 200 && status < 300) return { ok: true, status };
  let wait = retryAfterMs(headers.get('retry-after'), now);
  if (wait === null && status === 429) {
    try {
      const parsed = JSON.parse(body);
      const seconds = parsed?.retry_after ?? parsed?.parameters?.retry_after;
      if (typeof seconds === 'number' && seconds >= 0) wait = Math.round(seconds * 1000);
    } catch { /* not JSON: no hint */ }
  }
  const detail = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return {
    ok: false,
    status,
    error: `HTTP ${status}${detail ? `: ${detail}` : ''}`,
    retryAfterMs: wait,
    broken: BROKEN.has(status),
  };
}

/** The wait before attempt `attempts + 1`, after `attempts` attempts. */
export function nextDelayMs(attempts: number, outcome: Outcome, policy: RetryPolicy): number {
  if (outcome.ok) return 0;
  const cap = outcome.broken ? policy.brokenCapMs : policy.capMs;
  const backoff = Math.min(cap, policy.baseMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  return Math.max(backoff, outcome.retryAfterMs ?? 0);
}
