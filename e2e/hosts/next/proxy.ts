// The CSP of csp.ts, with the section's files from its deployment (another origin).
import type { NextRequest } from 'next/server';
import { withPolicy } from './csp';

export function proxy(request: NextRequest) {
  return withPolicy(request, process.env.WORKER_STATUS_BUNDLE ?? '');
}

// Pages only (not Next's assets or prefetches); a literal, as Next reads it without running it.
export const config = {
  matcher: [
    {
      source: '/((?!_next/static|_next/image|favicon.ico).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
