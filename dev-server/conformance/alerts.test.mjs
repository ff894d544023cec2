// Telling someone (issue 22), the code route: a Realtime subscriber with the official supabase-js
// client and the public key, on inserts into hp_worker_events filtered to the alerts worth a
// message (Late, Stopped, Crashed), as docs/alerts.md shows. A worker reported crashed and the
// database sweep's Late and Stopped rows reach it; a recovery to running does not.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayWithClients } from './support.mjs';

const shared = gatewayWithClients();
const { client } = shared;
let gateway;
before(async () => { gateway = await shared.ready; });

async function until(check, what) {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a subscriber filtered to late, stopped and crashed gets exactly those history rows', async () => {
  const alerts = [];
  const reader = client(gateway.publishableKey);
  // The subscriber of docs/alerts.md.
  const channel = reader
    .channel('worker-alerts')
    .on(
      'postgres_changes',
      { event: 'INSERT', schema: 'public', table: 'hp_worker_events', filter: 'to_status=in.(late,stopped,crashed)' },
      (change) => alerts.push(change.new),
    );
  await new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
    });
  });
  const writer = client(gateway.secretKey);
  const write = async (query) => {
    const { error } = await query;
    assert.equal(error, null, error?.message);
  };
  await write(writer.from('hp_worker_status').update({ status: 'running', last_heartbeat: new Date().toISOString() }).eq('worker_name', 'crawl-worker'));
  await write(writer.from('hp_worker_status').update({ status: 'crashed' }).eq('worker_name', 'crawl-worker'));
  await until(() => alerts.length === 1, 'the crash');
  assert.equal(alerts[0].kind, 'status');
  assert.equal(alerts[0].to_status, 'crashed');
  assert.equal(alerts[0].worker_name, 'crawl-worker');
  // The rows the sweep writes (written here as the sweep does, not waiting a minute for pg_cron).
  const silentSince = new Date(Date.now() - 90_000).toISOString();
  for (const to_status of ['late', 'stopped']) {
    await write(writer.from('hp_worker_events').insert({ worker_name: 'analyze-worker', kind: 'overdue', to_status, silence_started_at: silentSince }));
  }
  await until(() => alerts.length === 3, 'late and stopped');
  assert.deepEqual(alerts.slice(1).map((row) => [row.kind, row.to_status]), [['overdue', 'late'], ['overdue', 'stopped']]);
  // A recovery is no alert.
  await write(writer.from('hp_worker_status').update({ status: 'running' }).eq('worker_name', 'crawl-worker'));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assert.equal(alerts.length, 3, `nothing more: ${JSON.stringify(alerts.slice(3))}`);
});
