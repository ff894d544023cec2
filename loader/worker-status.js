// <worker-status>: the Worker Status section as a custom element. This file is the loader that a
// host page includes with one <script type="module">, or imports from the npm package; the build
// writes it as worker-status.js (a stable name, revalidated on every load) with the app's hashed
// files named by literal specifiers (`new URL('./x.wasm', import.meta.url)`, `import('./x.js')`),
// so the browser finds them beside it on any origin and a bundler copies and hashes them, the
// section's styles as text for one constructed stylesheet, and, in the deployment's loader only,
// the Supabase URL and key the bundle was built with. Each element renders into its own open
// shadow root and stops everything it started (socket, timers, listeners) when it is removed from
// the page. On a server (a framework rendering the tag) importing it defines nothing and starts
// nothing.
//
// Everything the first rows wait for starts at once: the wasm download (compiled while it
// streams), the bindings, and, per element, the first page of hp_worker_status, which the app
// takes instead of asking again (src/prefetch.rs). So does what going live waits for: the
// history table's probe and the Realtime socket, on which the loader joins the channel as soon
// as both are in, so that the first rows are live when they show (src/first_rows_live.rs).
//
//   <script type="module" src="https://<deployment>/worker-status.js"></script>
//   <worker-status supabase-url="https://<ref>.supabase.co" supabase-key="sb_publishable_…"></worker-status>

/** The app's files; a bundler sees each specifier (scripts/loader-source.mjs writes the names). */
const FILES = /* files: written by scripts/loader-source.mjs */ { wasm: () => new URL('./dashboard_bg.wasm', import.meta.url), bindings: () => import('./dashboard.js'), split: null };
/** The section's stylesheet (style/worker-status.css). */
const STYLES = /* styles: written by scripts/loader-source.mjs */ '';
/** What a missing attribute falls back to: the deployment's build values; none in the package. */
const DEFAULTS = /* defaults: written by scripts/loader-source.mjs */ { url: '', key: '', realtime: '' };
/** Attributes read when the section mounts; changing one remounts it (src/config.rs reads them). */
const CONFIG_ATTRIBUTES = ['supabase-url', 'supabase-key', 'late-after', 'stopped-after', 'update-title', 'group-by', 'view', 'realtime'];
/** The first page, as src/api.rs asks for it (dashboard_core::paging::PAGE_SIZE rows). */
const FIRST_PAGE = 'hp_worker_status?select=*&order=worker_name.asc&limit=1000';
/** Longest wait for it, as config.rs's SNAPSHOT_TIMEOUT_MS. */
const SNAPSHOT_TIMEOUT_MS = 10_000;

let app = null;
/** The app's module, initialised once per page however many elements there are. */
function loadApp() {
  app ??= (() => {
    // The wasm download starts now, beside the bindings' import, not after it; so does the
    // split loader's, which the bindings import (one round trip fewer than finding it there).
    const wasm = fetch(FILES.wasm());
    const split = FILES.split?.() ?? null;
    split?.catch(() => {});
    // What keeps the first rows live (a small module) is asked for as soon as the main module's
    // response starts: one round trip before its last byte is in, so that its bytes follow the
    // main module's on the link with no gap, and it compiles while the first rows are fetched
    // and drawn (scripts/build-app.mjs). The section's module is asked for once they are live
    // (src/lib.rs): on a slow link or two cores its 140 KiB would hold going live up.
    const live = () => split?.then((loader) => loader.__wasm_split_prefetch?.('live', 'high')).catch(() => {});
    wasm.then(live, () => {});
    return FILES.bindings().then(async (bindings) => {
      const exports = await bindings.default({ module_or_path: wasm });
      return { bindings, memory: exports.memory };
    }).catch(refusedWasm);
  })();
  return app;
}

/** A page whose Content-Security-Policy refuses WebAssembly gets a message that names the fix. */
function refusedWasm(error) {
  if (/WebAssembly/.test(error?.message) && /Content Security Policy|unsafe-eval/i.test(error.message)) {
    throw new Error("this page's Content-Security-Policy does not allow WebAssembly: add 'wasm-unsafe-eval' to its script-src.");
  }
  throw error;
}

let sheet = null;
/** The section's styles, one constructed stylesheet shared by every element's shadow root. */
function styles() {
  if (sheet === null) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
  }
  return sheet;
}

/** An attribute's value, or undefined when missing or blank (as config.rs reads attributes). */
function attribute(element, name) {
  const value = element.getAttribute(name);
  return value === null || value.trim() === '' ? undefined : value;
}

/** The JWT key's role claim, if it is a JWT (no verification: only to refuse secret keys). */
function jwtRole(key) {
  try {
    const payload = key.split('.')[1];
    if (!payload) return undefined;
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=')))?.role;
  } catch {
    return undefined;
  }
}

/**
 * The project URL and key this element will use, or null when the app will refuse them
 * (config.rs's Config::problem: no http(s) URL, no key, a secret key), so that a wrong or
 * secret key never sends a request.
 */
function connection(element) {
  const url = (attribute(element, 'supabase-url') ?? DEFAULTS.url).trim().replace(/\/+$/, '');
  const key = (attribute(element, 'supabase-key') ?? DEFAULTS.key).trim();
  if (!/^https?:\/\//.test(url) || key === '') return null;
  if (key.startsWith('sb_secret_') || jwtRole(key) === 'service_role') return null;
  return { url, key };
}

/** The history table's one-row probe, as src/api.rs's `probe_events` asks for it. */
const HISTORY_PROBE = 'hp_worker_events?select=id&limit=1';

/**
 * Starts a request for `query` (the path after /rest/v1/) with the headers src/api.rs sends,
 * asking for the total count when `count`; the app takes it if it asks the same.
 */
function prefetch(target, query, count) {
  const url = `${target.url}/rest/v1/${query}`;
  const sentMs = Date.now();
  const headers = {
    apikey: target.key,
    Authorization: `Bearer ${target.key}`,
    'Accept-Profile': 'public',
    'X-Client-Info': 'worker-status-dashboard/0.1.0',
  };
  if (count) headers.Prefer = 'count=exact';
  const response = fetch(url, { headers, signal: AbortSignal.timeout(SNAPSHOT_TIMEOUT_MS) });
  // Read by the app; a failure is the app's to report (it asks again), never an unhandled rejection.
  response.catch(() => {});
  return { url, key: target.key, sentMs, response };
}

/**
 * What the app needs first, started now for `element`: the first page, the history table's
 * probe and the Realtime socket (src/prefetch.rs's LoaderStart); nothing for a configuration
 * the app will refuse.
 */
function startEarly(element) {
  const target = connection(element);
  if (target === null) return undefined;
  const historyProbe = prefetch(target, HISTORY_PROBE, false);
  const broadcast = (attribute(element, 'realtime') ?? DEFAULTS.realtime).trim().toLowerCase() === 'broadcast';
  return { firstPage: prefetch(target, FIRST_PAGE, true), historyProbe, socket: openEarlySocket(target, broadcast ? null : historyProbe) };
}

/**
 * Opens the Realtime socket as src/config.rs's `websocket_url` names it; the app takes it
 * instead of opening one (or closes it). Following the table (not Broadcast: `historyProbe`
 * null), it also joins the channel as soon as the socket is open and the history probe answered,
 * so that the subscription is made while the app loads, and keeps what arrives in `frames`
 * until the app listens: the app takes that join as its own only if it is exactly the one it
 * would send (dashboard_core's `Channel::adopt_join`), else it closes the socket and opens its
 * own.
 */
function openEarlySocket(target, historyProbe) {
  const url = `${target.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${target.key}&vsn=2.0.0`;
  let socket;
  try {
    socket = new WebSocket(url);
  } catch {
    return undefined; // the app opens its own, and reports what stops it
  }
  const early = { url, socket, join: undefined, frames: [], taken: false };
  if (historyProbe !== null) {
    const opened = new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
    const history = historyProbe.response.then((response) => response.ok, () => false);
    Promise.all([opened, history]).then(([, history]) => {
      if (early.taken || socket.readyState !== WebSocket.OPEN) return;
      socket.binaryType = 'arraybuffer';
      socket.onmessage = (event) => early.frames.push(event.data);
      early.join = joinFrame(target.key, history);
      socket.send(early.join);
    });
  }
  return early;
}

/** The channel's join as dashboard_core's `Channel` writes it (realtime-js 2.x's, key for key). */
function joinFrame(key, history) {
  const listen = (event, table) => ({ event, schema: 'public', table });
  const postgresChanges = [listen('*', 'hp_worker_status'), ...(history ? [listen('INSERT', 'hp_worker_events')] : [])];
  const config = { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: postgresChanges, private: false };
  return JSON.stringify(['1', '1', 'realtime:worker-status', 'phx_join', { config, access_token: key }]);
}

/** Closes a socket the app never took, without the browser's warning about one still connecting. */
function closeEarlySocket(early) {
  if (early?.socket === undefined) return;
  if (early.socket.readyState === WebSocket.CONNECTING) early.socket.onopen = () => early.socket.close();
  else early.socket.close();
}

/** Mounted sections' elements, each with how it stops. */
const mounted = new Map();
/** What a section that stopped on an internal error says (src/lib.rs says the same in debug builds). */
const STOPPED = 'The Worker Status section stopped because of an internal error. Reload the page; '
  + 'if it happens again, the browser console has the details.';

// The release build aborts on a panic without unwinding or formatting it (scripts/build-app.mjs):
// the wasm traps, and the RuntimeError reaches whichever of our callbacks was running, uncaught.
// Our modules are named (V8 shows wasm://wasm/worker_status-<hash> in the stack), so a trap of
// another wasm on the host page is not taken for ours. Every section stops (the module's state
// is not to be trusted any more) and says so, instead of freezing silently.
// The bindings stop the same way, with their own words, when the host page refuses what the
// section needs to draw (an error they mark `workerStatusStop`: Trusted Types without our policy).
function stopOnTrap(error) {
  const refusal = error?.workerStatusStop === true;
  if (!refusal && (!(error instanceof WebAssembly.RuntimeError) || !String(error.stack).includes('wasm://wasm/worker_status-'))) return;
  if (mounted.size === 0) return;
  if (refusal) console.error(`worker-status: ${error.message}`);
  else console.error('worker-status: the app stopped on an internal error', error);
  for (const stop of [...mounted.values()]) stop(refusal ? error.message : STOPPED);
}

/** `container` is replaced by one saying why the section is not there (a fresh one: whatever of
 * the stopped app still runs writes only into the old, detached one). */
function showStopped(container, text) {
  const notice = document.createElement('div');
  notice.setAttribute('data-testid', 'worker-status');
  notice.setAttribute('data-crashed', 'true');
  notice.textContent = text;
  container.replaceWith(notice);
}

/** Defined in a browser only: on a server the class would extend nothing. */
const Base = globalThis.HTMLElement ?? class {};

class WorkerStatusElement extends Base {
  static observedAttributes = CONFIG_ATTRIBUTES;

  /** Bytes of WebAssembly memory the sections share (0 before the first mount); for diagnostics. */
  static get wasmMemoryBytes() {
    return app === null ? Promise.resolve(0) : app.then(({ memory }) => memory.buffer.byteLength);
  }

  #section = null;
  // What the loader started for a mount the app has not taken yet (its socket is closed if the
  // element goes first).
  #started = null;
  // Bumped on every mount and unmount, so a mount that finishes loading late knows it is stale.
  #generation = 0;

  connectedCallback() {
    this.#mount();
  }

  disconnectedCallback() {
    this.#unmount();
  }

  attributeChangedCallback(_name, oldValue, newValue) {
    if (oldValue !== newValue && this.isConnected && this.shadowRoot?.firstChild) {
      this.#unmount();
      this.#mount();
    }
  }

  async #mount() {
    const generation = ++this.#generation;
    // The first element starts the app's download; the first page and the socket go beside it.
    // Both before the styles are parsed: on a slow phone that takes a while.
    const loading = loadApp();
    const started = startEarly(this);
    this.#started = started ?? null;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styles()];
    const container = document.createElement('div');
    root.replaceChildren(container);
    try {
      const { bindings } = await loading;
      if (generation !== this.#generation) return; // #unmount closed its socket
      this.#started = null;
      this.#section = bindings.mount(this, container, started, DEFAULTS);
      mounted.set(this, (text) => this.#stopped(text));
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#started = null;
      closeEarlySocket(started?.socket);
      showStopped(container, `The Worker Status section could not load: ${error?.message ?? error}`);
      console.error('worker-status: could not load the app', error);
    }
  }

  #unmount() {
    this.#generation += 1;
    closeEarlySocket(this.#started?.socket);
    this.#started = null;
    mounted.delete(this);
    const section = this.#section;
    this.#section = null;
    section?.unmount();
    this.shadowRoot?.replaceChildren();
  }

  /** The app stopped (an internal error, or the page refused it): what it started is stopped if it can be, and the section says `text`. */
  #stopped(text) {
    mounted.delete(this);
    const section = this.#section;
    this.#section = null;
    try {
      section?.unmount();
    } catch {
      // The module may trap again; the page must not.
    }
    // The section's container, emptied by the unmount (or left as the trap found it).
    showStopped(this.shadowRoot.lastChild, text);
  }
}

if (typeof window !== 'undefined' && globalThis.customElements !== undefined) {
  addEventListener('error', (event) => stopOnTrap(event.error));
  addEventListener('unhandledrejection', (event) => stopOnTrap(event.reason));
  if (!customElements.get('worker-status')) customElements.define('worker-status', WorkerStatusElement);
}
