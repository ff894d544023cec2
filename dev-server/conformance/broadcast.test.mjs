// Broadcast from the database through the local gateway, against the official supabase-js client
// in both protocol versions (2.0.0 delivers it as binary user-broadcast frames): a private
// channel on `worker-status` with the public key subscribes and receives INSERT, UPDATE and
// DELETE with Supabase's payload; a private channel on a topic the policies do not open is
// refused with Realtime's reason; what a client sends on that channel reaches no one, while on
// a public channel it is relayed as Realtime relays it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { gatewayWithClients } from './support.mjs';

const shared = gatewayWithClients();
const { client } = shared;
let gateway;
before(async () => { gateway = await shared.ready; });

/** Joins the private `topic`; resolves with the channel and its broadcasts, or rejects with the error. */
function joinPrivate(supabase, topic) {
  const messages = [];
  const channel = supabase.channel(topic, { config: { private: true } })
    .on('broadcast', { event: '*' }, (message) => messages.push(message));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${topic}: no answer within 10 s`)), 10_000);
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') { clearTimeout(timer); resolve({ channel, messages }); }
      if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') { clearTimeout(timer); reject(error ?? new Error(status)); }
    });
  });
}

async function until(check, what) {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const vsn of ['1.0.0', '2.0.0']) {
  test(`vsn ${vsn}: the public key receives every change of a worker on the private topic`, async () => {
    const writer = client(gateway.secretKey, vsn);
    const { messages } = await joinPrivate(client(gateway.publishableKey, vsn), 'worker-status');
    const name = `broadcast-${vsn}`;
    assert.equal((await writer.from('hp_worker_status').upsert({ worker_name: name, status: 'running' })).error, null);
    assert.equal((await writer.from('hp_worker_status').update({ status: 'crashed' }).eq('worker_name', name)).error, null);
    assert.equal((await writer.from('hp_worker_status').delete().eq('worker_name', name)).error, null);
    const mine = () => messages.filter((message) => (message.payload.record ?? message.payload.old_record)?.worker_name === name);
    await until(() => mine().length === 3, 'three broadcasts');
    const [insert, update, remove] = mine();
    assert.deepEqual([insert.event, update.event, remove.event], ['INSERT', 'UPDATE', 'DELETE']);
    for (const message of mine()) {
      assert.equal(message.type, 'broadcast');
      assert.equal(message.payload.schema, 'public');
      assert.equal(message.payload.table, 'hp_worker_status');
      assert.equal(message.payload.operation, message.event);
      assert.match(message.meta?.id ?? message.payload.id, /^[0-9a-f-]{36}$/, 'the message id');
    }
    assert.equal(insert.payload.record.status, 'running');
    assert.equal(insert.payload.old_record, null);
    assert.equal(update.payload.record.status, 'crashed');
    assert.equal(update.payload.old_record.status, 'running', 'the whole old row');
    assert.equal(remove.payload.record, null);
    assert.equal(remove.payload.old_record.worker_name, name);
  });

  test(`vsn ${vsn}: a private topic the policies do not open is refused with Realtime's reason`, async () => {
    await assert.rejects(joinPrivate(client(gateway.publishableKey, vsn), 'other-topic'),
      (error) => /Unauthorized: You do not have permissions to read from this Channel topic: other-topic/.test(String(error?.message ?? error)));
  });

  test(`vsn ${vsn}: on a public channel a client's broadcast reaches the others, itself with self, acknowledged with ack`, async () => {
    const topic = `room-${vsn}`;
    const joinPublic = (config) => {
      const messages = [];
      const channel = client(gateway.publishableKey, vsn).channel(topic, { config })
        .on('broadcast', { event: 'moved' }, (message) => messages.push(message.payload));
      return new Promise((resolve) => channel.subscribe((status) => { if (status === 'SUBSCRIBED') resolve({ channel, messages }); }));
    };
    const sender = await joinPublic({ broadcast: { self: true, ack: true } });
    const other = await joinPublic({});
    assert.equal(await sender.channel.send({ type: 'broadcast', event: 'moved', payload: { x: 1 } }), 'ok', 'acknowledged');
    await until(() => other.messages.length === 1 && sender.messages.length === 1, 'the message at both ends');
    assert.deepEqual(other.messages, [{ x: 1 }]);
    await other.channel.send({ type: 'broadcast', event: 'moved', payload: { x: 2 } });
    await until(() => sender.messages.length === 2, 'the other way');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(other.messages, [{ x: 1 }], 'without self, not back to the sender');
  });

  test(`vsn ${vsn}: what a client sends on the private topic reaches no viewer, and is not acknowledged`, async () => {
    const { messages } = await joinPrivate(client(gateway.publishableKey, vsn), 'worker-status');
    const forger = client(gateway.publishableKey, vsn).channel('worker-status', { config: { private: true, broadcast: { ack: true } } });
    await new Promise((resolve) => forger.subscribe((status) => { if (status === 'SUBSCRIBED') resolve(); }));
    const fake = { operation: 'UPDATE', schema: 'public', table: 'hp_worker_status', record: { worker_name: 'x-autopost', status: 'crashed' } };
    assert.equal(await forger.send({ type: 'broadcast', event: 'UPDATE', payload: fake }, { timeout: 1_500 }), 'timed out',
      'dropped without a reply, as Realtime drops a broadcast without a write policy');
    // The same on the public topic of that name reaches public listeners only: private viewers
    // never share it.
    const listener = [];
    const publicListener = client(gateway.publishableKey, vsn).channel('worker-status')
      .on('broadcast', { event: 'UPDATE' }, (message) => listener.push(message.payload));
    await new Promise((resolve) => publicListener.subscribe((status) => { if (status === 'SUBSCRIBED') resolve(); }));
    const publicChannel = client(gateway.publishableKey, vsn).channel('worker-status');
    await new Promise((resolve) => publicChannel.subscribe((status) => { if (status === 'SUBSCRIBED') resolve(); }));
    await publicChannel.send({ type: 'broadcast', event: 'UPDATE', payload: fake });
    await until(() => listener.length === 1, 'the public message relayed to the public listener');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(messages.filter((message) => message.payload?.record?.worker_name === 'x-autopost'), []);
  });
}

test('vsn 2.0.0 on the wire: a change arrives as a binary user-broadcast frame (kind 4)', async () => {
  const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${gateway.publishableKey}&vsn=2.0.0`);
  const frames = [];
  socket.on('message', (data, isBinary) => frames.push({ data: Buffer.from(data), isBinary }));
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  socket.send(JSON.stringify(['1', '1', 'realtime:worker-status', 'phx_join',
    { config: { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: [], private: true }, access_token: gateway.publishableKey }]));
  await until(() => frames.some((frame) => !frame.isBinary && JSON.parse(frame.data)[3] === 'phx_reply'), 'the join reply');
  assert.equal(JSON.parse(frames[0].data)[4].status, 'ok');
  const writer = client(gateway.secretKey, '2.0.0');
  assert.equal((await writer.from('hp_worker_status').upsert({ worker_name: 'wire', status: 'running' })).error, null);
  await until(() => frames.some((frame) => frame.isBinary), 'a binary frame');
  const { data } = frames.find((frame) => frame.isBinary);
  const [kind, topicSize, eventSize, metaSize, encoding] = data;
  assert.deepEqual([kind, encoding], [4, 1], 'user broadcast, JSON payload');
  const topic = data.subarray(5, 5 + topicSize).toString();
  const event = data.subarray(5 + topicSize, 5 + topicSize + eventSize).toString();
  const meta = JSON.parse(data.subarray(5 + topicSize + eventSize, 5 + topicSize + eventSize + metaSize));
  const payload = JSON.parse(data.subarray(5 + topicSize + eventSize + metaSize));
  assert.deepEqual([topic, event, payload.operation, payload.record.worker_name], ['realtime:worker-status', 'INSERT', 'INSERT', 'wire']);
  assert.match(meta.id, /^[0-9a-f-]{36}$/);
  socket.close();
});
