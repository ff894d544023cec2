// A static server for the built bundle that answers as Vercel would for this project: files from
// dist/ (`/` is index.html), with the response headers of vercel.json applied through Vercel's own
// route compiler (@vercel/routing-utils: path-to-regexp sources, later rules override earlier
// ones), so the headers the tests see are the ones a deployment sends, not a copy of them. Like
// Vercel's CDN, it sends text and wasm brotli-compressed to a client that accepts it, so that a
// throttled link (make bench) carries the bytes a deployment would send.
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import fsSync from 'node:fs';
import { getTransformedRoutes } from '@vercel/routing-utils';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ts': 'video/mp2t', // what a static host's MIME table says of .ts; vercel.json overrides it
};

/** vercel.json's `headers`, compiled as Vercel compiles them: `[{ pattern, headers }]`. */
export async function vercelHeaderRoutes(file = path.join(root, 'vercel.json')) {
  const config = JSON.parse(await fs.readFile(file, 'utf8'));
  const { routes, error } = getTransformedRoutes({ headers: config.headers ?? [] });
  if (error) throw new Error(`vercel.json: ${error.message}`);
  return routes.map((route) => ({ pattern: new RegExp(route.src), headers: route.headers ?? {} }));
}

/** The headers Vercel would add to a response for `pathname` (names in lower case: one per name). */
export function headersFor(routes, pathname) {
  const headers = {};
  for (const route of routes) {
    if (!route.pattern.test(pathname)) continue;
    for (const [name, value] of Object.entries(route.headers)) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** Whether a response of this type is compressed (Vercel compresses text, scripts and wasm). */
const compressible = (type) => /^(text\/|application\/(wasm|json|javascript|typescript))/.test(type);

/**
 * Brotli (quality 11, as the budget counts and as a static deployment serves it) of `body`,
 * remembered in memory and on disk (`target/brotli-cache/`, by content hash): quality 11 takes
 * about a second for the wasm, which every test's first page load would otherwise wait for.
 */
const compressed = new Map();
const CACHE_DIR = path.join(root, 'target', 'brotli-cache');
export function brotliOf(key, body) {
  const known = compressed.get(key);
  if (known?.body.equals(body)) return known.br;
  const file = path.join(CACHE_DIR, `${crypto.createHash('sha256').update(body).digest('hex')}.br`);
  let br;
  try {
    br = fsSync.readFileSync(file);
  } catch {
    br = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
    fsSync.mkdirSync(CACHE_DIR, { recursive: true });
    const temporary = `${file}.${process.pid}`;
    fsSync.writeFileSync(temporary, br);
    fsSync.renameSync(temporary, file);
  }
  compressed.set(key, { body, br });
  return br;
}

/** Whether the request accepts brotli. */
export const acceptsBrotli = (request) => /\bbr\b/.test(request.headers['accept-encoding'] ?? '');

/**
 * Serves `dir` on a free loopback port with vercel.json's headers.
 * @returns {Promise<{url: string, origin: string, stop: () => Promise<void>}>}
 */
export async function serveBundle(dir) {
  const routes = await vercelHeaderRoutes();
  const server = http.createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const file = pathname === '/' ? '/index.html' : pathname;
    const resolved = path.join(dir, path.normalize(file));
    if (!resolved.startsWith(dir + path.sep)) {
      response.writeHead(404).end();
      return;
    }
    try {
      let body = await fs.readFile(resolved);
      const configured = headersFor(routes, pathname);
      const type = configured['content-type'] ?? TYPES[path.extname(resolved)] ?? 'application/octet-stream';
      const encoding = {};
      if (compressible(type) && acceptsBrotli(request)) {
        body = brotliOf(resolved, body);
        Object.assign(encoding, { 'content-encoding': 'br', vary: 'Accept-Encoding' });
      }
      response.writeHead(200, { 'content-type': type, ...encoding, ...configured });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(404, headersFor(routes, pathname)).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { url: `${origin}/`, origin, stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}
