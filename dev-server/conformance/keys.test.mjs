// Supabase's current keys against the local gateway, through the official supabase-js client:
// the publishable key reads (REST and Realtime) and never writes, the secret key writes, both as
// the Supabase CLI's API gateway maps them to the anon / service_role roles; an unknown `sb_` key
// gets the hosted platform's answer. The legacy JWT keys keep working beside them.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayWithClients } from './support.mjs';

const CLI_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
const CLI_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

const shared = gatewayWithClients();
const { client } = shared;
let gateway;
before(async () => { gateway = await shared.ready; });

test('the gateway prints the four keys of the Supabase CLI', () => {
  assert.equal(gateway.publishableKey, CLI_PUBLISHABLE_KEY);
  assert.equal(gateway.secretKey, CLI_SECRET_KEY);
  assert.match(gateway.anonKey, /^eyJ/);
  assert.match(gateway.serviceKey, /^eyJ/);
});

test('the publishable key reads as anon and every write is refused', async () => {
  const publishable = client(gateway.publishableKey);
  const { data, error, status } = await publishable.from('hp_worker_status').select('worker_name').order('display_order');
  assert.equal(error, null);
  assert.equal(status, 200);
  assert.equal(data.length, 5);
  const attempts = {
    insert: publishable.from('hp_worker_status').insert({ worker_name: 'intruder' }),
    upsert: publishable.from('hp_worker_status').upsert({ worker_name: 'x-autopost', status: 'crashed' }),
    update: publishable.from('hp_worker_status').update({ status: 'crashed' }).eq('worker_name', 'x-autopost'),
    delete: publishable.from('hp_worker_status').delete().eq('worker_name', 'x-autopost'),
  };
  for (const [name, attempt] of Object.entries(attempts)) {
    const { error: refused, status: code } = await attempt;
    assert.equal(code, 401, name);
    assert.equal(refused?.code, '42501', name);
  }
  const after = await client(gateway.serviceKey).from('hp_worker_status').select('worker_name,status').eq('worker_name', 'x-autopost');
  assert.deepEqual(after.data, [{ worker_name: 'x-autopost', status: 'unknown' }], 'nothing changed');
});

test('the secret key writes as service_role', async () => {
  const secret = client(gateway.secretKey);
  const { error, status } = await secret.from('hp_worker_status').upsert({ worker_name: 'secret-writer', status: 'running' });
  assert.equal(error, null);
  assert.equal(status, 201);
  const { data } = await client(gateway.publishableKey).from('hp_worker_status').select('status').eq('worker_name', 'secret-writer');
  assert.deepEqual(data, [{ status: 'running' }]);
  const removed = await secret.from('hp_worker_status').delete().eq('worker_name', 'secret-writer');
  assert.equal(removed.error, null);
});

test('an unknown sb_ key gets the hosted platform\'s error, and the gateway stays up', async () => {
  for (const key of ['sb_publishable_not-this-project', 'sb_secret_revoked', 'sb_weird_kind']) {
    const { error, status, data } = await client(key).from('hp_worker_status').select('*');
    assert.equal(status, 401, key);
    assert.equal(data, null, key);
    assert.equal(error.message, 'Invalid API key', key);
    assert.match(error.hint, /API key/, key);
  }
  const socket = await fetch(`${gateway.url}/realtime/v1/websocket?apikey=sb_publishable_nope&vsn=2.0.0`);
  assert.equal(socket.status, 401);
  assert.equal((await socket.json()).message, 'Invalid API key');
  const { status } = await client(gateway.publishableKey).from('hp_worker_status').select('worker_name');
  assert.equal(status, 200);
});

test('Realtime with the publishable key: SUBSCRIBED, then a change arrives', async () => {
  const reader = client(gateway.publishableKey);
  const events = [];
  const channel = reader.channel('keys-publishable').on('postgres_changes',
    { event: '*', schema: 'public', table: 'hp_worker_status' }, (payload) => events.push(payload));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not SUBSCRIBED within 10 s')), 10_000);
    channel.subscribe((state, error) => {
      if (state === 'SUBSCRIBED') { clearTimeout(timer); resolve(); }
      if (state === 'CHANNEL_ERROR') { clearTimeout(timer); reject(error ?? new Error('CHANNEL_ERROR')); }
    });
  });
  const { error } = await client(gateway.secretKey).from('hp_worker_status')
    .update({ jobs_processed: 77 }).eq('worker_name', 'crawl-worker');
  assert.equal(error, null);
  const deadline = Date.now() + 5_000;
  while (!events.some((event) => event.new?.jobs_processed === 77)) {
    assert.ok(Date.now() < deadline, `no change within 5 s (${events.length} events)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(events.at(-1).eventType, 'UPDATE');
});
