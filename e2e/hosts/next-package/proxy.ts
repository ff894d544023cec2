// The CSP of the other Next.js host (../next/csp.ts): the section's files come from this origin,
// as the package's.
import type { NextRequest } from 'next/server';
import { withPolicy } from '../next/csp';

export function proxy(request: NextRequest) {
  return withPolicy(request, '');
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
