// Type checks of the package's types (tsc -p, in e2e/package-vite.test.mjs): the wrapper's props
// and the raw tag in TSX. Each @ts-expect-error must meet an error, or tsc fails.
import type {} from '@hp/worker-status/react';
import { WorkerStatus } from '@hp/worker-status/react';

export function Typed() {
  return (
    <>
      <WorkerStatus supabaseUrl="https://x.supabase.co" supabaseKey="sb_publishable_x" theme="dark" view="tv" stoppedAfter={300} updateTitle onChange={({ running, total, problems }) => running + total + problems} />
      {/* @ts-expect-error: supabaseKey is required */}
      <WorkerStatus supabaseUrl="https://x.supabase.co" />
      {/* @ts-expect-error: no such theme */}
      <WorkerStatus supabaseUrl="https://x.supabase.co" supabaseKey="k" theme="blue" />
      {/* @ts-expect-error: no such prop */}
      <WorkerStatus supabaseUrl="https://x.supabase.co" supabaseKey="k" lateAfterSeconds={60} />
      <worker-status supabase-url="https://x.supabase.co" supabase-key="k" late-after={60} realtime="broadcast" onworker-status-change={(event) => event.detail.problems} />
      {/* @ts-expect-error: no such view */}
      <worker-status view="wall" />
    </>
  );
}

export const element: HTMLElementTagNameMap['worker-status'] | null = document.querySelector('worker-status');
