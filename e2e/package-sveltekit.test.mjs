// The npm package in a SvelteKit host (issue 31): e2e/hosts/sveltekit installs the packed tarball
// and imports it in a page component, which SvelteKit also runs on the server: the server renders
// the tag (the import defines nothing there), and the browser defines it and shows the section,
// under SvelteKit's own CSP. Built with `vite build` for Node (adapter-node) and run with `node build`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOSTS, checkNavigations, checkSection, startHostTest, timed } from './package-support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP = path.join(HOSTS, 'sveltekit');
const VITE = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');

let host;
let site;

before(async () => {
  host = await startHostTest(APP);
  const env = { ...process.env, PUBLIC_SUPABASE_URL: host.gateway.url, PUBLIC_SUPABASE_PUBLISHABLE_KEY: host.gateway.publishableKey };
  await timed('sveltekit build', [VITE, 'build'], { cwd: APP, env });
  site = (await host.serve('sveltekit', () => ['build'], { cwd: APP, env })).origin;
});

after(() => host?.stop());

test('SSR renders the tag; the browser shows the section, live, styles apart, quiet; ten navigations leave nothing', async () => {
  const html = await (await fetch(`${site}/ops`)).text();
  assert.match(html, /<worker-status supabase-url="[^"]+" supabase-key="[^"]+" late-after="60"><\/worker-status>/, 'the element is in the server-rendered HTML');
  await checkSection(host.browser, site, 'sveltekit', host.writer);
  await checkNavigations(host.browser, site, 'sveltekit');
});
