// What the supabase-js conformance tests share: one gateway for the file's tests and the
// official clients made against it, all stopped after the file.
import { before, after } from 'node:test';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startGateway } from '../../scripts/gateway-process.mjs';

/**
 * Registers the file's before/after hooks: a gateway started before its tests, and stopped with
 * every client `client` made (channels removed, sockets closed) after them.
 * `ready` resolves with the gateway once it runs (a file's own hooks may run alongside these).
 * @returns {{ ready: Promise<object>, client: (key: string, vsn?: string) => object }}
 */
export function gatewayWithClients() {
  let gateway;
  let settle;
  const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  const clients = [];
  before(async () => {
    try {
      gateway = await startGateway();
      settle.resolve(gateway);
    } catch (error) {
      settle.reject(error);
      throw error;
    }
  });
  after(async () => {
    for (const supabase of clients) {
      await supabase.removeAllChannels();
      supabase.realtime.disconnect();
    }
    await gateway?.stop();
  });
  return {
    ready,
    client: (key, vsn) => {
      const supabase = createClient(gateway.url, key, {
        auth: { persistSession: false, autoRefreshToken: false },
        realtime: { transport: WebSocket, ...(vsn ? { vsn } : {}) },
      });
      clients.push(supabase);
      return supabase;
    },
  };
}
