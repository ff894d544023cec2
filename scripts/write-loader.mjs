// Trunk post_build hook (Trunk.toml): writes the <worker-status> element's files into the build
// before Trunk moves it to dist/: the section's stylesheet under a content-hashed name, and the
// loader worker-status.js (loader/worker-status.js with the hashed names of the app's JS, wasm
// and stylesheet filled in). The loader keeps its stable name: it is the one URL a host page uses.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
const css = await fs.readFile(path.join(root, 'style/worker-status.css'));
const cssName = `worker-status-${crypto.createHash('sha256').update(css).digest('hex').slice(0, 16)}.css`;
await fs.writeFile(path.join(staging, cssName), css);

const template = await fs.readFile(path.join(root, 'loader/worker-status.js'), 'utf8');
const placeholder = "/* written by scripts/write-loader.mjs */ { js: '', wasm: '', css: '' }";
if (!template.includes(placeholder)) {
  console.error('write-loader: loader/worker-status.js lost its ASSETS placeholder');
  process.exit(1);
}
const loader = template.replace(placeholder, JSON.stringify({ js, wasm, css: cssName }));
await fs.writeFile(path.join(staging, 'worker-status.js'), loader);
console.log(`write-loader: worker-status.js -> ${js}, ${wasm}, ${cssName}`);
