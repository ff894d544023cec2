// One import line per worker (the setup guide's "Option A"):
//
//   import { heartbeat } from '@worker-status/heartbeat/auto';
//
// starts the heartbeat from the environment: WORKER_NAME, SUPABASE_URL and the secret key
// (SUPABASE_SECRET_KEY, else SUPABASE_SERVICE_ROLE_KEY, else the guide's SUPABASE_SERVICE_KEY),
// plus HEARTBEAT_INTERVAL_MS if set. `heartbeat` is the handle for jobSucceeded / jobFailed. A
// missing variable stops the import with a message naming it, before the worker starts work.
import { SECRET_KEY_VARIABLES, secretKeyFromEnvironment, startHeartbeat } from './heartbeat.js';

function fromEnvironment(env) {
  const missing = [];
  const workerName = env.WORKER_NAME?.trim();
  if (!workerName) missing.push('WORKER_NAME (the name the dashboard shows)');
  const supabaseUrl = env.SUPABASE_URL?.trim();
  if (!supabaseUrl) missing.push('SUPABASE_URL (the project URL)');
  const serviceKey = secretKeyFromEnvironment(env);
  if (!serviceKey) missing.push(`the secret key (${SECRET_KEY_VARIABLES.join(', or ')})`);
  if (missing.length > 0) {
    throw new Error(`@worker-status/heartbeat/auto: set ${missing.join('; ')} in the worker's environment`);
  }
  const intervalMs = env.HEARTBEAT_INTERVAL_MS ? Number(env.HEARTBEAT_INTERVAL_MS) : undefined;
  return { workerName, supabaseUrl, serviceKey, intervalMs };
}

/** The running heartbeat of this process. */
export const heartbeat = startHeartbeat(fromEnvironment(process.env));
export default heartbeat;
