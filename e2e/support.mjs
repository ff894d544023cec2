// End-to-end support: a throwaway database shared by two gateways (a "reader" gateway that the
// page talks to and that tests kill and restart, and a "writer" gateway standing in for the
// workers' API), the release bundle served with vercel.json's headers, a host page on another
// origin that places <worker-status> as README tells a dashboard to, and headless Chromium.
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startGateway, freePort } from '../scripts/gateway-process.mjs';
import { serveBundle } from './vercel-static.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = process.env.DASHBOARD_DIST ?? path.join(root, 'dist');
export const ARTIFACTS = path.join(root, 'test-results');

/**
 * Starts a throwaway database (the throwaway-db binary) and resolves with its URLs.
 * @param {{ supabaseDir?: string }} [options] a folder with bootstrap.sql and migrations/ to
 *   apply instead of the repository's `supabase/`.
 */
export async function startDatabase({ supabaseDir } = {}) {
  const binary = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug', 'throwaway-db');
  // --stop-on-stdin-eof: if this Node process dies, the pipe closes and the database stops.
  const args = ['--stop-on-stdin-eof', ...(supabaseDir ? ['--supabase-dir', supabaseDir] : [])];
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stderr.on('data', (chunk) => { output += chunk; });
  const urls = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const databaseUrl = output.match(/DATABASE_URL=(\S+)/)?.[1];
      const authenticatorUrl = output.match(/AUTHENTICATOR_URL=(\S+)/)?.[1];
      if (databaseUrl && authenticatorUrl && output.includes('ready')) resolve({ databaseUrl, authenticatorUrl });
    });
    child.on('exit', (code) => reject(new Error(`throwaway-db exited ${code}: ${output}`)));
  });
  child.removeAllListeners('exit');
  const exited = once(child, 'exit');
  return {
    ...urls,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await exited;
      }
    },
  };
}

/** A gateway on `port` over the shared database. */
export function gatewayOver(database, port, extra = {}) {
  return startGateway({
    port,
    faults: true,
    args: ['--database-url', database.databaseUrl, '--authenticator-url', database.authenticatorUrl],
    ...extra,
  });
}

/**
 * The whole local stack of an end-to-end test: a database, the gateway the page reads through
 * (`reader`, also `gateway`; `gatewayArgs` extra; a test may kill it and bring it back on the same
 * port with `restartReader()`), a supabase-js client as the workers write (`writer`, with the
 * gateway's secret key, or the key named `writerKey`), the release bundle, a host page with the
 * element (`attributes` on it) and a browser. With `separateWriter` the workers write through a
 * gateway of their own (`writerGateway`), so that an outage of the page's Supabase is not theirs.
 * `stop()` ends all.
 */
export async function startStack({ gatewayArgs = [], attributes = '', writerKey = 'secretKey', separateWriter = false } = {}) {
  const database = await startDatabase();
  const readerPort = await freePort();
  const readerOptions = gatewayArgs.length
    ? { args: ['--database-url', database.databaseUrl, '--authenticator-url', database.authenticatorUrl, ...gatewayArgs] }
    : {};
  const stack = { database, reader: await gatewayOver(database, readerPort, readerOptions) };
  stack.writerGateway = separateWriter ? await gatewayOver(database, 0) : stack.reader;
  stack.writer = createClient(stack.writerGateway.url, stack.writerGateway[writerKey], { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  stack.bundle = await serveReleaseBundle();
  stack.site = await serveHostPage({ bundle: stack.bundle, gatewayUrl: stack.reader.url, key: stack.reader.publishableKey, attributes });
  stack.browser = await launchBrowser();
  Object.defineProperty(stack, 'gateway', { get: () => stack.reader });
  stack.restartReader = async () => { stack.reader = await gatewayOver(database, readerPort, readerOptions); };
  stack.stop = async () => {
    await stack.browser?.close();
    await stack.site?.stop();
    await stack.bundle?.stop();
    await stack.reader?.stop();
    if (separateWriter) await stack.writerGateway?.stop();
    await database.stop();
  };
  return stack;
}

/** Writes rows as the workers do (an upsert by `worker_name`); fails the test on an error. */
export async function writeRows(writer, rows, options) {
  const { error } = await writer.from('hp_worker_status').upsert(rows, options);
  if (error) throw new Error(`upsert refused: ${error.message}`);
}

/** The status a worker shows (`data-status` of its card or row), inside the section's shadow root. */
export function statusOf(page, name) {
  return page.locator(`[data-worker="${name}"]`).getAttribute('data-status');
}

/** Every worker on screen and the status it shows, by name. */
export function statuses(page) {
  return page.locator('[data-worker]').evaluateAll((cards) => Object.fromEntries(cards.map((card) => [card.dataset.worker, card.dataset.status])));
}

/** The release bundle in dist/, served as Vercel serves it (vercel.json's headers), on its own origin. */
export function serveReleaseBundle(dir = DIST) {
  return serveBundle(dir);
}

/**
 * A host page on another origin than the bundle, as an operations dashboard would be: its own
 * strict CSP (no 'unsafe-inline'), optionally hostile global CSS, and `<worker-status>` elements
 * placed with the one script tag README documents. `/` has the element(s); `/bare` is the same
 * page without them (to compare the host's own styles); `/static/*` serves `files`. With `alone`,
 * the element is all the page holds, edge to edge, as on a wall screen.
 * @param {{ bundle: {origin: string}, gatewayUrl: string, key: string, hostileCss?: boolean,
 *   elements?: number, body?: string, files?: Record<string, string>, script?: string,
 *   attributes?: string, extraCsp?: string[], alone?: boolean }} options
 */
export async function serveHostPage({ bundle, gatewayUrl, key, hostileCss = false, elements = 1, body = '', files = {}, script, attributes = '', extraCsp = [], alone = false }) {
  const ws = gatewayUrl.replace(/^http/, 'ws');
  const csp = [
    "default-src 'none'",
    `script-src 'self' ${bundle.origin} 'wasm-unsafe-eval'`,
    `style-src 'self' ${bundle.origin}`,
    `connect-src ${bundle.origin} ${gatewayUrl} ${ws}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    ...extraCsp,
  ].join('; ');
  const element = `<worker-status supabase-url="${gatewayUrl}" supabase-key="${key}"${attributes ? ` ${attributes}` : ''}></worker-status>`;
  const page = (withElements) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Operations</title>
  <link rel="icon" href="data:,">
  ${hostileCss ? '<link rel="stylesheet" href="/static/host.css">' : ''}
  ${alone ? '<link rel="stylesheet" href="/static/alone.css">' : ''}
  ${withElements ? `<script type="module" src="${bundle.origin}/worker-status.js"></script>` : ''}
  ${script ? `<script type="module" src="/static/${script}"></script>` : ''}
</head>
<body>
  ${alone ? '' : `<h1 class="host-heading">Operations</h1>
  <section class="host-section"><h2 class="host-title">Queues</h2><ul class="host-list"><li class="host-item">mail: 3</li></ul></section>`}
  ${withElements ? Array.from({ length: elements }, () => element).join('\n  ') : ''}
  ${body}
</body>
</html>`;
  const statics = { 'host.css': HOSTILE_CSS, 'alone.css': 'body { margin: 0; }', ...files };
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url, 'http://x').pathname;
    const headers = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff' };
    if (pathname === '/' || pathname === '/bare') {
      response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(page(pathname === '/'));
    } else if (pathname.startsWith('/static/') && statics[pathname.slice(8)] !== undefined) {
      const name = pathname.slice(8);
      const type = name.endsWith('.css') ? 'text/css' : 'text/javascript';
      response.writeHead(200, { ...headers, 'content-type': `${type}; charset=utf-8` }).end(statics[name]);
    } else {
      response.writeHead(404, headers).end();
    }
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/`,
    csp,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** Global CSS of the kind a host dashboard ships, at its worst: !important on everything. */
export const HOSTILE_CSS = `
* { color: #ff00ff !important; font-family: "Comic Sans MS", cursive, fantasy !important; letter-spacing: 3px !important;
    margin: 7px !important; box-sizing: content-box !important; text-shadow: 2px 2px red !important; }
html, body { font: italic 31px/3 serif; text-align: right; word-spacing: 20px; text-transform: uppercase;
    direction: rtl; visibility: visible; cursor: crosshair; white-space: pre; }
h2 { font-size: 50px !important; background: yellow !important; text-decoration: underline !important; }
ul, li { list-style: square inside !important; padding: 40px !important; display: block !important; }
section { border: 5px dotted green !important; display: block !important; padding: 30px !important; }
worker-status { color: blue !important; font-size: 40px !important; line-height: 4 !important; font-weight: 900 !important; }
`;

/** Counts CSP violations, WebSockets and live intervals in the page, from before any script runs. */
export const INSTRUMENT = () => {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
  });
  const NativeWebSocket = window.WebSocket;
  window.__sockets = [];
  window.__joins = [];
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
    }

    send(data) {
      if (typeof data === 'string' && data.includes('"phx_join"')) window.__joins.push(data);
      return super.send(data);
    }
  };
  const intervals = new Set();
  const setInterval = window.setInterval;
  const clearInterval = window.clearInterval;
  window.setInterval = function (...args) {
    const id = setInterval.apply(this, args);
    intervals.add(id);
    return id;
  };
  window.clearInterval = function (id) {
    intervals.delete(id);
    return clearInterval.call(this, id);
  };
  window.__openSockets = () => window.__sockets.filter((socket) => socket.readyState <= 1).length;
  window.__intervals = () => intervals.size;
  window.__changes = [];
  document.addEventListener('worker-status-change', (event) => {
    window.__changes.push({ target: event.target.localName, composed: event.composed, detail: event.detail });
  });
};

/** Notes, in the page's clock, when the first worker row appears in any shadow root. */
export const WATCH_FIRST_ROW = () => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (...args) {
    const root = attach.apply(this, args);
    new MutationObserver((_, observer) => {
      if (root.querySelector('[data-worker]')) {
        window.__firstRowAt ??= performance.now();
        observer.disconnect();
      }
    }).observe(root, { subtree: true, childList: true });
    return root;
  };
};

/**
 * A page of a host app at `url`, instrumented (INSTRUMENT, WATCH_FIRST_ROW), with every console
 * warning and error and page error kept in `noise`.
 */
export async function openHostPage(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const noise = [];
  page.on('console', (message) => {
    if (['warning', 'error'].includes(message.type())) noise.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => noise.push(`pageerror: ${error.message}`));
  await page.addInitScript(INSTRUMENT);
  await page.addInitScript(WATCH_FIRST_ROW);
  await page.goto(url);
  return { page, noise };
}

/** Polls `check` (errors count as "not yet") until it returns something truthy, which it returns. */
export async function until(check, { within = 5_000, what = 'condition' } = {}) {
  const deadline = Date.now() + within;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${within} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Headless Chromium from Debian (never a downloaded browser). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}
