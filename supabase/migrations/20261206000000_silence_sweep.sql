-- When nobody is watching (issue 22): the database records a worker's crossing into Late and into
-- Stopped by silence as it happens, instead of learning of it only if the worker reports again.
--
-- A pg_cron job runs public.hp_worker_status_sweep() every minute (pg_cron 1.4, Debian's: the
-- finest schedule is a minute, so an event lands within a minute of its threshold) or every 10
-- seconds where pg_cron is 1.5 or later (hosted Supabase: within 10 s). For each worker the
-- section would now show as Late or Stopped *by silence* (it reports running, its breaker is
-- closed, and its last heartbeat is older than the threshold: public.hp_worker_status_at), it
-- writes one hp_worker_events row of kind 'overdue' naming the new status (to_status 'late' or
-- 'stopped') and the heartbeat the silence started after (silence_started_at), exactly once per
-- crossing: a second run finds the row and writes nothing; a healthy worker writes nothing. A
-- heartbeat after the silence records the recovery as before (the 'silence' row of the history
-- trigger). The events go out over Realtime like every other history row.
--
-- Where pg_cron is not installed, the function is still created and the migration says how to
-- turn the job on. Every statement can run again without harm (supabase/adopt.sql runs them too).

-- The new kind of history row.
alter table public.hp_worker_events drop constraint if exists kind_must_be_status_circuit_breaker_or_silence;
alter table public.hp_worker_events drop constraint if exists kind_is_known;
alter table public.hp_worker_events
  add constraint kind_is_known check (kind in ('status', 'circuit_breaker', 'silence', 'overdue'));
alter table public.hp_worker_events drop constraint if exists an_overdue_event_names_late_or_stopped;
alter table public.hp_worker_events
  add constraint an_overdue_event_names_late_or_stopped
  check (kind <> 'overdue' or (to_status in ('late', 'stopped') and silence_started_at is not null));

-- The sweep's own role: it may read the workers and add history rows, and nothing else. It owns
-- the sweep function, which runs as it (SECURITY DEFINER) whoever calls it.
do $role$
begin
  if not exists (select from pg_roles where rolname = 'hp_worker_sweeper') then
    create role hp_worker_sweeper nologin noinherit;
  end if;
end
$role$;
grant usage on schema public to hp_worker_sweeper;
grant select on table public.hp_worker_status to hp_worker_sweeper;
grant select, insert on table public.hp_worker_events to hp_worker_sweeper;
-- Row level security is on for both tables: the sweeper reads every worker and every event, and
-- adds overdue rows only.
drop policy if exists "hp_worker_status is readable by the sweep" on public.hp_worker_status;
create policy "hp_worker_status is readable by the sweep"
  on public.hp_worker_status for select to hp_worker_sweeper using (true);
drop policy if exists "hp_worker_events is readable by the sweep" on public.hp_worker_events;
create policy "hp_worker_events is readable by the sweep"
  on public.hp_worker_events for select to hp_worker_sweeper using (true);
drop policy if exists "the sweep adds overdue events" on public.hp_worker_events;
create policy "the sweep adds overdue events"
  on public.hp_worker_events for insert to hp_worker_sweeper with check (kind = 'overdue');

-- One run: writes the crossings not yet recorded; returns how many it wrote.
create or replace function public.hp_worker_status_sweep()
returns integer
language sql
security definer
set search_path = ''
as $$
  with judged as (
    select w.worker_name,
           w.last_heartbeat,
           public.hp_worker_status_at(w.status, w.last_heartbeat, w.circuit_breaker_open, w.metadata) as shown
      from public.hp_worker_status w
     where w.status = 'running'
       and not w.circuit_breaker_open
       and w.last_heartbeat is not null
       and w.last_heartbeat < now() - interval '5 seconds' -- no Late time is shorter (2 × 1 ms + 5 s)
  ),
  crossings as (
    -- Stopped is reached through Late: a worker found Stopped at once gets both rows.
    select j.worker_name, j.last_heartbeat, crossed.to_status
      from judged j
      cross join lateral (values ('late'), ('stopped')) as crossed(to_status)
     where j.shown = 'stopped' or (j.shown = 'late' and crossed.to_status = 'late')
  ),
  written as (
    insert into public.hp_worker_events (worker_name, kind, to_status, silence_started_at)
    select c.worker_name, 'overdue', c.to_status, c.last_heartbeat
      from crossings c
     where not exists (select from public.hp_worker_events e
                        where e.worker_name = c.worker_name
                          and e.kind = 'overdue'
                          and e.to_status = c.to_status
                          and e.silence_started_at = c.last_heartbeat)
    returning 1
  )
  select count(*)::integer from written
$$;

-- Whoever runs this (postgres, not a superuser on hosted Supabase) must belong to the role to make
-- it the owner.
do $member$
begin
  execute format('grant hp_worker_sweeper to %I', current_user);
end
$member$;
alter function public.hp_worker_status_sweep() owner to hp_worker_sweeper;
-- Not callable through the API: only the job (and a superuser) runs it.
revoke all on function public.hp_worker_status_sweep() from public, anon, authenticated, service_role;

-- The job, where pg_cron is preloaded; otherwise a notice with what to do.
do $job$
declare
  version text;
begin
  if not exists (select from pg_available_extensions where name = 'pg_cron')
     or current_setting('shared_preload_libraries', true) not like '%pg_cron%' then
    raise notice 'pg_cron is not available here, so nothing sweeps for silent workers. On hosted Supabase: Database > Extensions > enable pg_cron, then run this migration again (or supabase/adopt.sql). Elsewhere: install pg_cron, add it to shared_preload_libraries, set cron.database_name to this database, restart, and run this again.';
    return;
  end if;
  -- In pg_catalog, as Supabase documents it (an extension in public is an advisor warning).
  create extension if not exists pg_cron with schema pg_catalog;
  select extversion into version from pg_extension where extname = 'pg_cron';
  -- pg_cron 1.5 and later take an interval in seconds; 1.4 takes cron syntax, a minute at finest.
  if (regexp_match(version, '^(\d+)\.(\d+)'))::int[] >= array[1, 5] then
    perform cron.schedule('hp-worker-status-sweep', '10 seconds', 'select public.hp_worker_status_sweep()');
  else
    perform cron.schedule('hp-worker-status-sweep', '* * * * *', 'select public.hp_worker_status_sweep()');
  end if;
end
$job$;
