// The npm package in a Next.js 16 host (issue 31): e2e/hosts/next-package installs the packed
// tarball and renders the package's React wrapper from a server component page, with no
// configuration for it, under Next's per-request CSP nonce. Built twice, side by side: with
// webpack (`next build --webpack`) and with Turbopack (`next build`), each then run with
// `next start`. Next's build type-checks the pages against the package's types, and
// app/typed.tsx's @ts-expect-error lines fail it if a wrong prop were accepted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOSTS, checkNavigations, checkSection, emittedBytes, startHostTest, timed } from './package-support.mjs';
import { kib } from '../scripts/bundle-size.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP = path.join(HOSTS, 'next-package');
const NEXT = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const BUNDLERS = { webpack: ['--webpack'], turbopack: [] };

let host;
const sites = {};

before(async () => {
  host = await startHostTest(APP);
  const env = (bundler) => ({
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    NEXT_DIST_DIR: `.next-${bundler}`,
    SUPABASE_URL: host.gateway.url,
    SUPABASE_PUBLISHABLE_KEY: host.gateway.publishableKey,
  });
  // Both builds at once: on two cores together they take little more than the slower one.
  await Promise.all(Object.entries(BUNDLERS).map(([bundler, flags]) => timed(`next build (${bundler})`, [NEXT, 'build', ...flags, APP], { cwd: root, env: env(bundler) })));
  for (const bundler of Object.keys(BUNDLERS)) {
    const started = await host.serve(`next start (${bundler})`, (port) => [NEXT, 'start', APP, '-p', String(port), '-H', '127.0.0.1'], { cwd: root, env: env(bundler) });
    sites[bundler] = started.origin;
  }
});

after(() => host?.stop());

for (const bundler of Object.keys(BUNDLERS)) {
  test(`${bundler}: the tag in the server-rendered HTML, the section live, styles apart, quiet; ten navigations leave nothing`, async () => {
    const html = await (await fetch(`${sites[bundler]}/ops`)).text();
    assert.match(html, /<worker-status supabase-url="[^"]+" supabase-key="[^"]+" late-after="60" update-title=""><\/worker-status>/, 'the element is in the server-rendered HTML');
    const emitted = (await fs.readdir(path.join(APP, `.next-${bundler}`, 'static'), { recursive: true })).filter((name) => name.endsWith('.wasm'));
    const packaged = (await fs.readdir(path.join(APP, 'node_modules', '@hp', 'worker-status'))).filter((name) => name.endsWith('.wasm'));
    assert.ok(emitted.length >= packaged.length, `every wasm module emitted: ${emitted} for ${packaged}`);
    const critical = await checkSection(host.browser, sites[bundler], `next-${bundler}`, host.writer);
    console.log(`# next (${bundler}), ours before the first row: ${kib(critical.bytes)} brotli (${critical.files.join(', ')})${critical.mixed.length ? `, and ${critical.mixed.join(', ')}` : ''}; in all ${kib(await emittedBytes(path.join(APP, `.next-${bundler}`, 'static')))}`);
    await checkNavigations(host.browser, sites[bundler], `next-${bundler}`);
  });
}
