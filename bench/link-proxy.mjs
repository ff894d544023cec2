// The emulated phone link for WebSocket frames. Chromium's network emulation (the DevTools
// protocol's Network.emulateNetworkConditions) delays every request of a page, the socket's
// opening handshake included, but not the frames on an open WebSocket: under a 150 ms round trip
// a Realtime join was answered in 15-30 ms. This proxy stands in front of the gateway for the
// pages of `bench/compare.mjs`'s first-rows part: it forwards HTTP as it comes, and holds each
// WebSocket frame for half the round trip in each direction (`setDelay`), in order, so that a
// join, its reply and every change cross the link as they would on a phone.
import http from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';

/** Starts the proxy for the gateway at `target` (http://host:port); frames pass at once until `setDelay`. */
export async function startLinkProxy(target) {
  const upstream = new URL(target);
  let delayMs = 0;
  const later = (send) => (delayMs > 0 ? setTimeout(send, delayMs) : send());
  const server = http.createServer((request, response) => {
    const forwarded = http.request({
      hostname: upstream.hostname, port: upstream.port, path: request.url, method: request.method,
      headers: { ...request.headers, host: upstream.host },
    }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forwarded.on('error', () => response.destroy());
    request.pipe(forwarded);
  });
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    sockets.handleUpgrade(request, socket, head, (page) => {
      const gateway = new WebSocket(`ws://${upstream.host}${request.url}`);
      const pending = [];
      gateway.on('open', () => pending.splice(0).forEach((send) => send()));
      page.on('message', (data, binary) => later(() => {
        const send = () => gateway.readyState === WebSocket.OPEN && gateway.send(data, { binary });
        if (gateway.readyState === WebSocket.CONNECTING) pending.push(send);
        else send();
      }));
      gateway.on('message', (data, binary) => later(() => page.readyState === WebSocket.OPEN && page.send(data, { binary })));
      const closeBoth = () => later(() => {
        page.terminate();
        gateway.terminate();
      });
      page.on('close', closeBoth);
      gateway.on('close', closeBoth);
      page.on('error', closeBoth);
      gateway.on('error', closeBoth);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Each frame waits `ms` in each direction: half the link's round trip. */
    setDelay(ms) {
      delayMs = ms;
    },
    stop: () => new Promise((resolve) => {
      for (const client of sockets.clients) client.terminate();
      server.closeAllConnections?.();
      server.close(resolve);
    }),
  };
}
