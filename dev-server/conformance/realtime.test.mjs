// The local gateway's Realtime side against the official supabase-js client, in both protocol
// versions: a channel with postgres_changes reaches SUBSCRIBED and receives INSERT, UPDATE and
// DELETE with the right eventType, new and old; a wrong key never subscribes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayWithClients } from './support.mjs';

const shared = gatewayWithClients();
const { client } = shared;
let gateway;
before(async () => { gateway = await shared.ready; });

/** Subscribes and resolves once SUBSCRIBED; collects events into `events`. */
async function subscribe(supabase, name, binding = { event: '*', schema: 'public', table: 'hp_worker_status' }) {
  const events = [];
  const waiters = [];
  const channel = supabase.channel(name).on('postgres_changes', binding, (payload) => {
    events.push(payload);
    for (const waiter of waiters.splice(0)) waiter();
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not SUBSCRIBED within 10 s`)), 10_000);
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') { clearTimeout(timer); resolve(); }
      if (status === 'CHANNEL_ERROR') { clearTimeout(timer); reject(error ?? new Error('CHANNEL_ERROR')); }
    });
  });
  const waitFor = async (count) => {
    const deadline = Date.now() + 5_000;
    while (events.length < count) {
      if (Date.now() > deadline) throw new Error(`${name}: ${events.length}/${count} events after 5 s`);
      await new Promise((resolve) => { waiters.push(resolve); setTimeout(resolve, 100); });
    }
  };
  return { channel, events, waitFor };
}

for (const vsn of ['2.0.0', '1.0.0']) {
  test(`vsn ${vsn}: INSERT, UPDATE and DELETE arrive with eventType, new and old`, async () => {
    const reader = client(gateway.anonKey, vsn === '1.0.0' ? vsn : undefined);
    const writer = client(gateway.serviceKey);
    assert.equal(reader.realtime.vsn, vsn);
    const name = `conformance-${vsn}`;
    const worker = `worker-${vsn}`;
    const { channel, events, waitFor } = await subscribe(reader, name);

    const insert = await writer.from('hp_worker_status').insert({ worker_name: worker, status: 'running', jobs_processed: 1 });
    assert.equal(insert.error, null);
    await waitFor(1);
    const update = await writer.from('hp_worker_status').update({ jobs_processed: 2, metadata: { region: 'eu' } }).eq('worker_name', worker);
    assert.equal(update.error, null);
    await waitFor(2);
    const removal = await writer.from('hp_worker_status').delete().eq('worker_name', worker);
    assert.equal(removal.error, null);
    await waitFor(3);

    const [inserted, updated, deleted] = events;
    assert.equal(inserted.eventType, 'INSERT');
    assert.equal(inserted.schema, 'public');
    assert.equal(inserted.table, 'hp_worker_status');
    assert.equal(inserted.new.worker_name, worker);
    assert.equal(inserted.new.jobs_processed, 1, 'int8 arrives as a JSON number');
    assert.equal(inserted.new.circuit_breaker_open, false);
    assert.deepEqual(inserted.new.metadata, {});
    assert.deepEqual(inserted.old, {});
    assert.match(inserted.commit_timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(inserted.errors, null);

    assert.equal(updated.eventType, 'UPDATE');
    assert.equal(updated.new.jobs_processed, 2);
    assert.deepEqual(updated.new.metadata, { region: 'eu' }, 'jsonb arrives as an object');
    assert.match(updated.new.updated_at, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(updated.old, { worker_name: worker }, 'REPLICA IDENTITY DEFAULT: the key only');

    assert.equal(deleted.eventType, 'DELETE');
    assert.deepEqual(deleted.new, {});
    assert.deepEqual(deleted.old, { worker_name: worker }, 'DELETE under RLS carries the key only');

    await reader.removeChannel(channel);
  });
}

test('an event filter and a row filter deliver only what they ask for', async () => {
  const reader = client(gateway.anonKey);
  const writer = client(gateway.serviceKey);
  const updates = await subscribe(reader, 'only-updates-of-x', {
    event: 'UPDATE', schema: 'public', table: 'hp_worker_status', filter: 'worker_name=eq.x-autopost',
  });
  await writer.from('hp_worker_status').update({ jobs_processed: 5 }).eq('worker_name', 'crawl-worker');
  await writer.from('hp_worker_status').update({ jobs_processed: 7 }).eq('worker_name', 'x-autopost');
  await updates.waitFor(1);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(updates.events.length, 1);
  assert.equal(updates.events[0].new.worker_name, 'x-autopost');
  assert.equal(updates.events[0].new.jobs_processed, 7);
});

test('a table outside the publication gets the system error Realtime sends', async () => {
  // As on hosted Supabase, the join itself succeeds (realtime-js says SUBSCRIBED); the failure
  // arrives as a `system` message, which is why the dashboard waits for "Subscribed to PostgreSQL".
  const reader = client(gateway.anonKey);
  const system = await new Promise((resolve) => {
    reader.channel('not-published')
      .on('postgres_changes', { event: '*', schema: 'public', table: 'not_a_table' }, () => {})
      .on('system', {}, (payload) => resolve(payload))
      .subscribe();
  });
  assert.equal(system.extension, 'postgres_changes');
  assert.equal(system.status, 'error');
  assert.equal(system.channel, 'not-published');
  assert.match(system.message, /^Unable to subscribe to changes with given parameters/);
});

test('a subscribed channel also gets "Subscribed to PostgreSQL"', async () => {
  const reader = client(gateway.anonKey);
  const system = await new Promise((resolve) => {
    reader.channel('ready-signal')
      .on('postgres_changes', { event: '*', schema: 'public', table: 'hp_worker_status' }, () => {})
      .on('system', {}, (payload) => resolve(payload))
      .subscribe();
  });
  assert.deepEqual(system, {
    extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: 'ready-signal',
  });
});

test('a wrong key never subscribes', async () => {
  const wrongKey = gateway.anonKey.slice(0, -4) + 'AAAA';
  const reader = client(wrongKey);
  const statuses = [];
  const channel = reader.channel('wrong-key').on('postgres_changes', { event: '*', schema: 'public', table: 'hp_worker_status' }, () => {});
  channel.subscribe((status) => statuses.push(status));
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  assert.ok(!statuses.includes('SUBSCRIBED'), `statuses: ${statuses}`);
  const refused = await fetch(`${gateway.url}/realtime/v1/websocket?apikey=${wrongKey}&vsn=2.0.0`);
  assert.equal(refused.status, 401);
});
