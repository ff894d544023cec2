// The <worker-status> loader's text (loader/worker-status.js finished): its app files named by
// literal specifiers, the section's styles, and the Supabase defaults. The deployment's loader
// (scripts/write-loader.mjs) carries the build's defaults; the npm package's (scripts/package.mjs)
// carries none. Both load the same compiled modules.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The app's files among a build's file `names`: `{ js, wasm, split }` (split '' where there is
 * none: a debug build). Throws when a file is missing or there are two.
 */
export function appFiles(names) {
  const matching = (pattern) => names.filter((name) => pattern.test(name));
  const one = (pattern, what) => {
    const found = matching(pattern);
    if (found.length !== 1) throw new Error(`expected one ${what} in the build, found ${found.length}: ${found.join(', ')}`);
    return found[0];
  };
  const split = matching(/^wasm-split-[0-9a-f]+\.js$/);
  if (split.length > 1) throw new Error(`expected at most one split loader in the build, found ${split.join(', ')}`);
  return {
    js: one(/^dashboard-[0-9a-f]+\.js$/, "app's JS bindings"),
    wasm: one(/^dashboard-[0-9a-f]+_bg\.wasm$/, "app's wasm"),
    split: split[0] ?? '',
  };
}

/** `template` with `marker`'s placeholder (the value after it, up to the line's `;`) replaced by `value`. */
function fill(template, marker, value) {
  const pattern = new RegExp(`/\\* ${marker}: written by scripts/loader-source\\.mjs \\*/ [^\\n]*;\\n`);
  if (!pattern.test(template)) throw new Error(`loader-source: loader/worker-status.js lost its ${marker} placeholder`);
  return template.replace(pattern, () => `${value};\n`);
}

/** The section's stylesheet as the loader embeds it: minified in release builds. */
export async function stylesText(release) {
  const css = await fs.readFile(path.join(root, 'style/worker-status.css'), 'utf8');
  return release ? (await transform(css, { loader: 'css', minify: true, legalComments: 'none' })).code.trim() : css;
}

/**
 * The loader for the app files `files` ({ js, wasm, split }: file names beside the loader; split
 * empty in debug builds), with `defaults` ({ url, key, realtime }); minified in release builds.
 */
export async function loaderSource({ files, defaults, release }) {
  const literal = (name) => JSON.stringify(`./${name}`);
  const fileTable = `{ wasm: () => new URL(${literal(files.wasm)}, import.meta.url), bindings: () => import(${literal(files.js)}), `
    + `split: ${files.split ? `() => import(${literal(files.split)})` : 'null'} }`;
  let loader = await fs.readFile(path.join(root, 'loader/worker-status.js'), 'utf8');
  loader = fill(loader, 'files', fileTable);
  loader = fill(loader, 'styles', JSON.stringify(await stylesText(release)));
  loader = fill(loader, 'defaults', JSON.stringify({ url: defaults.url ?? '', key: defaults.key ?? '', realtime: defaults.realtime ?? '' }));
  // Minified in release: it is on the critical path; loader/ has the source.
  if (release) loader = (await transform(loader, { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' })).code;
  return loader;
}
