// The Next.js host of e2e/next-host.test.mjs: an operations dashboard (App Router, React 19,
// TypeScript) that places <worker-status> the way docs/embedding.md says. Built and started by
// the test with the release bundle on another origin.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
export default {
  // Next, React and TypeScript come from the project's own node_modules, two folders up.
  turbopack: { root: path.join(here, '..', '..', '..') },
  poweredByHeader: false,
};
