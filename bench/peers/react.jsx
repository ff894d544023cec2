// The Worker Status section as a React 19 page with the official supabase-js client: the second
// reference of make bench. Same data and rules as vanilla.js, written the way a React team would.
import { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '@supabase/supabase-js';

const { url, key } = window.PEER_CONFIG;
const supabase = createClient(url, key, { auth: { persistSession: false } });

function statusOf(row, now) {
  if (row.circuit_breaker_open || row.status === 'crashed') return 'crashed';
  if (!row.last_heartbeat) return 'unknown';
  const age = now - Date.parse(row.last_heartbeat);
  if (row.status === 'stopped' || age > 300_000) return 'stopped';
  if (row.status !== 'running') return 'unknown';
  return age > 60_000 ? 'late' : 'running';
}

const ago = (ms) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 5 ? 'just now' : s < 60 ? `${s} seconds ago` : `${Math.floor(s / 60)} minutes ago`;
};

function Worker({ row, now }) {
  const status = statusOf(row, now);
  return (
    <li data-worker={row.worker_name} data-status={status}>
      {row.worker_name} {status} Last seen: {row.last_heartbeat ? ago(now - Date.parse(row.last_heartbeat)) : 'never'}{' '}
      Jobs: {row.jobs_processed} | Errors: {row.error_count}
    </li>
  );
}

function WorkerStatus() {
  const [workers, setWorkers] = useState(() => new Map());
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const load = async () => {
      const next = new Map();
      for (let from = 0; ; from += 1000) {
        const { data, error } = await supabase.from('hp_worker_status').select('*').order('worker_name').range(from, from + 999);
        if (error) throw error;
        for (const row of data) next.set(row.worker_name, row);
        if (data.length < 1000) break;
      }
      setWorkers(next);
    };
    const channel = supabase.channel('peer').on('postgres_changes', { event: '*', schema: 'public', table: 'hp_worker_status' }, (change) => {
      setWorkers((known) => {
        const next = new Map(known);
        if (change.eventType === 'DELETE') next.delete(change.old.worker_name);
        else next.set(change.new.worker_name, change.new);
        return next;
      });
    }).subscribe((state) => { if (state === 'SUBSCRIBED') load(); });
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => { clearInterval(timer); supabase.removeChannel(channel); };
  }, []);
  const rows = useMemo(() => [...workers.values()], [workers]);
  const running = rows.filter((row) => statusOf(row, now) === 'running').length;
  return (
    <section>
      <p data-testid="summary">{running}/{rows.length} Running</p>
      <ul>{rows.map((row) => <Worker key={row.worker_name} row={row} now={now} />)}</ul>
    </section>
  );
}

createRoot(document.getElementById('app')).render(<WorkerStatus />);
