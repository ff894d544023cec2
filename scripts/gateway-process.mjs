// Runs the local gateway (the dev-server binary that `make` builds) as a child process and waits
// until it is ready. Tests start one per file, each with its own throwaway database and port, so
// test files never see each other's rows; `make stack` starts the long-lived one.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Path of the dev-server binary that `make` builds. */
export function devServerBinary() {
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
  return process.env.DEV_SERVER_BIN ?? path.join(targetDir, 'debug', 'dev-server');
}

/**
 * Starts a gateway on a free loopback port.
 * @param {{ faults?: boolean, port?: number, fastErrors?: boolean, args?: string[], env?: Record<string,string>,
 *   log?: (chunk: string) => void }} [options] `fastErrors` (default true) shortens Realtime's error
 *   delays from Supabase's 5 s / 2 s to 300 ms, for tests.
 * @returns {Promise<{url: string, anonKey: string, serviceKey: string, publishableKey: string, secretKey: string, databaseUrl: string, output: () => string, stop: () => Promise<void>, kill: (signal?: string) => Promise<void>}>}
 * @example
 * const gateway = await startGateway({ faults: true });
 * after(() => gateway.stop());
 */
export async function startGateway(options = {}) {
  // --stop-on-stdin-eof: if this Node process dies, the pipe closes and the gateway stops too.
  const args = ['--listen', `127.0.0.1:${options.port ?? 0}`, '--stop-on-stdin-eof'];
  if (options.fastErrors ?? true) args.push('--channel-error-backoff-ms', '300', '--connect-error-backoff-ms', '300');
  if (options.faults) args.push('--faults');
  args.push(...(options.args ?? []));
  const child = spawn(devServerBinary(), args, {
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'dev_server=warn', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only us, and we stop the gateway
    // last, after whatever still needs it. If we die, the stdin pipe closes and it stops anyway.
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; options.log?.(String(chunk)); });
  child.stderr.on('data', (chunk) => { output += chunk; options.log?.(String(chunk)); });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev-server not ready in 60 s:\n${output}`)), 60_000);
    const check = () => {
      const url = output.match(/dev-server ready at (\S+)/)?.[1];
      const anonKey = output.match(/SUPABASE_ANON_KEY=(\S+)/)?.[1];
      const serviceKey = output.match(/SUPABASE_SERVICE_ROLE_KEY=(\S+)/)?.[1];
      const publishableKey = output.match(/SUPABASE_PUBLISHABLE_KEY=(\S+)/)?.[1];
      const secretKey = output.match(/SUPABASE_SECRET_KEY=(\S+)/)?.[1];
      const databaseUrl = output.match(/database\s+(\S+)/)?.[1];
      if (url && anonKey && serviceKey && publishableKey && secretKey) {
        clearTimeout(timer);
        resolve({ url, anonKey, serviceKey, publishableKey, secretKey, databaseUrl });
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dev-server exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  const exited = once(child, 'exit');
  const kill = async (signal = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  };
  return { ...ready, output: () => output, stop: () => kill('SIGTERM'), kill, process: child };
}

/** A loopback port that is free right now. */
export async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
