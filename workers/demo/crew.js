// The demo crew: five demo-worker processes with the seeded names. A worker that exits on its
// own with code 0 (a graceful stop) is restarted after 20-40 s; `stop()` sends SIGTERM to all,
// so each reports 'stopped' through its heartbeat, and waits for them to exit.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILES } from './profiles.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo-worker.js');

/**
 * @param {{supabaseUrl: string, serviceKey: string, intervalMs?: number, log?: (line: string) => void}} options
 * @returns {{stop(): Promise<void>}}
 */
export function startCrew({ supabaseUrl, serviceKey, intervalMs = 10_000, log = console.log }) {
  const children = new Map();
  let stopping = false;
  const launch = (name) => {
    const child = spawn(process.execPath, [script, name], {
      env: { ...process.env, SUPABASE_URL: supabaseUrl, SUPABASE_SECRET_KEY: serviceKey, HEARTBEAT_INTERVAL_MS: String(intervalMs) },
      // Own process group (a terminal Ctrl-C reaches only the crew, which stops workers in order)
      // and an IPC channel whose disconnect tells a worker that the crew is gone.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      children.delete(name);
      if (stopping) return;
      if (code === 0) {
        // DEMO_RESTART_AFTER_MS: a test's shorter pause.
        const delay = Number(process.env.DEMO_RESTART_AFTER_MS) || 20_000 + Math.random() * 20_000;
        log(`demo: ${name} stopped gracefully; back in ${Math.round(delay / 1000)} s`);
        setTimeout(() => { if (!stopping) launch(name); }, delay).unref();
      } else {
        log(`demo: ${name} exited (${signal ?? code}); restarting`);
        setTimeout(() => { if (!stopping) launch(name); }, 2_000).unref();
      }
    });
  };
  for (const name of Object.keys(PROFILES)) launch(name);
  log(`demo: ${children.size} workers heartbeating every ${intervalMs / 1000} s`);
  return {
    async stop() {
      stopping = true;
      const exits = [...children.values()].map((child) => once(child, 'exit'));
      for (const child of children.values()) child.kill('SIGTERM');
      await Promise.all(exits);
    },
  };
}
