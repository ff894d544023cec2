// The Worker Status section as a plain-JavaScript page with the official supabase-js client: the
// reference the Leptos section is measured against (make bench). Same data, same rules in brief:
// a REST snapshot, then postgres_changes; status from the row and a 1 s clock.
import { createClient } from '@supabase/supabase-js';

const { url, key } = window.PEER_CONFIG;
const supabase = createClient(url, key, { auth: { persistSession: false } });
const workers = new Map();
const root = document.getElementById('app');

function statusOf(row, now) {
  if (row.circuit_breaker_open || row.status === 'crashed') return 'crashed';
  if (!row.last_heartbeat) return 'unknown';
  const age = now - Date.parse(row.last_heartbeat);
  if (row.status === 'stopped' || age > 300_000) return 'stopped';
  if (row.status !== 'running') return 'unknown';
  return age > 60_000 ? 'late' : 'running';
}

function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 5 ? 'just now' : s < 60 ? `${s} seconds ago` : `${Math.floor(s / 60)} minutes ago`;
}

function render() {
  const now = Date.now();
  const rows = [...workers.values()];
  const running = rows.filter((row) => statusOf(row, now) === 'running').length;
  const items = rows.map((row) => {
    const li = document.createElement('li');
    li.dataset.worker = row.worker_name;
    li.dataset.status = statusOf(row, now);
    li.textContent = `${row.worker_name} ${li.dataset.status} Last seen: ${row.last_heartbeat ? ago(now - Date.parse(row.last_heartbeat)) : 'never'} Jobs: ${row.jobs_processed} | Errors: ${row.error_count}`;
    return li;
  });
  const summary = document.createElement('p');
  summary.dataset.testid = 'summary';
  summary.textContent = `${running}/${rows.length} Running`;
  const list = document.createElement('ul');
  list.append(...items);
  root.replaceChildren(summary, list);
}

async function load() {
  for (let from = 0; ; from += 1000) {
    const { data, error } = await supabase.from('hp_worker_status').select('*').order('worker_name').range(from, from + 999);
    if (error) throw error;
    for (const row of data) workers.set(row.worker_name, row);
    if (data.length < 1000) break;
  }
  render();
}

supabase.channel('peer').on('postgres_changes', { event: '*', schema: 'public', table: 'hp_worker_status' }, (change) => {
  if (change.eventType === 'DELETE') workers.delete(change.old.worker_name);
  else workers.set(change.new.worker_name, change.new);
  render();
}).subscribe((state) => { if (state === 'SUBSCRIBED') load(); });
setInterval(render, 1000);
