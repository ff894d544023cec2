// How each demo worker behaves: job pace, error rates, breaker threshold, and whether it stops
// gracefully now and then or has bad spells that trip its circuit breaker.
export const PROFILES = {
  'roundtable-worker': { jobEveryMs: 2_000, errorRate: 0.01, maxErrors: 1_000, metadata: { model: 'conversation-v3', shards: 4 } },
  'x-autopost': { jobEveryMs: 9_000, errorRate: 0.03, maxErrors: 1_000, metadata: { account: '@example', queue: 'tweets' } },
  'analyze-worker': { jobEveryMs: 3_000, errorRate: 0.02, maxErrors: 1_000, stopsAfterMs: [120_000, 240_000], metadata: { pipeline: 'analysis' } },
  'content-worker': { jobEveryMs: 1_500, errorRate: 0.02, badSpellErrorRate: 0.6, maxErrors: 10, recoverAfterMs: 40_000, metadata: { drafts: 'enabled' } },
  'crawl-worker': { jobEveryMs: 400, errorRate: 0.005, maxErrors: 5_000, metadata: { domains: 12, politeness_ms: 500 } },
};
