// The local gateway's REST side against the official supabase-js client: what the dashboard and
// the workers do must work, and what anon must not do must fail exactly as on hosted Supabase.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startGateway } from '../../scripts/gateway-process.mjs';

const SEEDED = ['roundtable-worker', 'x-autopost', 'analyze-worker', 'content-worker', 'crawl-worker'];
let gateway;
let anon;
let service;

const client = (key) => createClient(gateway.url, key, {
  auth: { persistSession: false, autoRefreshToken: false },
  realtime: { transport: WebSocket },
});

before(async () => {
  gateway = await startGateway();
  anon = client(gateway.anonKey);
  service = client(gateway.serviceKey);
});
after(() => gateway.stop());

test('anon selects the seeded rows in the order asked for', async () => {
  const { data, error, status } = await anon.from('hp_worker_status').select('*').order('display_order');
  assert.equal(error, null);
  assert.equal(status, 200);
  assert.deepEqual(data.map((row) => row.worker_name), SEEDED);
  assert.equal(data[0].status, 'unknown');
  assert.equal(data[0].jobs_processed, 0, 'bigint arrives as a JSON number');
  assert.deepEqual(data[0].metadata, {});
});

test('count=exact, filters and head requests follow PostgREST', async () => {
  const { count, data, status } = await anon.from('hp_worker_status')
    .select('worker_name', { count: 'exact' }).in('worker_name', ['x-autopost', 'crawl-worker']).order('worker_name');
  assert.equal(status, 200);
  assert.equal(count, 2);
  assert.deepEqual(data, [{ worker_name: 'crawl-worker' }, { worker_name: 'x-autopost' }]);
  const partial = await anon.from('hp_worker_status').select('*', { count: 'exact' }).range(0, 1);
  assert.equal(partial.status, 206);
  assert.equal(partial.count, 5);
  const head = await anon.from('hp_worker_status').select('*', { count: 'exact', head: true });
  assert.equal(head.count, 5);
  assert.equal(head.data, null);
});

test('every anon write is refused with 401 and 42501, and nothing changes', async () => {
  const attempts = {
    insert: anon.from('hp_worker_status').insert({ worker_name: 'intruder' }),
    upsert: anon.from('hp_worker_status').upsert({ worker_name: 'x-autopost', status: 'crashed' }),
    update: anon.from('hp_worker_status').update({ status: 'crashed' }).eq('worker_name', 'x-autopost'),
    delete: anon.from('hp_worker_status').delete().eq('worker_name', 'x-autopost'),
  };
  for (const [name, attempt] of Object.entries(attempts)) {
    const { error, status } = await attempt;
    assert.equal(status, 401, name);
    assert.equal(error?.code, '42501', name);
    assert.match(error.message, /permission denied for table hp_worker_status/, name);
  }
  const { data } = await anon.from('hp_worker_status').select('worker_name,status').eq('worker_name', 'x-autopost');
  assert.deepEqual(data, [{ worker_name: 'x-autopost', status: 'unknown' }]);
});

test("the service role's heartbeat upsert and update work", async () => {
  const beat = {
    worker_name: 'analyze-worker', status: 'running', last_heartbeat: new Date().toISOString(),
    jobs_processed: 142, error_count: 0, circuit_breaker_open: false,
  };
  const upsert = await service.from('hp_worker_status').upsert(beat);
  assert.equal(upsert.error, null);
  assert.equal(upsert.status, 200, 'an upsert that only updates answers 200');
  const fresh = await service.from('hp_worker_status').upsert({ ...beat, worker_name: 'brand-new-worker' });
  assert.equal(fresh.status, 201, 'an upsert that inserts answers 201');
  const update = await service.from('hp_worker_status').update({ error_count: 3 }).eq('worker_name', 'analyze-worker');
  assert.equal(update.error, null);
  assert.equal(update.status, 204);
  const { data } = await anon.from('hp_worker_status').select('status,jobs_processed,error_count,description')
    .eq('worker_name', 'analyze-worker').single();
  assert.deepEqual(data, { status: 'running', jobs_processed: 142, error_count: 3, description: 'Analysis tasks' });
  const removed = await service.from('hp_worker_status').delete().eq('worker_name', 'brand-new-worker').select();
  assert.equal(removed.status, 200);
  assert.equal(removed.data.length, 1);
});

test('a batch with different keys: missing columns are NULL by default, their defaults with defaultToNull: false; writes return what select names', async () => {
  const batch = [
    { worker_name: 'batch-a', status: 'running', jobs_processed: 5, metadata: { host: 'alpha' }, description: null },
    { worker_name: 'batch-b' },
  ];
  // supabase-js names the union of the keys in `columns`; without missing=default PostgREST
  // writes NULL for batch-b's status, which the table refuses.
  const nulls = await service.from('hp_worker_status').upsert(batch);
  assert.equal(nulls.status, 400);
  assert.equal(nulls.error?.code, '23502', JSON.stringify(nulls.error));
  const defaults = await service.from('hp_worker_status').upsert(batch, { defaultToNull: false }).select('worker_name,status,jobs_processed,metadata,description');
  assert.equal(defaults.error, null);
  assert.equal(defaults.status, 201);
  assert.deepEqual(defaults.data, [
    { worker_name: 'batch-a', status: 'running', jobs_processed: 5, metadata: { host: 'alpha' }, description: null },
    { worker_name: 'batch-b', status: 'unknown', jobs_processed: 0, metadata: {}, description: null },
  ]);
  const removed = await service.from('hp_worker_status').delete().in('worker_name', ['batch-a', 'batch-b']).select('worker_name');
  assert.equal(removed.error, null);
  assert.deepEqual(removed.data.map((row) => Object.keys(row)), [['worker_name'], ['worker_name']], 'a write returns only the selected columns');
});

test('a constraint violation comes back as PostgREST reports it', async () => {
  const { error, status } = await service.from('hp_worker_status').upsert({ worker_name: 'x-autopost', status: 'sleeping' });
  assert.equal(status, 400);
  assert.equal(error.code, '23514');
  assert.match(error.message, /status_must_be_running_stopped_crashed_or_unknown/);
});

test('unknown tables and columns give PGRST205 and 42703 / PGRST204', async () => {
  const table = await anon.from('nope').select('*');
  assert.equal(table.status, 404);
  assert.equal(table.error.code, 'PGRST205');
  assert.equal(table.error.message, "Could not find the table 'public.nope' in the schema cache");
  const column = await anon.from('hp_worker_status').select('nope');
  assert.equal(column.status, 400);
  assert.equal(column.error.code, '42703');
  assert.equal(column.error.message, 'column hp_worker_status.nope does not exist');
  const body = await service.from('hp_worker_status').update({ nope: 1 }).eq('worker_name', 'x-autopost');
  assert.equal(body.status, 400);
  assert.equal(body.error.code, 'PGRST204');
});

test('a wrong key fails as on hosted Supabase', async () => {
  const wrongKey = gateway.anonKey.slice(0, -4) + 'AAAA';
  const { error, status, data } = await client(wrongKey).from('hp_worker_status').select('*');
  assert.equal(status, 401);
  assert.equal(data, null);
  assert.equal(error.message, 'Invalid authentication credentials');
});

test('CORS preflight needs no key and every answer allows any origin', async () => {
  const preflight = await fetch(`${gateway.url}/rest/v1/hp_worker_status`, {
    method: 'OPTIONS',
    headers: {
      Origin: 'https://dashboard.example',
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'apikey, authorization, accept-profile, x-client-info',
    },
  });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.equal(preflight.headers.get('access-control-allow-headers'), 'apikey, authorization, accept-profile, x-client-info');
  const refused = await fetch(`${gateway.url}/rest/v1/hp_worker_status`, { headers: { Origin: 'https://dashboard.example' } });
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual(await refused.json(), { message: 'No API key found in request' });
  const ok = await fetch(`${gateway.url}/rest/v1/hp_worker_status?select=*`, { headers: { apikey: gateway.anonKey } });
  assert.match(ok.headers.get('access-control-expose-headers'), /Content-Range/);
  assert.equal(ok.headers.get('content-range'), '0-4/*');
});

// A filter on a non-text column used to fail in the driver ("error serializing parameter 0",
// answered as a 503), found by hostile-rest.test.mjs.
test('filters on bigint and boolean columns work, and a bad value is PostgREST\'s 400 22P02', async () => {
  const { data, error } = await anon.from('hp_worker_status').select('worker_name').eq('jobs_processed', 0).eq('circuit_breaker_open', false)
    .in('display_order', [1, 2]).order('worker_name');
  assert.equal(error, null);
  assert.deepEqual(data.map((row) => row.worker_name), ['roundtable-worker', 'x-autopost'].sort());
  const bad = await anon.from('hp_worker_status').select('worker_name').gt('jobs_processed', 'many');
  assert.equal(bad.status, 400);
  assert.equal(bad.error.code, '22P02');
  assert.match(bad.error.message, /invalid input syntax for type bigint/);
});
