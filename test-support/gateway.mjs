// Starts the local gateway (dev-server binary, built by `make`) with its own throwaway database
// for a Node test file, and stops it afterwards. Each call gets its own database and port, so test
// files never see each other's rows.
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
 * @param {{ faults?: boolean, args?: string[], env?: Record<string,string> }} [options]
 * @returns {Promise<{url: string, anonKey: string, serviceKey: string, databaseUrl: string, output: () => string, stop: () => Promise<void>, kill: (signal?: string) => Promise<void>}>}
 * @example
 * const gateway = await startGateway({ faults: true });
 * after(() => gateway.stop());
 */
export async function startGateway(options = {}) {
  // --stop-on-stdin-eof: if this Node process dies, the pipe closes and the gateway stops too.
  const args = ['--listen', '127.0.0.1:0', '--stop-on-stdin-eof', '--channel-error-backoff-ms', '300', '--connect-error-backoff-ms', '300'];
  if (options.faults) args.push('--faults');
  args.push(...(options.args ?? []));
  const child = spawn(devServerBinary(), args, {
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'dev_server=warn', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev-server not ready in 60 s:\n${output}`)), 60_000);
    const check = () => {
      const url = output.match(/dev-server ready at (\S+)/)?.[1];
      const anonKey = output.match(/SUPABASE_ANON_KEY=(\S+)/)?.[1];
      const serviceKey = output.match(/SUPABASE_SERVICE_ROLE_KEY=(\S+)/)?.[1];
      const databaseUrl = output.match(/database\s+(\S+)/)?.[1];
      if (url && anonKey && serviceKey) {
        clearTimeout(timer);
        resolve({ url, anonKey, serviceKey, databaseUrl });
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
