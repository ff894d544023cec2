// End-to-end support: a throwaway database shared by two gateways (a "reader" gateway that the
// page talks to and that tests kill and restart, and a "writer" gateway standing in for the
// workers' API), a static server that serves the built dashboard inside a host page that sets
// data-supabase-url / data-supabase-anon-key, and headless Chromium.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startGateway, freePort } from '../scripts/gateway-process.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = process.env.DASHBOARD_DIST ?? path.join(root, 'dist');
export const ARTIFACTS = path.join(root, 'test-results');

/** Starts a throwaway database (the throwaway-db binary) and resolves with its URLs. */
export async function startDatabase() {
  const binary = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug', 'throwaway-db');
  // --stop-on-stdin-eof: if this Node process dies, the pipe closes and the database stops.
  const child = spawn(binary, ['--stop-on-stdin-eof'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
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

/** Serves the built dashboard; `/` is the host page pointing it at `gatewayUrl`. */
export async function serveDashboard(gatewayUrl, anonKey) {
  const index = await fs.readFile(path.join(DIST, 'index.html'), 'utf8');
  const host = index.replace(
    '<main id="worker-status"></main>',
    `<h1 class="host-heading">Operations</h1><main id="worker-status" data-supabase-url="${gatewayUrl}" data-supabase-anon-key="${anonKey}"></main>`,
  );
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.html': 'text/html' };
  const server = http.createServer(async (request, response) => {
    const file = new URL(request.url, 'http://x').pathname;
    if (file === '/' || file === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(host);
      return;
    }
    try {
      const body = await fs.readFile(path.join(DIST, path.normalize(file).replace(/^(\.\.[/\\])+/, '')));
      response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** Headless Chromium from Debian (never a downloaded browser). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}
