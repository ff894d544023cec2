// The Next.js host of e2e/package-next.test.mjs: an operations dashboard (App Router, React 19,
// TypeScript) that installs the section from its npm tarball, with no configuration for it. The
// test builds it twice, with webpack and with Turbopack, each into its own folder.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
export default {
  // Next, React and TypeScript come from the project's own node_modules, three folders up.
  turbopack: { root: path.join(here, '..', '..', '..') },
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  poweredByHeader: false,
};
