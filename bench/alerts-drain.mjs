// make bench: how long one drain run takes for 1,000 pending alerts (1,000 workers stopping in
// one sweep), on one route and on four, delivered to a local webhook; the drain's own report
// (compose, claim, send, settle, refresh) under `deno run --once`, medians of 5 fresh runs.
import { SIGNING_SECRET, startDatabase, startDrain, startReceiver } from '../supabase/test/alerts/support.mjs';

const WORKERS = 1_000;
const RUNS = 5;

/** One drain run under `deno run --once`; the destination answers from this process meanwhile. */
async function drainOnce(databaseUrl, env) {
  const drain = startDrain({ databaseUrl, env, args: ['--once'] });
  await drain.exited;
  const report = drain.output().match(/run: (\{.*\})/)?.[1];
  if (!report) throw new Error(`no run report:\n${drain.output()}`);
  return JSON.parse(report);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const receiver = await startReceiver();
for (const routes of [1, 4]) {
  const times = [];
  let last;
  for (let run = 0; run < RUNS; run += 1) {
    const db = await startDatabase();
    const { sql } = db;
    const env = {};
    for (let r = 0; r < routes; r += 1) {
      await sql`insert into public.hp_alert_routes (name, channel, secret) values (${`hook-${r}`}, 'webhook', ${`HOOK_${r}`})`;
      env[`HOOK_${r}`] = `${receiver.url}/hook-${r}`;
      env[`HOOK_${r}_SIGNING_SECRET`] = SIGNING_SECRET;
    }
    await sql`insert into public.hp_worker_status (worker_name, status, last_heartbeat)
              select 'bench-' || i, 'running', now() - interval '6 minutes' from generate_series(1, ${WORKERS}) i`;
    await sql`select public.hp_worker_status_sweep()`;
    const [{ pending }] = await sql`select count(*)::int as pending from public.hp_alert_outbox where to_status = 'stopped'`;
    if (pending !== WORKERS * routes) throw new Error(`${pending} pending alerts, expected ${WORKERS * routes}`);
    last = await drainOnce(db.url, env);
    times.push(last.ms);
    await db.stop();
  }
  console.log(`alerts drain: ${WORKERS * routes} pending alerts on ${routes} route(s): one run ${median(times)} ms (median of ${RUNS}; runs ${times.join(', ')} ms); ${last.composed} message(s), ${last.delivered} delivered`);
}
await receiver.close();
