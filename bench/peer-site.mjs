// The supabase-js reference pages of make bench (bench/peers/), built the way a team would ship
// them (esbuild, minified, production React) and served on loopback with the gateway's URL and
// publishable key, brotli-compressed when the browser accepts it, as the Leptos bundle is served.
// Used by compare.mjs and burst.mjs.
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { freePort } from '../scripts/gateway-process.mjs';
import { acceptsBrotli, brotliOf } from '../e2e/vercel-static.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Bytes after brotli at quality 11, as Vercel serves static files. */
export const brotli = (body) => zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** Builds a peer page and serves it; resolves with its URL, its bytes (brotli) and `stop`. */
export async function servePeer(entry, gateway) {
  const result = await build({
    entryPoints: [path.join(here, 'peers', entry)], bundle: true, format: 'esm', minify: true, write: false,
    jsx: 'automatic', define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'silent',
  });
  const app = result.outputFiles[0].contents;
  const config = `window.PEER_CONFIG = ${JSON.stringify({ url: gateway.url, key: gateway.publishableKey })};`;
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>peer</title><script src="/config.js"></script>'
    + '<script type="module" src="/app.js"></script></head><body><div id="app"></div></body></html>';
  const files = { '/': ['text/html', html], '/config.js': ['text/javascript', config], '/app.js': ['text/javascript', app] };
  const server = http.createServer((request, response) => {
    const file = files[new URL(request.url, 'http://x').pathname];
    if (!file) return response.writeHead(404).end();
    const body = Buffer.from(file[1]);
    if (acceptsBrotli(request)) {
      response.writeHead(200, { 'content-type': file[0], 'content-encoding': 'br', vary: 'Accept-Encoding' }).end(brotliOf(`${entry}${request.url}`, body));
    } else {
      response.writeHead(200, { 'content-type': file[0] }).end(body);
    }
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/`, bytes: brotli(Buffer.from(html)) + brotli(Buffer.from(app)), stop: () => new Promise((resolve) => server.close(resolve)) };
}
