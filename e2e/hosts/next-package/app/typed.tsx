// Not a route: what `next build` type-checks against the package's types. Each @ts-expect-error
// must meet an error, or the build fails, so a wrong prop accepted by the types fails it too.
import type {} from '@hp/worker-status/react';
import { WorkerStatus } from '@hp/worker-status/react';

export function Typed() {
  return (
    <>
      {/* @ts-expect-error: lateAfter is a number of seconds */}
      <WorkerStatus supabaseUrl="https://x.supabase.co" supabaseKey="k" lateAfter="sixty" />
      {/* @ts-expect-error: no such attribute value */}
      <worker-status supabase-url="https://x.supabase.co" theme="blue" />
      <worker-status supabase-url="https://x.supabase.co" supabase-key="k" update-title late-after={60} />
    </>
  );
}
