-- History of the workers (issue 13): one row per status change and circuit-breaker change, and
-- one per silence (a heartbeat arriving more than 5 minutes after the previous one: a worker that
-- died without a graceful shutdown and came back writes no status change, so the gap itself is
-- the record). Written only by a trigger on hp_worker_status; read by the dashboard with the
-- public key, like the status table, and written by nobody else but service_role.
--
-- Every statement here can run again without harm: supabase/adopt.sql runs the same statements
-- for installs that adopt an existing table.

create table if not exists public.hp_worker_events (
  id                   bigint      generated always as identity,
  worker_name          text        not null,
  -- status: the worker's reported status changed (from_status -> to_status);
  -- circuit_breaker: its breaker opened or closed (circuit_breaker_open);
  -- silence: no heartbeat from silence_started_at until occurred_at.
  kind                 text        not null,
  from_status          text,
  to_status            text,
  circuit_breaker_open boolean,
  silence_started_at   timestamptz,
  occurred_at          timestamptz not null default now(),

  constraint hp_worker_events_pkey primary key (id),
  constraint kind_must_be_status_circuit_breaker_or_silence
    check (kind in ('status', 'circuit_breaker', 'silence')),
  constraint a_status_event_names_the_new_status
    check (kind <> 'status' or to_status is not null),
  constraint a_circuit_breaker_event_says_open_or_closed
    check (kind <> 'circuit_breaker' or circuit_breaker_open is not null),
  constraint a_silence_starts_before_it_ends
    check (kind <> 'silence' or silence_started_at < occurred_at)
);

comment on table public.hp_worker_events is
  'Status changes, circuit-breaker changes and silences of the workers, written by a trigger on hp_worker_status; kept 30 days, at most 1,000 rows per worker.';

-- "The last 20 events of a worker" and the per-worker retention walk this one; "everything since
-- a week ago" (the dashboard's load) walks the second.
create index if not exists hp_worker_events_worker_idx
  on public.hp_worker_events (worker_name, occurred_at desc, id desc);
create index if not exists hp_worker_events_occurred_at_idx
  on public.hp_worker_events (occurred_at);

-- The trigger. SECURITY DEFINER: whoever may write a worker's status records its history, even
-- a role with no grant on this table; an empty search_path, so nothing can be slipped in ahead
-- of the qualified names. A heartbeat that changes nothing but counters writes nothing here.
create or replace function public.hp_worker_status_record_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  recorded boolean := false;
begin
  if tg_op = 'UPDATE'
     and new.last_heartbeat - old.last_heartbeat > interval '5 minutes' then
    insert into public.hp_worker_events (worker_name, kind, silence_started_at, occurred_at)
    values (new.worker_name, 'silence', old.last_heartbeat, new.last_heartbeat);
    recorded := true;
  end if;
  if (tg_op = 'INSERT' and new.status <> 'unknown')
     or (tg_op = 'UPDATE' and new.status is distinct from old.status) then
    insert into public.hp_worker_events (worker_name, kind, from_status, to_status)
    values (new.worker_name, 'status', case when tg_op = 'UPDATE' then old.status end, new.status);
    recorded := true;
  end if;
  if (tg_op = 'INSERT' and new.circuit_breaker_open)
     or (tg_op = 'UPDATE' and new.circuit_breaker_open is distinct from old.circuit_breaker_open) then
    insert into public.hp_worker_events (worker_name, kind, circuit_breaker_open)
    values (new.worker_name, 'circuit_breaker', new.circuit_breaker_open);
    recorded := true;
  end if;
  if recorded then
    -- Retention, for this worker only: 30 days, and its newest 1,000 rows.
    delete from public.hp_worker_events e
     where e.worker_name = new.worker_name
       and (e.occurred_at < now() - interval '30 days'
            or e.id in (select k.id from public.hp_worker_events k
                         where k.worker_name = new.worker_name
                         order by k.occurred_at desc, k.id desc
                         offset 1000));
  end if;
  return null;
end;
$$;

-- Not callable through the API (Supabase's default privileges would grant EXECUTE).
revoke all on function public.hp_worker_status_record_events() from public, anon, authenticated;

drop trigger if exists hp_worker_status_record_events on public.hp_worker_status;
create trigger hp_worker_status_record_events
  after insert or update on public.hp_worker_status
  for each row execute function public.hp_worker_status_record_events();

-- Security, as for hp_worker_status: anon and authenticated read and nothing else; service_role
-- may also insert (backfills) and delete (pruning by hand). Nobody updates history.
alter table public.hp_worker_events enable row level security;

revoke all on table public.hp_worker_events from public, anon, authenticated, service_role;
grant select on table public.hp_worker_events to anon, authenticated;
grant select, insert, delete on table public.hp_worker_events to service_role;
revoke all on sequence public.hp_worker_events_id_seq from public, anon, authenticated;

drop policy if exists "hp_worker_events is readable by the dashboard" on public.hp_worker_events;
create policy "hp_worker_events is readable by the dashboard"
  on public.hp_worker_events
  for select
  to anon, authenticated
  using (true);

-- Realtime: the dashboard follows new events live.
alter table public.hp_worker_events replica identity default;
do $publish$
begin
  if not exists (select from pg_publication_tables
                  where pubname = 'supabase_realtime' and schemaname = 'public'
                    and tablename = 'hp_worker_events') then
    alter publication supabase_realtime add table public.hp_worker_events;
  end if;
end
$publish$;
