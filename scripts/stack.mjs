// `make stack`: the throwaway database and the gateway on 127.0.0.1:54321, plus the demo crew
// unless DEMO=off, in the foreground. With SERVE=trunk (`make dev`) also `trunk serve` on
// 127.0.0.1:8080. Ctrl-C (or SIGTERM) stops Trunk, then the crew, so each worker reports
// 'stopped', then the gateway and its database; nothing is left running.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startGateway } from './gateway-process.mjs';
import { startCrew } from '../workers/demo/crew.js';

const demo = (process.env.DEMO ?? 'on') !== 'off';
const port = Number(process.env.GATEWAY_PORT ?? 54321);
const dbPort = process.env.DB_PORT ?? '54322';

const gateway = await startGateway({
  port,
  fastErrors: false,
  args: ['--data-dir', '.data/db', '--db-port', dbPort],
  log: (chunk) => process.stdout.write(chunk),
}).catch((error) => {
  console.error(`make stack: ${error.message}`);
  process.exit(1);
});
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
  await gateway.stop();
  console.log('make stack: stopped');
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
