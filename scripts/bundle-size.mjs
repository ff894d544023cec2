// The release bundle's weight as a browser downloads it: every file of dist/ brotli-compressed
// (quality 11, as Vercel serves it), grouped as the loader, the app's wasm and JS, the styles and
// the page, and split by when it is fetched: the critical path (what the first rows wait for:
// loader (with the section's styles inside), bindings, the split loader, the main wasm), the lazily loaded
// wasm modules (fetched once the first rows are on screen, or on first use), and the standalone
// page's own HTML and styles. Files no browser fetches (the element's TypeScript types,
// worker-status.d.ts, for the host's build) are listed apart and weigh nothing here.
// `node scripts/bundle-size.mjs [dist]` prints the table;
// `bundleSize()` is what the budget test and `make bench` use.
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function part(file) {
  if (file === 'worker-status.js') return 'loader';
  if (file.endsWith('.wasm')) return 'wasm';
  if (file.endsWith('.js')) return 'js';
  if (file.endsWith('.css')) return 'css';
  return 'html';
}

/** When a browser fetches `file`: `critical`, `lazy` or `page` (see the top of this file). */
export function phase(file) {
  if (/^(split|chunk)_.*\.wasm$/.test(file)) return 'lazy';
  if (file === 'index.html' || /^page-[0-9a-f]+\.css$/.test(file)) return 'page';
  return 'critical';
}

export const brotli = (body) => zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** Whether a browser fetches `file` at all (not the TypeScript types). */
export const isFetched = (file) => !file.endsWith('.d.ts');

/**
 * `{ parts: { loader, wasm, js, css, html }, phases: { critical, lazy, page }, total, files, unfetched }`,
 * each `{raw, brotli}` in bytes (`files` and `unfetched` by name).
 */
export async function bundleSize(dir = path.join(root, 'dist')) {
  const parts = {};
  const phases = {};
  const files = {};
  const unfetched = {};
  const total = { raw: 0, brotli: 0 };
  const add = (into, key, size) => {
    const entry = (into[key] ??= { raw: 0, brotli: 0 });
    entry.raw += size.raw;
    entry.brotli += size.brotli;
  };
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const file of entries.filter((entry) => entry.isFile()).map((entry) => entry.name).sort()) {
    const body = await fs.readFile(path.join(dir, file));
    const size = { raw: body.length, brotli: brotli(body) };
    if (!isFetched(file)) {
      unfetched[file] = size;
      continue;
    }
    files[file] = size;
    add(parts, part(file), size);
    add(phases, phase(file), size);
    total.raw += size.raw;
    total.brotli += size.brotli;
  }
  return { parts, phases, total, files, unfetched };
}

export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { parts, phases, total, unfetched } = await bundleSize(process.argv[2]);
  const line = (name, size) => console.log(`  ${name.padEnd(9)} raw ${kib(size.raw).padStart(10)}   brotli ${kib(size.brotli).padStart(9)}`);
  for (const [name, size] of Object.entries(parts)) line(name, size);
  line('total', total);
  console.log('  by when it is fetched:');
  for (const name of ['critical', 'lazy', 'page']) if (phases[name]) line(name, phases[name]);
  console.log('  never fetched by a browser:');
  for (const [name, size] of Object.entries(unfetched)) line(name, size);
}
