// How the alert drain runs outside Supabase, for the local stack, the tests and the bench: the
// npm package's Deno, offline, its npm imports read from the project's node_modules, with the
// permissions the drain needs (environment, network, reading its modules).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The command and arguments of `deno run … main.ts …drainArgs`, to be run from the repository's root. */
export function drainCommand(drainArgs = []) {
  return {
    command: path.join(root, 'node_modules', '.bin', 'deno'),
    args: ['run', '--node-modules-dir=manual', '--allow-env', '--allow-net', '--allow-read',
      path.join(root, 'supabase', 'functions', 'hp-alert-drain', 'main.ts'), ...drainArgs],
    cwd: root,
  };
}
