// One request to the drain's Edge Function: checks the bearer token (the secret
// HP_ALERT_DRAIN_TOKEN, compared in constant time), then runs the drain once against
// SUPABASE_DB_URL, which Supabase provides. A body of {"test": true} first queues a test message
// for every enabled route. Answers the run's report as JSON.
import { configFrom } from './config.ts';
import { drainOnce } from './drain.ts';
import { connect, queueTestMessages, type Sql } from './store.ts';

type Env = (name: string) => string | undefined;
let sql: Sql | null = null;

/** Compares in time independent of where the strings differ. */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export async function handle(request: Request, env: Env = (name) => Deno.env.get(name)): Promise<Response> {
  if (request.method !== 'POST') return Response.json({ error: 'POST only' }, { status: 405 });
  const token = env('HP_ALERT_DRAIN_TOKEN');
  if (!token) return Response.json({ error: 'set the secret HP_ALERT_DRAIN_TOKEN' }, { status: 500 });
  const given = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
  if (!sameSecret(given, token)) {
    return Response.json({ error: 'wrong or missing bearer token' }, { status: 401 });
  }
  const body = await request.json().catch(() => ({}));
  try {
    const config = configFrom(env);
    sql ??= connect(config.databaseUrl);
    const tested = body?.test === true ? await queueTestMessages(sql, new Date()) : [];
    const report = await drainOnce(sql, { config, secrets: env });
    return Response.json({ ...report, tested });
  } catch (error) {
    return Response.json({ error: (error as Error).message }, { status: 500 });
  }
}
