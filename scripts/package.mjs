// `make package`: the npm package of the section, from the release build in dist/ (the same
// compiled modules the deployment serves). Writes target/package/ (the package's files) and
// packs it with `npm pack` into target/package-out/<name>-<version>.tgz; prints the tarball's
// path. The package's loader is the deployment's with no Supabase URL or key (a host sets them
// as attributes or props); its version's schema is the newest migration in supabase/migrations.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appFiles, loaderSource } from './loader-source.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const out = path.join(root, 'target', 'package');
const packed = path.join(root, 'target', 'package-out');

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

const built = await fs.readdir(dist).catch(() => fail('no dist/: run make release-for-tests (or make release) first'));
let files;
try {
  files = appFiles(built);
} catch (error) {
  fail(error.message);
}
const { js, wasm, split } = files;
if (!split) fail('dist/ has no split loader: the package is made from a release build');
// The lazily loaded modules: every one the split loader names.
const splitSource = await fs.readFile(path.join(dist, split), 'utf8');
const chunks = [...new Set([...splitSource.matchAll(/new URL\("\.\/([\w-]+\.wasm)"/g)].map((found) => found[1]))];
if (chunks.length === 0) fail(`${split} names no lazily loaded module`);

await fs.rm(out, { recursive: true, force: true });
await fs.mkdir(out, { recursive: true });
for (const name of [js, wasm, split, ...chunks]) await fs.copyFile(path.join(dist, name), path.join(out, name));
await fs.writeFile(path.join(out, 'worker-status.js'), await loaderSource({ files, defaults: {}, release: true }));
await fs.copyFile(path.join(root, 'loader/worker-status.d.ts'), path.join(out, 'worker-status.d.ts'));
await fs.copyFile(path.join(root, 'loader/jsx.d.ts'), path.join(out, 'jsx.d.ts'));
for (const name of ['react.js', 'react.d.ts', 'README.md']) await fs.copyFile(path.join(root, 'package', name), path.join(out, name));
await fs.copyFile(path.join(root, 'CHANGELOG.md'), path.join(out, 'CHANGELOG.md'));
await fs.copyFile(path.join(root, 'LICENSE'), path.join(out, 'LICENSE'));

const manifest = JSON.parse(await fs.readFile(path.join(root, 'package', 'package.json'), 'utf8'));
const migrations = (await fs.readdir(path.join(root, 'supabase', 'migrations'))).filter((name) => name.endsWith('.sql')).sort();
manifest.workerStatus = { schema: path.basename(migrations.at(-1), '.sql') };
manifest.files = (await fs.readdir(out)).sort();
await fs.writeFile(path.join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

// No Supabase project inside: neither the local stack's nor any other URL or key.
const local = { url: '127.0.0.1:54321', key: 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH' };
for (const name of await fs.readdir(out)) {
  const text = (await fs.readFile(path.join(out, name))).toString('latin1');
  for (const [what, value] of Object.entries(local)) if (text.includes(value)) fail(`${name} holds a Supabase ${what} (${value})`);
  if (/[a-z0-9]{20}\.supabase\.co/.test(text)) fail(`${name} holds a Supabase project URL`);
}

await fs.mkdir(packed, { recursive: true });
const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packed], { cwd: out, encoding: 'utf8' }));
console.log(path.join(packed, filename));
