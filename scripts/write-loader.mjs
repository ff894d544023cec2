// Trunk post_build hook (Trunk.toml): writes the <worker-status> element's files into the build
// before Trunk moves it to dist/: the section's stylesheet under a content-hashed name, the
// loader worker-status.js (loader/worker-status.js with the hashed names of the app's JS, wasm
// and stylesheet and the build's Supabase defaults filled in), its TypeScript types
// worker-status.d.ts, and the standalone page's preload hints and connect-src. The loader keeps its stable name: it is the one URL a host page uses.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { withConnectPolicy } from './page-csp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('write-loader: TRUNK_STAGING_DIR is not set; this script runs as a Trunk hook');
  process.exit(2);
}

const files = await fs.readdir(staging);
/** The one file of the build whose name matches `pattern`. */
function only(pattern, what) {
  const found = files.filter((name) => pattern.test(name));
  if (found.length !== 1) {
    console.error(`write-loader: expected one ${what} in the build, found ${found.length}: ${found.join(', ')}`);
    process.exit(1);
  }
  return found[0];
}

const js = only(/^dashboard-[0-9a-f]+\.js$/, "app's JS bindings");
const wasm = only(/^dashboard-[0-9a-f]+_bg\.wasm$/, "app's wasm");
// The split loader the bindings import (release builds only).
const split = files.filter((name) => /^wasm-split-[0-9a-f]+\.js$/.test(name));
// The Supabase URL and key the app was built with (scripts/build-app.mjs), so that the loader
// starts the first request with the configuration the app will check.
const defaults = JSON.parse(await fs.readFile(path.join(root, 'target/app-build/defaults.json'), 'utf8'));
let css = await fs.readFile(path.join(root, 'style/worker-status.css'), 'utf8');
// Minified in release, as the loader is: the comments are for readers of the source.
if (process.env.TRUNK_PROFILE === 'release') css = (await transform(css, { loader: 'css', minify: true, legalComments: 'none' })).code;
const cssName = `worker-status-${crypto.createHash('sha256').update(css).digest('hex').slice(0, 16)}.css`;
await fs.writeFile(path.join(staging, cssName), css);

const template = await fs.readFile(path.join(root, 'loader/worker-status.js'), 'utf8');
const placeholder = "/* written by scripts/write-loader.mjs */ { js: '', split: '', wasm: '', css: '', url: '', key: '' }";
if (!template.includes(placeholder)) {
  console.error('write-loader: loader/worker-status.js lost its ASSETS placeholder');
  process.exit(1);
}
const assets = { js, split: split[0] ?? '', wasm, css: cssName, url: defaults.url, key: defaults.key };
// Minified in release: it is on the critical path (1.2 KB brotli less); loader/ has the source.
let loader = template.replace(placeholder, JSON.stringify(assets));
if (process.env.TRUNK_PROFILE === 'release') {
  loader = (await transform(loader, { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' })).code;
}
await fs.writeFile(path.join(staging, 'worker-status.js'), loader);
// The element's TypeScript types, beside it under the same stable name.
await fs.copyFile(path.join(root, 'loader/worker-status.d.ts'), path.join(staging, 'worker-status.d.ts'));

// The standalone page: the bindings and the wasm are fetched while the loader is, each hint with
// the mode of the request it stands for (a module import; the loader's fetch(), CORS mode), so
// that the browser uses what it preloaded instead of downloading it twice.
const page = path.join(staging, 'index.html');
const html = await fs.readFile(page, 'utf8');
const hints = [js, ...split].map((name) => `<link rel="modulepreload" href="./${name}">`).join('')
  + `<link rel="preload" href="./${wasm}" as="fetch" type="application/wasm" crossorigin>`;
if (!html.includes('</head>')) {
  console.error('write-loader: index.html has no </head> for the preload hints');
  process.exit(1);
}
// Trunk leaves its skipped Rust link in the page; the hints take its place. The comments are for
// readers of index.html, not for visitors (a release page ships without them).
const skipped = /\s*<link data-trunk rel="rust" data-trunk-skip[^>]*>/;
let written = html.replace(skipped, '').replace('</head>', `${hints}</head>`);
if (process.env.TRUNK_PROFILE === 'release') written = written.replace(/\s*<!--[\s\S]*?-->/g, '');
// The page may connect to the project the bundle is built for, and to nothing else
// (scripts/page-csp.mjs; vercel.json's header is only the ceiling).
if (process.env.TRUNK_PROFILE === 'release') written = withConnectPolicy(written, defaults.url);
await fs.writeFile(page, written);
console.log(`write-loader: worker-status.js -> ${js}, ${wasm}, ${cssName}`);
