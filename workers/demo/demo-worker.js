// One demo worker process for `make stack`: it "processes jobs" at its profile's pace using the
// real heartbeat module against the local gateway. Profiles make the dashboard look like
// production: steady workers, one that stops gracefully now and then (exit 0, the crew restarts
// it), one that trips its circuit breaker in bad spells and recovers.
import { secretKeyFromEnvironment, startHeartbeat } from '../heartbeat/src/heartbeat.js';
import { PROFILES } from './profiles.js';

const between = ([low, high]) => low + Math.random() * (high - low);

function run(workerName) {
  const profile = PROFILES[workerName];
  if (!profile) throw new Error(`demo-worker: unknown worker ${workerName}; one of ${Object.keys(PROFILES).join(', ')}`);
  const heartbeat = startHeartbeat({
    workerName,
    supabaseUrl: process.env.SUPABASE_URL,
    serviceKey: secretKeyFromEnvironment(),
    intervalMs: Number(process.env.HEARTBEAT_INTERVAL_MS ?? 10_000),
    maxErrorsBeforeCircuitBreak: profile.maxErrors,
    metadata: { ...profile.metadata, pid: process.pid, started_at: new Date().toISOString() },
  });
  let badSpell = false;
  const work = setInterval(() => {
    if (heartbeat.isCircuitOpen()) return; // a tripped breaker takes no jobs
    const errorRate = badSpell ? profile.badSpellErrorRate : profile.errorRate;
    if (Math.random() < errorRate) heartbeat.jobFailed(new Error('simulated failure'));
    else heartbeat.jobSucceeded();
  }, profile.jobEveryMs);

  if (profile.badSpellErrorRate) {
    // Every few minutes a bad spell starts; errors pile up until the breaker opens, then an
    // operator-like recovery closes it.
    setInterval(() => { badSpell = true; }, between([60_000, 150_000]));
    setInterval(() => {
      if (heartbeat.isCircuitOpen()) {
        badSpell = false;
        heartbeat.resetCircuit();
      }
    }, profile.recoverAfterMs);
  }
  if (profile.stopsAfterMs) {
    setTimeout(async () => {
      clearInterval(work);
      await heartbeat.stop();
      process.exit(0);
    }, between(profile.stopsAfterMs));
  }
}

run(process.argv[2]);

// The crew died without stopping us (killed): stop as if told to, rather than run on alone.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
