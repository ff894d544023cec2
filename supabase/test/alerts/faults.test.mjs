// Nothing lost, proven with faults: a destination failing for the equivalent of five minutes of
// retries while 20 events happen; the database stopped with `pg_ctl stop -m immediate` while
// messages are leased; the drain killed after the destination's 2xx and before it settled.
// Each ends with every (event, route) delivered, deduplicated on webhook-id to exactly the
// expected set, in order for each worker.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deliveredEvents, SIGNING_SECRET, setWorkers, startDatabase, startDrain, startReceiver, until } from './support.mjs';

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function setUp({ durable = false } = {}) {
  const dataDir = durable ? fs.mkdtempSync(path.join(os.tmpdir(), 'hp-alert-faults-')) : undefined;
  const db = await startDatabase({ dataDir });
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  // Flapping set high: these workers change often on purpose, and every change is to arrive.
  await db.sql`insert into public.hp_alert_routes (name, channel, secret, flapping_changes)
               values ('hook', 'webhook', 'HOOK', 100)`;
  const env = { HOOK: `${receiver.url}/hook`, HOOK_SIGNING_SECRET: SIGNING_SECRET };
  return { db, receiver, env, dataDir };
}

/** What the database says must arrive: the events of every outbox row composed into a message. */
async function expectedEvents(sql) {
  const rows = await sql`select event_id from public.hp_alert_outbox where state = 'sent' order by event_id`;
  return rows.map((row) => row.event_id);
}

async function allSettled(sql) {
  const [row] = await sql`
    select (select count(*)::int from public.hp_alert_outbox where state = 'pending') as outbox,
           (select count(*)::int from public.hp_alert_messages where state <> 'delivered') as messages`;
  return row.outbox === 0 && row.messages === 0;
}

/** Each worker's delivered items are in the order they happened. */
function assertOrderPerWorker(requests) {
  const seen = new Set();
  const last = new Map();
  for (const request of requests) {
    if (request.answered !== 200 || seen.has(request.headers['webhook-id'])) continue;
    seen.add(request.headers['webhook-id']);
    for (const item of request.json.data.items) {
      const previous = last.get(item.worker);
      assert.ok(!previous || previous <= item.at, `${item.worker}: ${item.at} after ${previous}`);
      last.set(item.worker, item.at);
    }
  }
}

/** Five workers, four changes each (crashed, running, stopped, running): 20 events. */
async function twentyEvents(sql) {
  const workers = ['a', 'b', 'c', 'd', 'e'];
  await setWorkers(sql, workers, { status: 'running' });
  for (const status of ['crashed', 'running', 'stopped', 'running']) {
    await setWorkers(sql, workers, { status });
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  const [{ n }] = await sql`select count(*)::int as n from public.hp_alert_outbox where from_status is not null`;
  assert.equal(n, 20, 'four changes of five workers, each in the outbox');
}

test('a destination answering 500 for five retries while 20 events happen: all arrive, once each after dedupe, in order', async () => {
  const { db, receiver, env } = await setUp();
  cleanups.push(() => db.stop());
  let failing = true;
  receiver.respond = () => (failing ? { status: 500, body: 'upstream down' } : { status: 200 });
  const drain = startDrain({ databaseUrl: db.url, env });
  cleanups.push(() => drain.stop());
  await twentyEvents(db.sql);
  // Backoff 200 ms doubling (the drain's 10 s, scaled): five failed attempts of the first
  // message, as five minutes of a real outage would give, then the destination recovers.
  await until(async () => (await db.sql`select max(attempts) as n from public.hp_alert_messages`)[0].n >= 5, 'five attempts');
  failing = false;
  await until(() => allSettled(db.sql), 'everything delivered', 30_000);
  const expected = await expectedEvents(db.sql);
  assert.equal(expected.length, 20, 'every change of the five workers is an alert or a recovery');
  const raw = receiver.received.filter((r) => r.answered === 200).length;
  const failed = receiver.received.filter((r) => r.answered === 500).length;
  const delivered = deliveredEvents(receiver.received);
  assert.deepEqual([...delivered].sort((x, y) => x - y), expected);
  assert.equal(new Set(delivered).size, delivered.length, 'no event twice after dedupe');
  assertOrderPerWorker(receiver.received);
  console.log(`500s: ${failed} refused attempts, ${raw} delivered requests, ${delivered.length} events delivered of ${expected.length}`);
});

test('the database stopped with pg_ctl stop -m immediate while messages are leased: nothing lost, leases reclaimed', async () => {
  const { db, receiver, env, dataDir } = await setUp({ durable: true });
  let current = db;
  cleanups.push(() => current.stop());
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  // The destination holds its answer, so the messages stay leased while the database goes down.
  let hold = true;
  receiver.respond = () => (hold ? { status: 200, delayMs: 1_500 } : { status: 200 });
  const drain = startDrain({ databaseUrl: db.url, env });
  cleanups.push(() => drain.stop());
  await twentyEvents(db.sql);
  await until(async () => (await db.sql`select count(*)::int as n from public.hp_alert_messages where leased_by is not null`)[0].n >= 1, 'a leased message');
  db.crash();
  await db.stop();
  hold = false;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  current = await startDatabase({ dataDir, port: db.port });
  await until(() => allSettled(current.sql), 'everything delivered after the restart', 30_000);
  assert.match(drain.output(), /run failed/, 'the drain saw the database go');
  const expected = await expectedEvents(current.sql);
  const delivered = deliveredEvents(receiver.received);
  assert.deepEqual([...delivered].sort((x, y) => x - y), expected);
  assertOrderPerWorker(receiver.received);
  const raw = receiver.received.filter((r) => r.answered === 200).length;
  const unique = new Set(receiver.received.map((r) => r.headers['webhook-id'])).size;
  console.log(`immediate stop: ${raw} delivered requests, ${unique} unique webhook-ids, ${delivered.length} events of ${expected.length}`);
});

test('the drain killed after the 2xx, before the settle: redelivered with the same webhook-id', async () => {
  const { db, receiver, env } = await setUp();
  cleanups.push(() => db.stop());
  const doomed = startDrain({ databaseUrl: db.url, env: { ...env, HP_ALERT_FAULT: 'exit-after-delivery' } });
  await setWorkers(db.sql, ['k'], { status: 'running' });
  await setWorkers(db.sql, ['k'], { status: 'crashed' });
  const [code] = await doomed.exited;
  assert.equal(code, 86, doomed.output());
  assert.equal(receiver.received.length, 1);
  const [leased] = await db.sql`select state, leased_by from public.hp_alert_messages`;
  assert.equal(leased.state, 'pending', 'not settled');
  const drain = startDrain({ databaseUrl: db.url, env });
  cleanups.push(() => drain.stop());
  await until(() => allSettled(db.sql), 'delivered by the next drain once the lease ran out');
  assert.equal(receiver.received.length, 2);
  const [first, second] = receiver.received;
  assert.equal(second.headers['webhook-id'], first.headers['webhook-id']);
  assert.equal(deliveredEvents(receiver.received).length, 1, 'one event after dedupe');
});
