// The retry policy: backoff, Retry-After honoured, broken destinations told apart.
import assert from 'node:assert/strict';
import { classify, DEFAULT_RETRY, nextDelayMs, retryAfterMs } from '../retry.ts';

const now = new Date('2026-12-06T12:00:00Z');

Deno.test('2xx is delivered; 5xx retries with doubling backoff up to the cap', () => {
  assert.deepEqual(classify(204, new Headers(), '', now), { ok: true, status: 204 });
  const failure = classify(500, new Headers(), 'oops', now);
  assert.equal(failure.ok, false);
  const delays = [1, 2, 3, 4, 10, 40].map((n) => nextDelayMs(n, failure, DEFAULT_RETRY));
  assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 600_000, 600_000]);
});

Deno.test('429 with Retry-After waits at least that long, as seconds, a date, or a JSON body', () => {
  const seconds = classify(429, new Headers({ 'retry-after': '120' }), '', now);
  assert.equal(nextDelayMs(1, seconds, DEFAULT_RETRY), 120_000);
  const date = classify(503, new Headers({ 'retry-after': 'Sun, 06 Dec 2026 12:05:00 GMT' }), '', now);
  assert.equal(nextDelayMs(1, date, DEFAULT_RETRY), 300_000);
  const body = classify(429, new Headers(), '{"retry_after": 2.5}', now);
  assert.equal(body.ok === false && body.retryAfterMs, 2500);
  assert.equal(retryAfterMs('soon', now), null);
});

Deno.test('404, 410, 401, 403 mark the route broken and still retry, hourly at most', () => {
  for (const status of [401, 403, 404, 410]) {
    const outcome = classify(status, new Headers(), 'no_service', now);
    assert.equal(outcome.ok === false && outcome.broken, true, String(status));
    assert.equal(nextDelayMs(30, outcome, DEFAULT_RETRY), 3_600_000);
  }
  assert.equal((classify(400, new Headers(), '', now) as { broken: boolean }).broken, false);
});
