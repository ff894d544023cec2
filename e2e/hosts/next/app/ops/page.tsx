// The dashboard page with the section: the loader through next/script, from the bundle's own
// origin, and the element rendered on the server (it is in the HTML before the loader defines it).
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Script from 'next/script';

export const metadata: Metadata = { title: 'Workers · Operations' };

export default async function WorkersPage() {
  // The proxy's per-request nonce (proxy.ts); reading it renders the page per request.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  const bundle = process.env.WORKER_STATUS_BUNDLE ?? '';
  return (
    <>
      <h1>Workers</h1>
      <p className="wsm-title" data-testid="host-text">The host&apos;s own text.</p>
      <Script src={`${bundle}/worker-status.js`} type="module" crossOrigin="anonymous" strategy="afterInteractive" nonce={nonce} />
      <worker-status
        supabase-url={process.env.SUPABASE_URL}
        supabase-key={process.env.SUPABASE_PUBLISHABLE_KEY}
        late-after={60}
        update-title
      />
    </>
  );
}
