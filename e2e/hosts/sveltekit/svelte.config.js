// The SvelteKit host of e2e/package-sveltekit.test.mjs, built for Node (adapter-node), with
// SvelteKit's own CSP (hashes for its inline start-up script) plus what the section needs.
import adapter from '@sveltejs/adapter-node';

const supabase = new URL(process.env.PUBLIC_SUPABASE_URL ?? 'http://invalid');
const realtime = `${supabase.protocol === 'https:' ? 'wss:' : 'ws:'}//${supabase.host}`;

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter(),
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self', 'wasm-unsafe-eval'],
        'style-src': ['self'],
        // SvelteKit's own route announcer (a `style` attribute); the section needs none of this.
        'style-src-attr': ['unsafe-inline'],
        'connect-src': ['self', supabase.origin, realtime],
        'img-src': ['self', 'data:'],
        'object-src': ['none'],
        'base-uri': ['self'],
      },
    },
  },
};
