// The release bundle's weight as a browser downloads it: every file of dist/ brotli-compressed
// (quality 11, as Vercel serves it), grouped as the loader, the app's wasm and JS, the styles and
// the page. `node scripts/bundle-size.mjs [dist]` prints the table; `bundleSize()` is what the
// budget test and `make bench` use.
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

/** `{ parts: { loader, wasm, js, css, html }: {raw, brotli}, total: {raw, brotli} }` in bytes. */
export async function bundleSize(dir = path.join(root, 'dist')) {
  const parts = {};
  const total = { raw: 0, brotli: 0 };
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const file of entries.filter((entry) => entry.isFile()).map((entry) => entry.name).sort()) {
    const body = await fs.readFile(path.join(dir, file));
    const brotli = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    const entry = (parts[part(file)] ??= { raw: 0, brotli: 0 });
    entry.raw += body.length;
    entry.brotli += brotli;
    total.raw += body.length;
    total.brotli += brotli;
  }
  return { parts, total };
}

export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { parts, total } = await bundleSize(process.argv[2]);
  for (const [name, size] of Object.entries(parts)) {
    console.log(`  ${name.padEnd(7)} raw ${kib(size.raw).padStart(10)}   brotli ${kib(size.brotli).padStart(9)}`);
  }
  console.log(`  ${'total'.padEnd(7)} raw ${kib(total.raw).padStart(10)}   brotli ${kib(total.brotli).padStart(9)}`);
}
