// <worker-status>: the Worker Status section as a custom element. This file is the loader that a
// host page includes with one <script type="module">; the build copies it to the root of the
// bundle as worker-status.js (a stable name, revalidated on every load) and fills in ASSETS with
// the hashed names of the app's files, which it loads relative to its own URL, so a host page on
// another origin works too. Each element renders into its own open shadow root and stops
// everything it started (socket, timers, listeners) when it is removed from the page.
//
//   <script type="module" src="https://<deployment>/worker-status.js"></script>
//   <worker-status supabase-url="https://<ref>.supabase.co" supabase-key="sb_publishable_…"></worker-status>

const ASSETS = /* written by scripts/write-loader.mjs */ { js: '', wasm: '', css: '' };
const BASE = new URL('./', import.meta.url);
/** Attributes read when the section mounts; changing one remounts it. */
const CONFIG_ATTRIBUTES = ['supabase-url', 'supabase-key', 'late-after', 'stopped-after', 'update-title'];

let app = null;
/** The app's module, initialised once per page however many elements there are. */
function loadApp() {
  app ??= import(new URL(ASSETS.js, BASE).href).then(async (bindings) => {
    const exports = await bindings.default({ module_or_path: new URL(ASSETS.wasm, BASE) });
    return { bindings, memory: exports.memory };
  });
  return app;
}

function stylesheetLoaded(link) {
  return new Promise((resolve) => {
    link.addEventListener('load', resolve, { once: true });
    // Without its styles the section is still usable: mount anyway.
    link.addEventListener('error', resolve, { once: true });
  });
}

class WorkerStatusElement extends HTMLElement {
  static observedAttributes = CONFIG_ATTRIBUTES;

  /** Bytes of WebAssembly memory the sections share (0 before the first mount); for diagnostics. */
  static get wasmMemoryBytes() {
    return app === null ? Promise.resolve(0) : app.then(({ memory }) => memory.buffer.byteLength);
  }

  #section = null;
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
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = new URL(ASSETS.css, BASE).href;
    const container = document.createElement('div');
    root.replaceChildren(style, container);
    try {
      const [{ bindings }] = await Promise.all([loadApp(), stylesheetLoaded(style)]);
      if (generation !== this.#generation) return;
      this.#section = bindings.mount(this, container);
    } catch (error) {
      if (generation !== this.#generation) return;
      container.setAttribute('data-testid', 'worker-status');
      container.setAttribute('data-crashed', 'true');
      container.textContent = `The Worker Status section could not load: ${error?.message ?? error}`;
      console.error('worker-status: could not load the app', error);
    }
  }

  #unmount() {
    this.#generation += 1;
    const section = this.#section;
    this.#section = null;
    section?.unmount();
    this.shadowRoot?.replaceChildren();
  }
}

if (!customElements.get('worker-status')) customElements.define('worker-status', WorkerStatusElement);
