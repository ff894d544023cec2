// Two pages, /ops with the section through the package's React wrapper and /other without it,
// switched on the client (history.pushState) as a router would.
import { useEffect, useState } from 'react';
import { WorkerStatus, type WorkerStatusChangeDetail } from '@hp/worker-status/react';

const SUPABASE_URL = import.meta.env.VITE_SUPABASE_URL ?? '';
const SUPABASE_KEY = import.meta.env.VITE_SUPABASE_PUBLISHABLE_KEY ?? '';

function usePath(): [string, (path: string) => void] {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const back = () => setPath(location.pathname);
    addEventListener('popstate', back);
    return () => removeEventListener('popstate', back);
  }, []);
  return [path, (next) => {
    history.pushState(null, '', next);
    setPath(next);
  }];
}

function Workers() {
  const [counts, setCounts] = useState<WorkerStatusChangeDetail | null>(null);
  useEffect(() => {
    document.title = counts?.problems ? `(${counts.problems}) Workers · Operations` : 'Workers · Operations';
  }, [counts]);
  return (
    <>
      <h1>Workers</h1>
      <p className="wsm-title" data-testid="host-text">The host&apos;s own text.</p>
      <p data-testid="problems">{counts === null ? '' : `${counts.problems} need attention`}</p>
      <WorkerStatus supabaseUrl={SUPABASE_URL} supabaseKey={SUPABASE_KEY} lateAfter={60} onChange={setCounts} />
    </>
  );
}

function Billing() {
  useEffect(() => {
    document.title = 'Billing · Operations';
  }, []);
  return (
    <>
      <h1>Billing</h1>
      <p data-testid="billing">Nothing to see here.</p>
    </>
  );
}

export function App() {
  const [path, go] = usePath();
  const link = (to: string, testId: string, text: string) => (
    <a href={to} data-testid={testId} onClick={(event) => { event.preventDefault(); go(to); }}>{text}</a>
  );
  return (
    <>
      <nav>
        {link('/ops', 'to-ops', 'Workers')}
        {link('/other', 'to-other', 'Billing')}
      </nav>
      <main>{path === '/other' ? <Billing /> : <Workers />}</main>
    </>
  );
}
