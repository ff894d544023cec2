// Alerts end to end on loopback: real PostgreSQL, the real sweep and history trigger, the drain
// under `deno run`, and destinations run by the test. One message per route when five workers
// stop in one sweep; the recovery after; flapping held to three messages; 429 honoured; a deleted
// webhook (404) reported, not dropped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { SIGNING_SECRET, setWorkers, startDatabase, startDrain, startReceiver, until } from './support.mjs';

let db;
let receiver;
let drain;
const FIVE = ['w-1', 'w-2', 'w-3', 'w-4', 'w-5'];

before(async () => {
  [db, receiver] = await Promise.all([startDatabase(), startReceiver()]);
  const { sql } = db;
  await sql`insert into public.hp_alert_routes (name, channel, secret) values
    ('ops-webhook', 'webhook', 'OPS_WEBHOOK'),
    ('ops-slack', 'slack', 'OPS_SLACK'),
    ('ops-discord', 'discord', 'OPS_DISCORD')`;
  await sql`insert into public.hp_alert_routes (name, channel, secret, target, sender)
    values ('ops-email', 'email', 'OPS_EMAIL_KEY', 'oncall@example.test', 'Worker Status <alerts@example.test>')`;
  drain = startDrain({ databaseUrl: db.url, env: drainEnv() });
});

after(async () => {
  await drain?.stop();
  await db?.stop();
  await receiver?.close();
});

const byPath = (prefix) => receiver.received.filter((r) => r.url.startsWith(prefix));

test('five workers stopping in one sweep: one message per route, then one recovery per route', async () => {
  const { sql } = db;
  await setWorkers(sql, FIVE, { status: 'running' });
  await setWorkers(sql, FIVE, { status: 'running', last_heartbeat: new Date(Date.now() - 6 * 60_000) });
  const written = await sql`select public.hp_worker_status_sweep() as n`;
  assert.equal(written[0].n, 10, 'Late and Stopped for each of five');
  await until(() => ['/webhook', '/slack', '/discord', '/email'].every((p) => byPath(p).length >= 1), 'a message on every route');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  for (const path of ['/webhook', '/slack', '/discord', '/email']) {
    assert.equal(byPath(path).length, 1, `${path}: ${byPath(path).map((r) => r.body).join('\n')}`);
  }
  const hook = byPath('/webhook')[0];
  const verified = new Webhook(SIGNING_SECRET).verify(hook.body, hook.headers);
  assert.equal(verified.data.summary, '5 workers stopped: w-1, w-2, w-3, w-4, w-5');
  assert.deepEqual(verified.data.items.map((i) => [i.worker, i.status]), FIVE.map((w) => [w, 'stopped']));
  const slack = byPath('/slack')[0].json;
  assert.equal(slack.text, '5 workers stopped: w-1, w-2, w-3, w-4, w-5');
  assert.ok(slack.blocks.length >= 3);
  const discord = byPath('/discord')[0];
  assert.match(discord.url, /[?&]wait=true/);
  assert.deepEqual(discord.json.allowed_mentions, { parse: [] });
  const email = byPath('/email')[0];
  assert.equal(email.headers.authorization, 'Bearer re_test_key');
  const [emailMessage] = await sql`select webhook_id from public.hp_alert_messages where route = 'ops-email'`;
  assert.equal(email.headers['idempotency-key'], emailMessage.webhook_id, 'a retry sends no second email');
  assert.deepEqual(email.json.to, ['oncall@example.test']);

  // They come back: one recovery digest per route.
  await setWorkers(sql, FIVE, { status: 'running' });
  await until(() => ['/webhook', '/slack', '/discord', '/email'].every((p) => byPath(p).length >= 2), 'a recovery on every route');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  for (const path of ['/webhook', '/slack', '/discord', '/email']) assert.equal(byPath(path).length, 2, path);
  assert.equal(byPath('/slack')[1].json.text, '5 workers recovered: w-1, w-2, w-3, w-4, w-5');
  const pending = await sql`select count(*)::int as n from public.hp_alert_outbox where state = 'pending'`;
  assert.equal(pending[0].n, 0);
});

test('a worker flipping ten times: at most three messages on a route', async () => {
  const { sql } = db;
  const before = byPath('/webhook').length;
  await setWorkers(sql, ['flapper'], { status: 'running' });
  for (let flip = 0; flip < 10; flip += 1) {
    await setWorkers(sql, ['flapper'], { status: flip % 2 === 0 ? 'crashed' : 'running' });
    // Each flip in its own drain run, as on a real fleet where flips are seconds apart.
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  await until(async () => (await sql`select count(*)::int as n from public.hp_alert_outbox where worker_name = 'flapper' and state = 'pending'`)[0].n === 0, 'all flips composed');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const messages = byPath('/webhook').slice(before).filter((r) => r.json.data.items.some((i) => i.worker === 'flapper'));
  assert.ok(messages.length <= 3, `${messages.length} messages: ${messages.map((m) => m.json.data.summary).join(' | ')}`);
  assert.deepEqual(messages.map((m) => m.json.data.items[0].type), ['down', 'recovered', 'flapping']);
});

test('429 with Retry-After: 2: the next attempt waits two seconds', async () => {
  const { sql } = db;
  await sql`insert into public.hp_alert_routes (name, channel, secret) values ('limited', 'slack', 'LIMITED_SLACK')`;
  await drain.stop();
  let first = true;
  receiver.respond = (request) => {
    if (request.url.startsWith('/limited') && first) {
      first = false;
      return { status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' };
    }
    return { status: 200 };
  };
  drain = startDrain({ databaseUrl: db.url, env: drainEnv() });
  await setWorkers(sql, ['limited-worker'], { status: 'running' });
  await setWorkers(sql, ['limited-worker'], { status: 'crashed' });
  await until(() => byPath('/limited').filter((r) => r.answered === 200).length === 1, 'delivered after the 429');
  const [refused, delivered] = byPath('/limited');
  const waited = delivered.at - refused.at;
  assert.ok(waited >= 2_000, `the retry came ${waited} ms after the 429`);
  assert.equal(refused.body, delivered.body);
  receiver.respond = () => ({ status: 200 });
});

test('404 from a deleted webhook: the route is reported broken and nothing is dropped', async () => {
  const { sql } = db;
  await sql`insert into public.hp_alert_routes (name, channel, secret) values ('deleted', 'discord', 'DELETED_DISCORD')`;
  await drain.stop();
  let gone = true;
  receiver.respond = (request) => (request.url.startsWith('/deleted') && gone ? { status: 404, body: '{"message": "Unknown Webhook", "code": 10015}' } : { status: 200 });
  drain = startDrain({ databaseUrl: db.url, env: drainEnv() });
  await setWorkers(sql, ['orphan-worker'], { status: 'running' });
  await setWorkers(sql, ['orphan-worker'], { status: 'stopped' });
  await until(async () => (await sql`select broken_since from public.hp_alert_routes where name = 'deleted'`)[0].broken_since, 'the route marked broken');
  const [route] = await sql`select last_error from public.hp_alert_routes where name = 'deleted'`;
  assert.match(route.last_error, /HTTP 404/);
  await until(async () => (await sql`select undeliverable from public.hp_alert_health`)[0].undeliverable >= 1, 'the section\'s count');
  const findings = await sql.file(new URL('../../check.sql', import.meta.url).pathname);
  assert.ok(findings.some((f) => /deleted/.test(f.finding) && /404/.test(f.finding)), JSON.stringify(findings));
  const [message] = await sql`select state from public.hp_alert_messages where route = 'deleted'`;
  assert.equal(message.state, 'pending', 'kept, retried');
  // Someone fixes the webhook: the waiting alert goes out and the route is healthy again.
  gone = false;
  await until(() => byPath('/deleted').some((r) => r.answered === 200), 'delivered once fixed');
  await until(async () => (await sql`select broken_since from public.hp_alert_routes where name = 'deleted'`)[0].broken_since === null, 'the route healthy');
  receiver.respond = () => ({ status: 200 });
});

/** The secrets of every route these tests add: destinations on the receiver. */
function drainEnv() {
  return {
    LIMITED_SLACK: `${receiver.url}/limited`,
    DELETED_DISCORD: `${receiver.url}/deleted`,
    OPS_WEBHOOK: `${receiver.url}/webhook`,
    OPS_WEBHOOK_SIGNING_SECRET: SIGNING_SECRET,
    OPS_SLACK: `${receiver.url}/slack`,
    OPS_DISCORD: `${receiver.url}/discord`,
    OPS_EMAIL_KEY: 're_test_key',
    HP_ALERT_EMAIL_API_URL: `${receiver.url}/email`,
  };
}

test('make alerts-test: one test message through every enabled route', async () => {
  await drain.stop();
  const once = startDrain({ databaseUrl: db.url, env: drainEnv(), args: ['--test', '--once'] });
  const [code] = await once.exited;
  assert.equal(code, 0, once.output());
  assert.match(once.output(), /test alert queued for deleted, limited, ops-discord, ops-email, ops-slack, ops-webhook/);
  for (const route of ['webhook', 'slack', 'discord', 'email', 'limited', 'deleted']) {
    const tests = byPath(`/${route}`).filter((r) => r.answered === 200 && r.body.includes('Test alert from Worker Status'));
    assert.equal(tests.length, 1, `${route}: ${once.output()}`);
  }
});
