// The npm package itself (issue 31), as `make package` packs it from the release bundle: the
// files it holds and the ones it names, no Supabase URL or key inside, publint and
// @arethetypeswrong/cli clean, and a module that imports cleanly on a server (Node), where the
// React wrapper renders the tag as HTML.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { installTarball, packTarball } from './package-support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHECK = path.join(root, 'target', 'package-check');
const INSTALLED = path.join(CHECK, 'node_modules', '@hp', 'worker-status');
const run = promisify(execFile);
let tarball;

before(async () => {
  tarball = await packTarball();
  await fs.mkdir(CHECK, { recursive: true });
  await fs.writeFile(path.join(CHECK, 'package.json'), '{ "private": true, "type": "module" }\n');
  await installTarball(CHECK, tarball);
});

test('the tarball holds the element, the wrapper, their types and every module the loaders name, and no Supabase project', async () => {
  const files = await fs.readdir(INSTALLED);
  for (const name of ['package.json', 'worker-status.js', 'worker-status.d.ts', 'jsx.d.ts', 'react.js', 'react.d.ts', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    assert.ok(files.includes(name), `${name} in ${files}`);
  }
  const manifest = JSON.parse(await fs.readFile(path.join(INSTALLED, 'package.json'), 'utf8'));
  const migrations = (await fs.readdir(path.join(root, 'supabase', 'migrations'))).sort();
  assert.equal(`${manifest.workerStatus.schema}.sql`, migrations.at(-1), 'the schema it was written for is the newest migration');
  assert.deepEqual(manifest.sideEffects, ['./worker-status.js']);
  // Every file a script names by a literal specifier is in the package.
  for (const name of files.filter((file) => file.endsWith('.js'))) {
    const source = await fs.readFile(path.join(INSTALLED, name), 'utf8');
    const named = [...source.matchAll(/(?:new URL\(|import\(|from ?)["'](\.\/[^"']+)["']/g)].map((found) => found[1].slice(2));
    for (const target of named) assert.ok(files.includes(target), `${name} names ${target}, which is in the package`);
  }
  const loader = await fs.readFile(path.join(INSTALLED, 'worker-status.js'), 'utf8');
  assert.match(loader, /new URL\("\.\/dashboard-[0-9a-f]+_bg\.wasm",import\.meta\.url\)/, 'the main wasm by a literal specifier');
  assert.match(loader, /import\("\.\/dashboard-[0-9a-f]+\.js"\)/, 'the bindings by a literal specifier');
  assert.match(loader, /url:"",key:""/, 'no default Supabase URL or key');
  for (const name of files) {
    const body = (await fs.readFile(path.join(INSTALLED, name))).toString('latin1');
    assert.doesNotMatch(body, /127\.0\.0\.1:54321|sb_(publishable|secret)_[A-Za-z0-9]{20}|eyJhbGciOi/, `${name} holds no Supabase URL or key`);
  }
});

test('publint and @arethetypeswrong/cli report nothing', async () => {
  const publint = await run(process.execPath, [path.join(root, 'node_modules', 'publint', 'src', 'cli.js'), INSTALLED, '--strict']);
  assert.match(publint.stdout, /All good!/, publint.stdout);
  // ESM only (the wasm is found through import.meta.url), as its profile says: a CommonJS
  // require() of it is out of scope (node10, node16 from CJS). Every other resolution is clean.
  const attw = await run(process.execPath, [path.join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js'), tarball, '--profile', 'esm-only', '--format', 'json'], { maxBuffer: 64 << 20 });
  const { analysis, problems } = JSON.parse(attw.stdout);
  assert.deepEqual(Object.keys(analysis.entrypoints).sort(), ['.', './package.json', './react']);
  const counted = Object.values(problems).flat().filter((problem) => !['node10', 'node16-cjs'].includes(problem.resolutionKind));
  assert.deepEqual(counted, [], 'no problem for ESM and bundler resolutions');
});

test('on a server the element module defines nothing and starts nothing, and the React wrapper renders the tag', async () => {
  const script = `
    const element = await import('@hp/worker-status');
    const { WorkerStatus } = await import('@hp/worker-status/react');
    const { createElement } = await import('react');
    const { renderToString } = await import('react-dom/server');
    console.log(JSON.stringify({
      exports: Object.keys(element),
      customElements: typeof customElements,
      html: renderToString(createElement(WorkerStatus, { supabaseUrl: 'https://x.supabase.co', supabaseKey: 'sb_publishable_x', lateAfter: 60, updateTitle: true, onChange: () => {} })),
    }));
  `;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: CHECK });
  const result = JSON.parse(stdout);
  assert.equal(result.customElements, 'undefined');
  assert.deepEqual(result.exports, [], 'the element module exports nothing: importing it is the API');
  assert.equal(result.html, '<worker-status supabase-url="https://x.supabase.co" supabase-key="sb_publishable_x" late-after="60" update-title=""></worker-status>');
  assert.equal(stderr, '');
});
