// Trunk build hook (Trunk.toml): builds the app's WebAssembly and its JavaScript bindings into
// Trunk's staging folder. Trunk 0.21 cannot split a wasm module (trunk-rs/trunk#1022), so the
// Rust pipeline runs here and Trunk keeps the page, the styles, `trunk serve` and its rebuild on
// save.
//
//   release: cargo (linked with relocations) -> wasm-split-cli (one wasm module per `#[lazy]`
//            group, plus the main one) -> wasm-bindgen on the main module -> wasm-opt -Oz on
//            every module -> esbuild minifies the two JavaScript files -> content-hashed names.
//   debug:   cargo -> wasm-bindgen, no split, no optimisation (fast rebuilds for `make dev`).
//
// Outputs, all in the staging folder: dashboard-<hash>.js (bindings), dashboard-<hash>_bg.wasm
// (the main module: what the first rows need), and in release wasm-split-<hash>.js (the chunk
// loader the bindings import) and one <chunk>-<hash>.wasm per lazily loaded part. The build's
// Supabase defaults go to target/app-build/defaults.json for the loader (write-loader.mjs), which
// hands them to the app when it mounts a section: the compiled modules hold none.
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('build-app: TRUNK_STAGING_DIR is not set; this script runs as a Trunk hook');
  process.exit(2);
}
const release = process.env.TRUNK_PROFILE === 'release';
const work = path.join(root, 'target', 'app-build', release ? 'release' : 'debug');
// WORKER_STATUS_PROFILE=1 keeps the functions' names in the release wasm, so that a CPU profile
// (Chromium's, or bench/ scripts') names Rust functions instead of wasm-function[N]. Such a
// build is for measuring only: it is heavier, and its modules lose the worker_status name the
// loader's trap report looks for.
const keepNames = release && process.env.WORKER_STATUS_PROFILE === '1';
const WASM_BINDGEN_VERSION = '0.2.130'; // equals the wasm-bindgen crate pinned in Cargo.toml

// The local stack's URL and publishable key (dashboard_core::local_stack): debug builds without
// a configured project talk to it, as `make dev` expects.
const LOCAL = { url: 'http://127.0.0.1:54321', key: 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH' };

/** The build's defaults, which the loader hands to config.rs: a set but empty variable counts as unset. */
function buildDefaults() {
  const set = (name) => (process.env[name] ?? '').trim() || undefined;
  return {
    url: set('SUPABASE_URL') ?? (release ? '' : LOCAL.url),
    key: set('SUPABASE_PUBLISHABLE_KEY') ?? set('SUPABASE_ANON_KEY') ?? (release ? '' : LOCAL.key),
    realtime: set('SUPABASE_REALTIME') ?? '',
  };
}

/** `n` as an unsigned LEB128, the way wasm writes sizes, counts and indices. */
function leb(n) {
  const bytes = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    bytes.push(byte);
  } while (n);
  return bytes;
}

/** The unsigned LEB128 in `wasm` at `offset`: its value, and where the next field starts. */
function readLeb(wasm, offset) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = wasm[offset++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, offset];
}

/** The name our wasm modules carry, so that a trap's stack says it is ours (the loader reads it). */
const MODULE_NAME = 'worker_status';

/** `wasm` with a name section holding only the module's name (wasm-opt drops every name). */
function named(wasm, name) {
  const text = (s) => { const bytes = [...Buffer.from(s)]; return [...leb(bytes.length), ...bytes]; };
  const moduleName = text(name);
  const payload = [...text('name'), 0, ...leb(moduleName.length), ...moduleName];
  return Buffer.concat([wasm, Buffer.from([0, ...leb(payload.length), ...payload])]);
}

/**
 * `wasm` without the exports whose names `drop` accepts: what only they reached, wasm-opt then
 * removes. (Exports are roots: unused exported code stays otherwise.)
 */
function withoutExports(wasm, drop) {
  let offset = 8;
  const read = () => { const [value, next] = readLeb(wasm, offset); offset = next; return value; };
  const parts = [wasm.subarray(0, 8)];
  let dropped = 0;
  while (offset < wasm.length) {
    const start = offset;
    const id = wasm[offset++];
    const size = read();
    const end = offset + size;
    if (id !== 7) {
      parts.push(wasm.subarray(start, end));
      offset = end;
      continue;
    }
    const kept = [];
    const count = read();
    for (let index = 0; index < count; index += 1) {
      const entryStart = offset;
      const nameLength = read();
      const name = wasm.subarray(offset, offset + nameLength).toString();
      offset += nameLength + 1; // the name, then the kind
      read(); // the index
      if (drop(name)) dropped += 1;
      else kept.push(wasm.subarray(entryStart, offset));
    }
    const payload = Buffer.concat([Buffer.from(leb(kept.length)), ...kept]);
    parts.push(Buffer.from([7, ...leb(payload.length)]), payload);
    offset = end;
  }
  return { wasm: Buffer.concat(parts), dropped };
}

/**
 * `wasm` (the linker's output, with relocations) whose function exports that `stub` accepts
 * call a new function of the same type that traps instead: what only they reached is then
 * reached by nothing, and the split drops it (wasm-bindgen still finds the exports it expects).
 * The new functions go at the end of the function and code sections, so no relocation moves.
 */
function withStubbedExports(wasm, stub) {
  let offset = 8;
  const read = () => { const [value, next] = readLeb(wasm, offset); offset = next; return value; };
  const sections = [];
  while (offset < wasm.length) {
    const header = offset;
    const id = wasm[offset++];
    const size = read();
    sections.push({ id, header, start: offset, end: offset + size });
    offset += size;
  }
  const section = (id) => sections.find((found) => found.id === id);
  // Imported functions come first in the index space.
  let importedFunctions = 0;
  const imports = section(2);
  if (imports) {
    offset = imports.start;
    for (let count = read(), index = 0; index < count; index += 1) {
      const moduleLength = read();
      offset += moduleLength;
      const nameLength = read();
      offset += nameLength;
      const kind = wasm[offset++];
      if (kind === 0) { read(); importedFunctions += 1; } else if (kind === 1) { offset += 1; const flags = read(); read(); if (flags & 1) read(); } else if (kind === 2) { const flags = read(); read(); if (flags & 1) read(); } else if (kind === 3) { offset += 2; } else { offset += 1; read(); }
    }
  }
  const functions = section(3);
  offset = functions.start;
  const types = [];
  for (let count = read(), index = 0; index < count; index += 1) types.push(read());
  const exportsSection = section(7);
  offset = exportsSection.start;
  const exports = [];
  for (let count = read(), index = 0; index < count; index += 1) {
    const length = read();
    const name = wasm.subarray(offset, offset + length).toString();
    offset += length;
    const kind = wasm[offset++];
    exports.push({ name, kind, index: read() });
  }
  const stubOf = new Map(); // type -> the new function's index
  let stubbed = 0;
  for (const entry of exports) {
    if (entry.kind !== 0 || !stub(entry.name)) continue;
    const type = types[entry.index - importedFunctions];
    if (!stubOf.has(type)) stubOf.set(type, importedFunctions + types.length + stubOf.size);
    entry.index = stubOf.get(type);
    stubbed += 1;
  }
  const code = section(10);
  offset = code.start;
  const bodies = read();
  const codeRest = wasm.subarray(offset, code.end);
  const payload = (id) => {
    if (id === 3) return Buffer.from([...leb(types.length + stubOf.size), ...types.flatMap(leb), ...[...stubOf.keys()].flatMap(leb)]);
    if (id === 7) return Buffer.from([...leb(exports.length), ...exports.flatMap(({ name, kind, index }) => [...leb(Buffer.byteLength(name)), ...Buffer.from(name), kind, ...leb(index)])]);
    // Each stub: no locals, `unreachable`, `end`.
    return Buffer.concat([Buffer.from(leb(bodies + stubOf.size)), codeRest, Buffer.from([...stubOf.keys()].flatMap(() => [3, 0, 0x00, 0x0b]))]);
  };
  if (leb(bodies + stubOf.size).length !== leb(bodies).length) throw new Error('build-app: the code section\'s count changed length: its relocations would move');
  const parts = [wasm.subarray(0, 8)];
  for (const { id, header, end } of sections) {
    if (stubbed > 0 && (id === 3 || id === 7 || id === 10)) {
      const body = payload(id);
      parts.push(Buffer.from([id, ...leb(body.length)]), body);
    } else {
      parts.push(wasm.subarray(header, end));
    }
  }
  return { wasm: Buffer.concat(parts), stubbed };
}

function run(command, args, env = {}) {
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
}

const hashOf = (...bodies) => {
  const hash = crypto.createHash('sha256');
  for (const body of bodies) hash.update(body);
  return hash.digest('hex').slice(0, 16);
};

/** Replaces `from` by `to` in `text`, which must contain it. */
function rewrite(text, from, to, what) {
  if (!text.includes(from)) throw new Error(`build-app: ${what} no longer contains ${from}`);
  return text.split(from).join(to);
}

/**
 * `[start, end)` of the linear memory that `wasm`'s active data segments fill: the strings the
 * build compiled in. Whatever the app builds at run time (from rows, say) lives elsewhere, on the
 * stack or the heap.
 */
function staticDataRange(wasm) {
  let offset = 8;
  const read = () => { const [value, next] = readLeb(wasm, offset); offset = next; return value; };
  const readSigned = () => { let value = 0; let shift = 0; let byte; do { byte = wasm[offset++]; value |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80); return shift < 32 && (byte & 0x40) ? value | (-1 << shift) : value; };
  let start = Infinity;
  let end = 0;
  while (offset < wasm.length) {
    const id = wasm[offset++];
    const size = read();
    const sectionEnd = offset + size;
    if (id === 11) {
      const count = read();
      for (let index = 0; index < count; index += 1) {
        const flags = read();
        if (flags === 1) { const length = read(); offset += length; continue; } // passive: not placed by the linker
        if (flags === 2) read(); // the memory's index
        if (wasm[offset++] !== 0x41) throw new Error('build-app: a data segment whose offset is not a constant');
        const at = readSigned() >>> 0;
        if (wasm[offset++] !== 0x0b) throw new Error('build-app: a data segment offset of more than one instruction');
        const length = read();
        offset += length;
        start = Math.min(start, at);
        end = Math.max(end, at + length);
      }
    }
    offset = sectionEnd;
  }
  if (!(end > start)) throw new Error('build-app: no data segment found');
  return [start, end];
}

/**
 * `js` (wasm-bindgen's bindings) without the exported class `name`: its definition, its
 * `Symbol.dispose` line and its finalization registry, which must all be there.
 */
function withoutClass(js, name) {
  const lines = js.split('\n');
  const start = lines.indexOf(`export class ${name} {`);
  const dispose = lines.indexOf(`if (Symbol.dispose) ${name}.prototype[Symbol.dispose] = ${name}.prototype.free;`);
  const registry = lines.indexOf(`const ${name}Finalization = (typeof FinalizationRegistry === 'undefined')`);
  if (start < 0 || dispose < start || registry < 0) throw new Error(`build-app: the bindings no longer define ${name} as expected`);
  const kept = lines.filter((_, index) => !(index >= start && index <= dispose) && !(index >= registry && index < registry + 3));
  const rest = kept.join('\n');
  if (rest.includes(name)) throw new Error(`build-app: the bindings still use ${name}`);
  return rest;
}

async function minify(code) {
  return (await transform(code, { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' })).code;
}

const version = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' });
if (!version.includes(WASM_BINDGEN_VERSION)) {
  console.error(`build-app: wasm-bindgen ${WASM_BINDGEN_VERSION} is needed, found ${version.trim()} (make deps)`);
  process.exit(1);
}

// Earlier outputs left in the staging folder (a failed build leaves it behind) must not be taken
// for this build's.
for (const name of await fs.readdir(staging)) {
  if (/^(dashboard-|wasm-split-|split_|chunk_)/.test(name)) await fs.rm(path.join(staging, name));
}

const defaults = buildDefaults();
await fs.rm(work, { recursive: true, force: true });
await fs.mkdir(work, { recursive: true });
await fs.writeFile(path.join(root, 'target', 'app-build', 'defaults.json'), JSON.stringify(defaults));

// The wasm holds no Supabase URL or key (nothing reads them at compile time): the loader hands
// the app these defaults at mount (src/config.rs), so the deployment and the npm package ship the
// same compiled modules.
const cargoArgs = ['build', '--locked', '--target', 'wasm32-unknown-unknown', '-p', 'dashboard', '--bin', 'dashboard'];
if (release) {
  // Relocations let wasm-split-cli follow every reference. (The workaround of cargo-leptos#679,
  // --no-merge-data-segments, was measured: wasm-split-cli 0.2.4 moves the parts' data without
  // it, and with it the main module is 3.6 KB and the lazy one 1.8 KB heavier, brotli.)
  //
  // Measured, brotli, all files: 205.6 KiB before these four, then
  //   - the standard library rebuilt for size, with panic locations and `Debug` formatting
  //     compiled out: -16.6 KiB (nothing the section shows is formatted with `{:?}`; see
  //     `error::thrown_text`);
  //   - Leptos's erase_components (view types erased at component boundaries): -2.7 KiB;
  //   - panics abort at once, unformatted: -6.6 KiB. The wasm traps instead; the loader sees
  //     the trap of a module named worker_status and stops every section with the message the
  //     panic hook gives in debug builds (`make dev` keeps the hook and its message).
  // opt-level "s" instead of "z" was tried: +13 KiB. These are unstable options of the pinned
  // compiler (no nightly toolchain can be fetched here), so RUSTC_BOOTSTRAP admits them for
  // this build only; `make deps` adds the rust-src component that -Zbuild-std needs.
  run('cargo', [...cargoArgs, '--release', '--features', 'split',
    '-Zbuild-std=std,panic_abort', '-Zbuild-std-features=optimize_for_size'], {
    RUSTC_BOOTSTRAP: '1',
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: ['-Clink-arg=--emit-relocs', '-Zlocation-detail=none',
      '-Zfmt-debug=none', '--cfg', 'erase_components', '-Zunstable-options', '-Cpanic=immediate-abort'].join(' '),
  });
} else {
  run('cargo', cargoArgs);
}
const built = path.join(root, 'target', 'wasm32-unknown-unknown', release ? 'release' : 'debug', 'dashboard.wasm');

const bindgen = path.join(work, 'bindgen');
let chunks = [];
let splitJs = null;
if (release) {
  const split = path.join(work, 'split');
  const preSplit = path.join(work, 'pre-split.wasm');
  const { wasm: stubbed, stubbed: count } = withStubbedExports(await fs.readFile(built), (name) => /^intounderlying/.test(name));
  if (count === 0) throw new Error('build-app: the wasm-streams exports are gone; drop withStubbedExports');
  await fs.writeFile(preSplit, stubbed);
  run('wasm-split-cli', [preSplit, split]);
  run('wasm-bindgen', ['--target', 'web', '--keep-lld-exports', '--no-demangle', '--no-typescript',
    '--out-dir', bindgen, '--out-name', 'dashboard', path.join(split, 'main.wasm')]);
  // Leptos 0.8 always builds server functions' browser side (server_fn's `browser` feature),
  // whose wasm-streams exports three JavaScript classes (IntoUnderlyingSource, …Sink,
  // …ByteSource) with their code in the main module. Nothing here streams a request body or
  // calls a server function, so their exports go, and wasm-opt drops their code.
  const mainWasm = path.join(bindgen, 'dashboard_bg.wasm');
  const { wasm: lighter, dropped } = withoutExports(await fs.readFile(mainWasm), (name) => /^(__wbg_)?intounderlying/.test(name));
  if (dropped === 0) throw new Error('build-app: the wasm-streams exports are gone; drop withoutExports');
  await fs.writeFile(mainWasm, lighter);
  const chunkNames = (await fs.readdir(split)).filter((name) => name.endsWith('.wasm') && name !== 'main.wasm').sort();
  for (const file of [path.join(bindgen, 'dashboard_bg.wasm'), ...chunkNames.map((name) => path.join(split, name))]) {
    run('wasm-opt', ['-Oz', ...(keepNames ? ['-g'] : []), '--strip-producers', '--strip-target-features', '--enable-reference-types', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', file, '-o', file]);
    if (!keepNames) await fs.writeFile(file, named(await fs.readFile(file), MODULE_NAME));
  }
  splitJs = await fs.readFile(path.join(split, '__wasm_split.js'), 'utf8');
  chunks = await Promise.all(chunkNames.map(async (name) => ({ name, body: await fs.readFile(path.join(split, name)) })));
} else {
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', bindgen, '--out-name', 'dashboard', built]);
}
let js = await fs.readFile(path.join(bindgen, 'dashboard.js'), 'utf8');
// The JavaScript side of the wasm-streams classes whose exports the release build drops (above).
if (release) {
  for (const name of ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource']) js = withoutClass(js, name);
}
// Trusted Types. Leptos writes the static parts of its views through `innerHTML` (a <template>),
// which a page enforcing `require-trusted-types-for 'script'` refuses as a plain string. The
// bindings' one `innerHTML` setter goes through one policy, `worker-status`, made on first use
// where the browser has Trusted Types (harmless where they are not enforced), and it passes only
// text that lies in the wasm's static data: the view templates the build compiled in. A string
// built at run time (from a worker's name, say) is refused, never markup. A host that allows no
// such policy gets plain strings, and a message naming the CSP line if it refuses them.
{
  const [start, end] = staticDataRange(await fs.readFile(built));
  const setter = /( *)(__wbg_set_innerHTML_[0-9a-f]+): function\(arg0, arg1, arg2\) \{\n *arg0\.innerHTML = getStringFromWasm0\(arg1, arg2\);\n *\}/;
  const found = js.match(setter);
  if (!found) throw new Error("build-app: the bindings' innerHTML setter changed; see the Trusted Types note");
  js = js.replace(setter, `${found[1]}${found[2]}: function(arg0, arg1, arg2) {
${found[1]}    setTemplateHtml(arg0, arg1, arg2);
${found[1]}}`);
  js += `
/** The static data of the wasm (build time): where the view templates are. */
const STATIC_DATA = [${start}, ${end}];
/** The policy, once asked for: null where there is none. */
let templatePolicy;
function setTemplateHtml(element, pointer, length) {
    pointer >>>= 0;
    const html = getStringFromWasm0(pointer, length);
    if (templatePolicy === undefined) {
        templatePolicy = null;
        if (typeof trustedTypes !== 'undefined') {
            try {
                templatePolicy = trustedTypes.createPolicy('worker-status', {
                    createHTML: (text, pointer, length) => {
                        if (!(pointer >= STATIC_DATA[0] && pointer + length <= STATIC_DATA[1])) {
                            throw new TypeError('worker-status: not one of its templates');
                        }
                        return text;
                    },
                });
            } catch {
                // The host's CSP lists other policies only: plain strings, below.
            }
        }
    }
    if (templatePolicy !== null) {
        element.innerHTML = templatePolicy.createHTML(html, pointer, length);
        return;
    }
    try {
        element.innerHTML = html;
    } catch (refused) {
        if (typeof trustedTypes === 'undefined') throw refused;
        const stop = new TypeError("This page enforces Trusted Types and allows no policy named worker-status: add 'trusted-types worker-status' to its Content-Security-Policy.");
        stop.workerStatusStop = true; // the loader stops every section with this message
        throw stop;
    }
}
`;
}
const wasm = await fs.readFile(path.join(bindgen, 'dashboard_bg.wasm'));

// One hash for the whole build: the files name each other, so they change together. It covers
// this script too, since what it writes is its inputs rewritten by it.
const self = await fs.readFile(fileURLToPath(import.meta.url));
const hash = hashOf(self, js, wasm, splitJs ?? '', ...chunks.map((chunk) => chunk.body));
const names = { js: `dashboard-${hash}.js`, wasm: `dashboard-${hash}_bg.wasm`, split: `wasm-split-${hash}.js` };
// Literal and relative ('./'), as bundlers want a specifier to follow (`new URL(…, import.meta.url)`).
js = rewrite(js, "'dashboard_bg.wasm'", `'./${names.wasm}'`, 'the bindings');
if (splitJs !== null) { // release builds only
  // The import statement only: the imports object keeps the wasm's module name as its key.
  js = rewrite(js, 'from "./__wasm_split.js"', `from "./${names.split}"`, 'the bindings');
  splitJs = rewrite(splitJs, '"./main.js"', `"./${names.js}"`, 'wasm-split-cli\'s loader');
  // Early compilation: the loader calls __wasm_split_prefetch(part, priority) once the main
  // module is in, and a lazily loaded part's modules (the part's own and the chunks it shares
  // with others) download and compile off the main thread while the first rows are fetched
  // and drawn; it resolves once they are compiled. A part's first load takes the compiled
  // module instead of fetching it then. A failed early fetch is forgotten, and the load
  // fetches afresh.
  splitJs = rewrite(splitJs, 'const src = fetch(new URL(', 'const src = takeCompiled(', 'wasm-split-cli\'s loader');
  splitJs = rewrite(splitJs, ', import.meta.url));\n    src.catch(', ');\n    src.catch(', 'wasm-split-cli\'s loader');
  splitJs = rewrite(splitJs, 'WebAssembly.instantiateStreaming(src, imports)', 'src.then((module) => WebAssembly.instantiate(module, imports))', 'wasm-split-cli\'s loader');
  // Which modules each part loads: its own, and the chunks its loader waits for.
  const parts = {};
  for (const found of splitJs.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = takeCompiled\("\.\/(\w+)\.wasm"\);[\s\S]*?\n, \[([^\]]*)\]\)\);/g)) {
    const chunkModules = found[3].split(',').map((name) => name.trim()).filter(Boolean).map((name) => name.replace(/^__/, ''));
    parts[found[1]] = [...chunkModules, found[2]];
  }
  if (Object.keys(parts).length === 0) throw new Error('build-app: found no part in wasm-split-cli\'s loader');
  const hashedModule = (module) => `./${module}-${hash}.wasm`;
  splitJs += `
const early = new Map();
/** Each module's URL, by a literal specifier that a bundler follows (it copies and hashes the file). */
const URLS = {
${[...new Set(Object.values(parts).flat())].map((module) => `  ${JSON.stringify(hashedModule(module))}: () => new URL(${JSON.stringify(hashedModule(module))}, import.meta.url),`).join('\n')}
};
function compiled(name, init) {
  return WebAssembly.compileStreaming(fetch(URLS[name](), init));
}
/** Modules a load took (their early compile, or a fetch of its own): never fetched again. */
const taken = new Set();
function takeCompiled(name) {
  const started = early.get(name);
  early.delete(name);
  taken.add(name);
  return started ?? compiled(name);
}
const PARTS = ${JSON.stringify(Object.fromEntries(Object.entries(parts).map(([part, modules]) => [part, modules.map(hashedModule)])))};
export function __wasm_split_prefetch(part, priority) {
  return Promise.all((PARTS[part] ?? []).map((name) => {
    if (taken.has(name)) return undefined;
    if (early.has(name)) return early.get(name);
    const started = compiled(name, { priority });
    started.catch(() => { if (early.get(name) === started) early.delete(name); });
    early.set(name, started);
    return started;
  }));
}
`;
  for (const chunk of chunks) {
    chunk.hashed = `${path.basename(chunk.name, '.wasm')}-${hash}.wasm`;
    splitJs = rewrite(splitJs, `"./${chunk.name}"`, `"./${chunk.hashed}"`, 'wasm-split-cli\'s loader');
    await fs.writeFile(path.join(staging, chunk.hashed), chunk.body);
  }
  await fs.writeFile(path.join(staging, names.split), await minify(splitJs));
}
await fs.writeFile(path.join(staging, names.js), release ? await minify(js) : js);
await fs.writeFile(path.join(staging, names.wasm), wasm);
console.log(`build-app: ${names.js}, ${names.wasm}${chunks.length ? `, ${names.split} and ${chunks.length} lazily loaded module(s)` : ''}`);
