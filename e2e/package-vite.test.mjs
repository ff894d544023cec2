// The npm package in a Vite host (issue 31): e2e/hosts/vite, a React 19 dashboard that installs
// the packed tarball and uses the package's React wrapper with no configuration for it. Built with
// `vite build` and served by `vite preview` under a strict CSP, and served by `vite dev`: the same
// section, live, kept apart from the host's styles, gone without a trace on navigation. The
// host's TSX type-checks against the package's types, and a wrong prop fails the check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, until } from './support.mjs';
import { HOSTS, checkNavigations, checkSection, emittedBytes, startHostTest, timed } from './package-support.mjs';
import { kib } from '../scripts/bundle-size.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP = path.join(HOSTS, 'vite');
const VITE = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const TSC = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const run = promisify(execFile);

let host;
let env;

/** `vite <command>` on a free port (Vite keeps one server per command and project: stop it after). */
const serve = (command, extra = {}) => host.serve(`vite ${command}`, (port) => [VITE, command, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: APP, env: { ...env, ...extra } });

before(async () => {
  host = await startHostTest(APP);
  env = { ...process.env, VITE_SUPABASE_URL: host.gateway.url, VITE_SUPABASE_PUBLISHABLE_KEY: host.gateway.publishableKey };
  await timed('vite build', [VITE, 'build'], { cwd: APP, env });
});

after(() => host?.stop());

test('vite build copies and hashes every wasm module and script the package names', async () => {
  const assets = await fs.readdir(path.join(APP, 'dist', 'assets'));
  const packaged = (await fs.readdir(path.join(APP, 'node_modules', '@hp', 'worker-status'))).filter((name) => name.endsWith('.wasm'));
  const emitted = assets.filter((name) => name.endsWith('.wasm'));
  assert.equal(emitted.length, packaged.length, `every wasm module emitted: ${emitted} for ${packaged}`);
  const css = await Promise.all(assets.filter((name) => name.endsWith('.css')).map((name) => fs.readFile(path.join(APP, 'dist', 'assets', name), 'utf8')));
  assert.ok(css.every((text) => !/:host/.test(text)), 'none of the section\'s rules in the host\'s CSS');
});

test('vite preview (the build, strict CSP): the section, live, styles apart, quiet; ten navigations leave nothing', async () => {
  const { origin, stop } = await serve('preview');
  const critical = await checkSection(host.browser, origin, 'vite-preview', host.writer);
  console.log(`# vite build, ours before the first row: ${kib(critical.bytes)} brotli (${critical.files.join(', ')}), and the loader in ${critical.mixed.join(', ')}; in all ${kib(await emittedBytes(path.join(APP, 'dist')))}`);
  await checkNavigations(host.browser, origin, 'vite-preview');
  await stop();
});

test('a host CSP without \'wasm-unsafe-eval\': the section says, in its place, what to add', async () => {
  const { origin, stop } = await serve('preview', { HOST_CSP_WITHOUT_WASM: '1' });
  const page = await host.browser.newPage();
  await page.goto(`${origin}/ops`);
  const stopped = page.locator('[data-testid="worker-status"][data-crashed="true"]');
  await until(async () => (await stopped.count()) === 1, { within: 15_000, what: 'the section\'s message' });
  assert.match(await stopped.textContent(), /Content-Security-Policy does not allow WebAssembly: add 'wasm-unsafe-eval' to its script-src/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'package-csp-without-wasm.png') });
  await page.close();
  await stop();
});

test('vite dev: the section, live, styles apart, quiet; ten navigations leave nothing', async () => {
  const { origin, stop } = await serve('dev');
  await checkSection(host.browser, origin, 'vite-dev', host.writer);
  await checkNavigations(host.browser, origin, 'vite-dev');
  await stop();
});

test('the host\'s TSX type-checks against the package\'s types, and a wrong prop fails', async () => {
  await run(process.execPath, [TSC, '-p', APP]);
  const wrong = path.join(APP, 'src', 'wrong-prop.tsx');
  await fs.writeFile(wrong, `import { WorkerStatus } from '@hp/worker-status/react';\nexport const Wrong = () => <WorkerStatus supabaseUrl="https://x.supabase.co" supabaseKey="k" lateAfter="sixty" />;\n`);
  try {
    const failed = await run(process.execPath, [TSC, '-p', APP]).then(() => null, (error) => error);
    assert.ok(failed, 'tsc accepted lateAfter="sixty"');
    assert.match(failed.stdout, /wrong-prop\.tsx[\s\S]*'string' is not assignable to type 'number'/);
  } finally {
    await fs.rm(wrong);
  }
});
