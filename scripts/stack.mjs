// `make stack`: the throwaway database and the gateway on 127.0.0.1:54321, the alert drain, plus
// the demo crew unless DEMO=off, in the foreground. With SERVE=trunk (`make dev`) also
// `trunk serve` on 127.0.0.1:8080. Ctrl-C (or SIGTERM) stops Trunk, then the crew, so each worker
// reports 'stopped', then the drain, the gateway and its database; nothing is left running. (The
// crew's last 'stopped' rows wait in the outbox and go out at the next start: nothing is lost.)
//
// Alerts: the drain (supabase/functions/hp-alert-drain, under `deno run`) sends to the routes of
// the local database, with their secrets from this environment (`OPS_SLACK=https://… make dev`).
// Without any route of its own, the stack keeps one route `local-console` (channel log): the
// drain prints what it would send.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import postgres from 'postgres';
import { drainCommand } from './alert-drain-process.mjs';
import { startGateway } from './gateway-process.mjs';
import { startCrew } from '../workers/demo/crew.js';

const demo = (process.env.DEMO ?? 'on') !== 'off';
const port = Number(process.env.GATEWAY_PORT ?? 54321);
const dbPort = process.env.DB_PORT ?? '54322';
const dataDir = process.env.STACK_DATA_DIR ?? '.data/db';
const databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres`;

const gateway = await startGateway({
  port,
  fastErrors: false,
  args: ['--data-dir', dataDir, '--db-port', dbPort],
  log: (chunk) => process.stdout.write(chunk),
}).catch((error) => {
  console.error(`make stack: ${error.message}`);
  process.exit(1);
});
const drain = await startAlertDrain();
const crew = demo ? startCrew({ supabaseUrl: gateway.url, serviceKey: gateway.secretKey }) : null;
if (!demo) console.log('make stack: DEMO=off, no demo workers');
// Debug builds of the dashboard default to this gateway and its demo anon key. Trunk watches
// only the app's sources (Trunk.toml) and builds into target/, so `make dev` never replaces the
// release bundle in dist/.
const trunk = process.env.SERVE === 'trunk'
  ? spawn('trunk', ['serve', '--dist', 'target/trunk-serve'], { stdio: ['ignore', 'inherit', 'inherit'], detached: true })
  : null;
if (trunk) console.log('make dev: dashboard at http://127.0.0.1:8080 once Trunk has built it');
console.log('make stack: running; Ctrl-C stops everything');

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('make stack: stopping');
  if (trunk && trunk.exitCode === null) {
    const exited = once(trunk, 'exit');
    process.kill(-trunk.pid, 'SIGTERM');
    await exited;
  }
  await crew?.stop();
  await drain?.stop();
  await gateway.stop();
  console.log('make stack: stopped');
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

/** The alert drain next to the stack, and the console route when no other route exists. */
async function startAlertDrain() {
  const sql = postgres(databaseUrl, { onnotice: () => {}, max: 1 });
  try {
    const [{ own }] = await sql`select count(*)::int as own from public.hp_alert_routes where name <> 'local-console'`;
    if (own === 0) {
      await sql`insert into public.hp_alert_routes (name, channel) values ('local-console', 'log')
                on conflict (name) do update set enabled = true`;
      console.log('make stack: alerts print here (route local-console); add routes to send them elsewhere (docs/alerts.md)');
    } else {
      await sql`update public.hp_alert_routes set enabled = false where name = 'local-console'`;
      const names = await sql`select name, channel from public.hp_alert_routes where enabled order by name`;
      console.log(`make stack: alerts go to ${names.map((r) => `${r.name} (${r.channel})`).join(', ')}`);
    }
  } catch (error) {
    console.error(`make stack: no alerts (${error.message})`);
    return null;
  } finally {
    await sql.end();
  }
  const { command, args, cwd } = drainCommand(['--every', process.env.HP_ALERT_DRAIN_EVERY ?? '2']);
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', HP_ALERT_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  child.on('error', (error) => console.error(`make stack: the alert drain did not start (${error.message}); run make deps`));
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
