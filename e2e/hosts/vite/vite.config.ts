// The Vite host of e2e/package-vite.test.mjs: a React 19 operations dashboard that installs the
// section from its npm tarball with no configuration for it. `vite preview` serves the build
// under a strict CSP (no 'unsafe-inline'; 'wasm-unsafe-eval' for the section's WebAssembly, left
// out with HOST_CSP_WITHOUT_WASM=1 to see the section say what is missing).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const supabase = new URL(process.env.VITE_SUPABASE_URL ?? 'http://invalid');
const realtime = `${supabase.protocol === 'https:' ? 'wss:' : 'ws:'}//${supabase.host}`;
const policy = [
  "default-src 'self'",
  `script-src 'self'${process.env.HOST_CSP_WITHOUT_WASM === '1' ? '' : " 'wasm-unsafe-eval'"}`,
  "style-src 'self'",
  `connect-src 'self' ${supabase.origin} ${realtime}`,
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
].join('; ');

export default defineConfig({
  plugins: [react()],
  preview: { headers: { 'Content-Security-Policy': policy } },
  logLevel: 'warn',
  clearScreen: false,
});
