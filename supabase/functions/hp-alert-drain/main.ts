// The drain outside Supabase: `deno run` next to the workers of a self-hosted database, or in the
// local stack. Runs every --every seconds (default 10) until SIGTERM or Ctrl-C; --once runs once;
// --test first queues a test message for every enabled route (make alerts-test).
//
//   deno run --allow-env --allow-net --allow-read supabase/functions/hp-alert-drain/main.ts [--every S] [--once] [--test]
import { configFrom } from './config.ts';
import { drainOnce } from './drain.ts';
import { connect, queueTestMessages } from './store.ts';

function option(name: string): string | undefined {
  const at = Deno.args.indexOf(name);
  return at >= 0 ? Deno.args[at + 1] : undefined;
}

const once = Deno.args.includes('--once');
const test = Deno.args.includes('--test');
const everyMs = Number(option('--every') ?? 10) * 1000;
const env = (name: string) => Deno.env.get(name);

let config;
try {
  config = configFrom(env);
} catch (error) {
  console.error(`hp-alert-drain: ${(error as Error).message}`);
  Deno.exit(2);
}
const sql = connect(config.databaseUrl);
let stopping = false;
let wake: (() => void) | null = null;
const stop = () => {
  stopping = true;
  wake?.();
};
Deno.addSignalListener('SIGTERM', stop);
Deno.addSignalListener('SIGINT', stop);

if (test) {
  const queued = await queueTestMessages(sql, new Date());
  console.log(
    queued.length ? `test alert queued for ${queued.join(', ')}` : 'no enabled route: nothing to test',
  );
}
console.log(`hp-alert-drain: draining ${once ? 'once' : `every ${everyMs / 1000} s`}`);
let failures = 0;
while (!stopping) {
  try {
    const report = await drainOnce(sql, { config, secrets: env });
    if (report.composed || report.delivered || report.retrying || report.dead) {
      console.log(`run: ${JSON.stringify(report)}`);
    }
    failures = 0;
  } catch (error) {
    failures += 1;
    // The database is away (restarting, unreachable): nothing is lost, the next run catches up.
    console.error(`hp-alert-drain: run failed (${failures} in a row): ${(error as Error).message}`);
    if (once) break;
  }
  if (once) break;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, everyMs);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}
await sql.end({ timeout: 5 });
Deno.exit(failures > 0 && once ? 1 : 0);
