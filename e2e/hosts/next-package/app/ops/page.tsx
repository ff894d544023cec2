// The dashboard page with the section: a server component that renders the package's React
// wrapper (a client component), so the tag is in the server-rendered HTML.
import type { Metadata } from 'next';
import { WorkerStatus } from '@hp/worker-status/react';
import { Problems } from './problems';

export const metadata: Metadata = { title: 'Workers · Operations' };

export default function WorkersPage() {
  return (
    <>
      <h1>Workers</h1>
      <p className="wsm-title" data-testid="host-text">The host&apos;s own text.</p>
      <Problems />
      <WorkerStatus
        supabaseUrl={process.env.SUPABASE_URL ?? ''}
        supabaseKey={process.env.SUPABASE_PUBLISHABLE_KEY ?? ''}
        lateAfter={60}
        updateTitle
      />
    </>
  );
}
