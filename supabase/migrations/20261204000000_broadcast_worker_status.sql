-- Broadcast from the database (issue 14): every insert, update and delete of hp_worker_status
-- becomes a message on the private Realtime topic `worker-status` (clients join
-- `realtime:worker-status` with `config.private = true`), carrying the operation, the record and
-- the old record. Realtime then fans messages out to its viewers without checking row-level
-- security per change and per viewer, which is what limits Postgres Changes with many viewers.
--
-- Runs unchanged on hosted Supabase, where the `realtime` schema (realtime.messages,
-- realtime.send, realtime.broadcast_changes, realtime.topic) exists; supabase/bootstrap.sql
-- provides the same pieces locally. Every statement can run again without harm: supabase/adopt.sql
-- runs the same statements for installs that adopt an existing table.

-- The trigger. SECURITY DEFINER with an empty search_path, as for the history trigger: any
-- writer of the status table broadcasts, and nothing can be slipped in ahead of the qualified
-- names. realtime.send catches its own errors (a warning), so a broadcast that fails never
-- fails a heartbeat.
create or replace function public.hp_worker_status_broadcast()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.broadcast_changes(
    'worker-status',   -- the topic, private (realtime.send's default)
    tg_op,             -- the event: INSERT, UPDATE or DELETE
    tg_op,             -- the operation
    tg_table_name,
    tg_table_schema,
    new,
    old
  );
  return null;
end;
$$;

-- Not callable through the API (Supabase's default privileges would grant EXECUTE).
revoke all on function public.hp_worker_status_broadcast() from public, anon, authenticated;

drop trigger if exists hp_worker_status_broadcast on public.hp_worker_status;
create trigger hp_worker_status_broadcast
  after insert or update or delete on public.hp_worker_status
  for each row execute function public.hp_worker_status_broadcast();

-- Who may join the private topic: Realtime checks, at join, whether the joining role can read
-- (SELECT) and write (INSERT) a message of the topic under these policies. The dashboard's roles
-- may receive on exactly `worker-status`, and there is no INSERT policy for them on any topic:
-- a public or writable channel would let anyone holding the public key broadcast fake worker
-- states to every viewer. Only the database (the trigger above) sends.
drop policy if exists "worker-status broadcasts are readable by the dashboard" on realtime.messages;
create policy "worker-status broadcasts are readable by the dashboard"
  on realtime.messages
  for select
  to anon, authenticated
  using (realtime.topic() = 'worker-status' and realtime.messages.extension = 'broadcast');
