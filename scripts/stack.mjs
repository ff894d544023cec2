// `make stack`: the throwaway database and the gateway on 127.0.0.1:54321, plus the demo crew
// unless DEMO=off, in the foreground. Ctrl-C (or SIGTERM) stops the crew first, so each worker
// reports 'stopped', then the gateway and its database; nothing is left running.
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
const crew = demo ? startCrew({ supabaseUrl: gateway.url, serviceKey: gateway.serviceKey }) : null;
if (!demo) console.log('make stack: DEMO=off, no demo workers');
console.log('make stack: running; Ctrl-C stops everything');

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('make stack: stopping');
  await crew?.stop();
  await gateway.stop();
  console.log('make stack: stopped');
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
