// Trunk post_build hook (Trunk.toml): writes the <worker-status> element's files into the build
// before Trunk moves it to dist/: the loader worker-status.js (loader/worker-status.js with the
// hashed names of the app's JS and wasm, the section's styles and the build's Supabase defaults
// filled in: scripts/loader-source.mjs), its TypeScript types worker-status.d.ts, and the
// standalone page's preload hints and connect-src. The loader keeps its stable name: it is the
// one URL a host page uses.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appFiles, loaderSource } from './loader-source.mjs';
import { withConnectPolicy } from './page-csp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('write-loader: TRUNK_STAGING_DIR is not set; this script runs as a Trunk hook');
  process.exit(2);
}

// The app's files (the split loader the bindings import in release builds only).
let files;
try {
  files = appFiles(await fs.readdir(staging));
} catch (error) {
  console.error(`write-loader: ${error.message}`);
  process.exit(1);
}
const { js, wasm, split } = files;
// The Supabase URL and key the app was built with (scripts/build-app.mjs): the loader checks
// them before it starts the first request, and hands them to the app.
const defaults = JSON.parse(await fs.readFile(path.join(root, 'target/app-build/defaults.json'), 'utf8'));
const release = process.env.TRUNK_PROFILE === 'release';
await fs.writeFile(path.join(staging, 'worker-status.js'), await loaderSource({ files, defaults, release }));
// The element's TypeScript types, beside it under the same stable name: the element's, then the
// tag's in React's TSX (whose import of the element's types is the file itself here).
const elementTypes = await fs.readFile(path.join(root, 'loader/worker-status.d.ts'), 'utf8');
const jsxTypes = (await fs.readFile(path.join(root, 'loader/jsx.d.ts'), 'utf8')).replace(/^import type \{[^}]*\} from '\.\/worker-status\.js';\n/m, '');
await fs.writeFile(path.join(staging, 'worker-status.d.ts'), `${elementTypes}\n${jsxTypes}`);

// The standalone page: the bindings and the wasm are fetched while the loader is, each hint with
// the mode of the request it stands for (a module import; the loader's fetch(), CORS mode), so
// that the browser uses what it preloaded instead of downloading it twice.
const page = path.join(staging, 'index.html');
const html = await fs.readFile(page, 'utf8');
const hints = [js, ...(split ? [split] : [])].map((name) => `<link rel="modulepreload" href="./${name}">`).join('')
  + `<link rel="preload" href="./${wasm}" as="fetch" type="application/wasm" crossorigin>`;
if (!html.includes('</head>')) {
  console.error('write-loader: index.html has no </head> for the preload hints');
  process.exit(1);
}
// Trunk leaves its skipped Rust link in the page; the hints take its place. The comments are for
// readers of index.html, not for visitors (a release page ships without them).
const skipped = /\s*<link data-trunk rel="rust" data-trunk-skip[^>]*>/;
let written = html.replace(skipped, '').replace('</head>', `${hints}</head>`);
if (release) written = written.replace(/\s*<!--[\s\S]*?-->/g, '');
// The page may connect to the project the bundle is built for, and to nothing else
// (scripts/page-csp.mjs; vercel.json's header is only the ceiling).
if (release) written = withConnectPolicy(written, defaults.url);
await fs.writeFile(page, written);
console.log(`write-loader: worker-status.js -> ${js}, ${wasm}`);
