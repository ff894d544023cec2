-- Adopts an existing public.hp_worker_status (one made by the setup guide's SQL, or by hand) into
-- the shape and security of supabase/migrations/20261128000000_create_worker_status.sql, without
-- losing a row or a column.
--
-- Run it in the Supabase SQL editor (which runs a script as one transaction), with
-- `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 --single-transaction -f supabase/adopt.sql`, or as a
-- migration: all of it applies, or none. Running it again changes nothing; on a database without
-- the table it creates it (without the seed rows).
--
-- What it does, each step only where needed:
--   * adds missing columns with the fresh migration's defaults; fills their NULLs in existing rows
--     with those defaults (a NULL job count means "none reported"), then makes them NOT NULL;
--     widens integer counters to bigint; keeps every column of your own;
--   * adds the primary key on worker_name (unless duplicate names exist: those are reported);
--   * adds the CHECK constraints; rows that break one are reported and kept, and the constraint
--     is added NOT VALID, so it holds for every new write;
--   * adds the indexes, the updated_at and future-heartbeat triggers, and sets display_order of the five known workers;
--   * enables row level security, sets the exact grants of the fresh migration, creates the
--     read-only select policy, and DROPS EVERY POLICY THAT LETS anon OR authenticated WRITE,
--     such as the guide's `"Allow service role full access" ... FOR ALL USING (true)` (no TO
--     clause means every role, including anyone holding the public key);
--   * adds the table to the supabase_realtime publication;
--   * adds the history table hp_worker_events with its trigger, as the migration does;
--   * adds the broadcast trigger and the realtime.messages read policy of the private topic;
--   * adds the status rules in SQL (public.hp_worker_status_at), as the migration does;
--   * adds the silence sweep and, where pg_cron is preloaded, its job (or a notice saying how).
-- The last statement lists what it did (nothing, on a second run). Then run supabase/check.sql.

drop table if exists pg_temp.hp_adoption_report;
create temporary table hp_adoption_report (
  n serial primary key,
  step text not null,
  detail text not null
);

create table if not exists public.hp_worker_status (worker_name text not null);

-- Columns: name, type, default, and whether NULLs become the default.
do $adopt$
declare
  wanted constant jsonb := jsonb_build_array(
    jsonb_build_array('description', 'text', null),
    jsonb_build_array('status', 'text', '''unknown'''),
    jsonb_build_array('last_heartbeat', 'timestamptz', null),
    jsonb_build_array('jobs_processed', 'bigint', '0'),
    jsonb_build_array('error_count', 'bigint', '0'),
    jsonb_build_array('circuit_breaker_open', 'boolean', 'false'),
    jsonb_build_array('metadata', 'jsonb', '''{}''::jsonb'),
    jsonb_build_array('display_order', 'integer', null),
    jsonb_build_array('created_at', 'timestamptz', 'now()'),
    jsonb_build_array('updated_at', 'timestamptz', 'now()')
  );
  col jsonb;
  name text;
  kind text;
  fallback text;
  current_type text;
  filled bigint;
begin
  for col in select * from jsonb_array_elements(wanted) loop
    name := col->>0;
    kind := col->>1;
    fallback := col->>2;
    select format_type(a.atttypid, a.atttypmod) into current_type
      from pg_attribute a
     where a.attrelid = 'public.hp_worker_status'::regclass and a.attname = name and not a.attisdropped;
    if current_type is null then
      -- Existing rows take the default, so a column with one can be NOT NULL at once.
      execute format('alter table public.hp_worker_status add column %I %s%s', name, kind,
                     coalesce(' default ' || fallback || ' not null', ''));
      insert into hp_adoption_report (step, detail) values ('added column', format('%s %s', name, kind));
      continue;
    end if;
    if kind = 'bigint' and current_type in ('integer', 'smallint') then
      execute format('alter table public.hp_worker_status alter column %I type bigint', name);
      insert into hp_adoption_report (step, detail) values ('widened column', format('%s %s -> bigint', name, current_type));
    end if;
    if fallback is not null then
      if not exists (select from pg_attrdef d join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
                      where d.adrelid = 'public.hp_worker_status'::regclass and a.attname = name) then
        execute format('alter table public.hp_worker_status alter column %I set default %s', name, fallback);
        insert into hp_adoption_report (step, detail) values ('set default', format('%s = %s', name, fallback));
      end if;
      execute format('update public.hp_worker_status set %I = %s where %I is null', name, fallback, name);
      get diagnostics filled = row_count;
      if filled > 0 then
        insert into hp_adoption_report (step, detail) values ('filled nulls', format('%s: %s row(s) set to %s', name, filled, fallback));
      end if;
      if exists (select from pg_attribute where attrelid = 'public.hp_worker_status'::regclass
                  and attname = name and not attnotnull) then
        execute format('alter table public.hp_worker_status alter column %I set not null', name);
        insert into hp_adoption_report (step, detail) values ('set not null', name);
      end if;
    end if;
  end loop;
  if exists (select from pg_attribute where attrelid = 'public.hp_worker_status'::regclass
              and attname = 'worker_name' and not attnotnull) then
    if exists (select from public.hp_worker_status where worker_name is null) then
      insert into hp_adoption_report (step, detail)
        values ('NOT ADOPTED', 'worker_name is NULL in some rows: give them names, then run this again');
    else
      alter table public.hp_worker_status alter column worker_name set not null;
      insert into hp_adoption_report (step, detail) values ('set not null', 'worker_name');
    end if;
  end if;
end
$adopt$;

-- The primary key (upserts need it). Any unique constraint or primary key on worker_name counts.
do $adopt$
declare
  duplicates text;
begin
  if exists (select from pg_constraint c
              where c.conrelid = 'public.hp_worker_status'::regclass and c.contype = 'p') then
    return;
  end if;
  select string_agg(format('%L (%s rows)', worker_name, count), ', ') into duplicates
    from (select worker_name, count(*) from public.hp_worker_status group by worker_name having count(*) > 1) d;
  if duplicates is not null then
    insert into hp_adoption_report (step, detail)
      values ('NOT ADOPTED', 'no primary key: worker names appear more than once: ' || duplicates ||
                             '; keep one row of each, then run this again');
    return;
  end if;
  alter table public.hp_worker_status add constraint hp_worker_status_pkey primary key (worker_name);
  insert into hp_adoption_report (step, detail) values ('added primary key', 'worker_name');
end
$adopt$;

-- The CHECK constraints. A constraint that existing rows break is added NOT VALID (it holds for
-- every new write) and those rows are reported, never changed.
do $adopt$
declare
  rule record;
  offenders text;
begin
  for rule in
    select * from (values
      ('worker_name_must_be_1_to_128_visible_chars', 'char_length(worker_name) <= 128 and btrim(worker_name) <> '''''),
      ('description_must_be_at_most_500_chars', 'char_length(description) <= 500'),
      ('status_must_be_running_stopped_crashed_or_unknown', 'status in (''running'', ''stopped'', ''crashed'', ''unknown'')'),
      ('jobs_processed_must_not_be_negative', 'jobs_processed >= 0'),
      ('error_count_must_not_be_negative', 'error_count >= 0'),
      ('metadata_must_be_a_json_object', 'jsonb_typeof(metadata) = ''object'''),
      ('metadata_must_be_at_most_8_kb', 'octet_length(metadata::text) <= 8192')
    ) as rules(name, expression)
  loop
    if exists (select from pg_constraint where conrelid = 'public.hp_worker_status'::regclass and conname = rule.name) then
      continue;
    end if;
    execute format('select string_agg(format(''%%L'', worker_name), '', '' order by worker_name)
                      from public.hp_worker_status where not (%s)', rule.expression)
      into offenders;
    if offenders is null then
      execute format('alter table public.hp_worker_status add constraint %I check (%s)', rule.name, rule.expression);
      insert into hp_adoption_report (step, detail) values ('added constraint', rule.name);
    else
      execute format('alter table public.hp_worker_status add constraint %I check (%s) not valid', rule.name, rule.expression);
      insert into hp_adoption_report (step, detail)
        values ('added constraint, rows kept', format('%s: holds for new writes; these rows break it and were left as they are: %s',
                                                      rule.name, offenders));
    end if;
  end loop;
end
$adopt$;

-- Indexes, the updated_at trigger, the display order of the five known workers.
do $adopt$
begin
  if to_regclass('public.hp_worker_status_status_idx') is null then
    create index hp_worker_status_status_idx on public.hp_worker_status (status);
    insert into hp_adoption_report (step, detail) values ('added index', 'hp_worker_status_status_idx');
  end if;
  if to_regclass('public.hp_worker_status_last_heartbeat_idx') is null then
    create index hp_worker_status_last_heartbeat_idx on public.hp_worker_status (last_heartbeat desc nulls last);
    insert into hp_adoption_report (step, detail) values ('added index', 'hp_worker_status_last_heartbeat_idx');
  end if;
  if to_regprocedure('public.hp_worker_status_touch_updated_at()') is null then
    create function public.hp_worker_status_touch_updated_at()
    returns trigger
    language plpgsql
    set search_path = ''
    as $touch$
    begin
      new.updated_at := now();
      return new;
    end;
    $touch$;
    revoke all on function public.hp_worker_status_touch_updated_at() from public, anon, authenticated;
    insert into hp_adoption_report (step, detail) values ('added function', 'hp_worker_status_touch_updated_at()');
  end if;
  if not exists (select from pg_trigger where tgrelid = 'public.hp_worker_status'::regclass
                  and tgname = 'hp_worker_status_touch_updated_at') then
    create trigger hp_worker_status_touch_updated_at
      before update on public.hp_worker_status
      for each row execute function public.hp_worker_status_touch_updated_at();
    insert into hp_adoption_report (step, detail) values ('added trigger', 'hp_worker_status_touch_updated_at (updated_at follows every change)');
  end if;
  -- As migration 20261202000000_clamp_future_heartbeats.sql: no heartbeat in the future.
  if to_regprocedure('public.hp_worker_status_clamp_heartbeat()') is null then
    create function public.hp_worker_status_clamp_heartbeat()
    returns trigger
    language plpgsql
    set search_path = ''
    as $clamp$
    begin
      if new.last_heartbeat > now() then
        new.last_heartbeat := now();
      end if;
      return new;
    end;
    $clamp$;
    revoke all on function public.hp_worker_status_clamp_heartbeat() from public, anon, authenticated;
    insert into hp_adoption_report (step, detail) values ('added function', 'hp_worker_status_clamp_heartbeat()');
  end if;
  if not exists (select from pg_trigger where tgrelid = 'public.hp_worker_status'::regclass
                  and tgname = 'hp_worker_status_clamp_heartbeat') then
    create trigger hp_worker_status_clamp_heartbeat
      before insert or update of last_heartbeat on public.hp_worker_status
      for each row execute function public.hp_worker_status_clamp_heartbeat();
    insert into hp_adoption_report (step, detail) values ('added trigger', 'hp_worker_status_clamp_heartbeat (no heartbeat in the future)');
  end if;
  if exists (select from public.hp_worker_status where last_heartbeat > now()) then
    update public.hp_worker_status set last_heartbeat = now() where last_heartbeat > now();
    insert into hp_adoption_report (step, detail) values ('clamped rows', 'last_heartbeat in the future set to now()');
  end if;
end
$adopt$;

with known(worker_name, position) as (
  values ('roundtable-worker', 1), ('x-autopost', 2), ('analyze-worker', 3), ('content-worker', 4), ('crawl-worker', 5)
), placed as (
  update public.hp_worker_status w set display_order = known.position
    from known where w.worker_name = known.worker_name and w.display_order is null
  returning w.worker_name
)
insert into hp_adoption_report (step, detail)
select 'set display order', string_agg(worker_name, ', ') from placed having count(*) > 0;

-- Security: exactly the fresh migration's. Policies that let anon or authenticated (or every
-- role, which is what a policy without TO means) write are dropped; reading stays.
do $adopt$
declare
  policy record;
begin
  if not (select relrowsecurity from pg_class where oid = 'public.hp_worker_status'::regclass) then
    alter table public.hp_worker_status enable row level security;
    insert into hp_adoption_report (step, detail) values ('enabled row level security', 'public.hp_worker_status');
  end if;
  for policy in
    select p.policyname, p.cmd, p.roles
      from pg_policies p
     where p.schemaname = 'public' and p.tablename = 'hp_worker_status'
       and p.cmd <> 'SELECT'
       and p.roles && array['public', 'anon', 'authenticated']::name[]
  loop
    execute format('drop policy %I on public.hp_worker_status', policy.policyname);
    insert into hp_adoption_report (step, detail)
      values ('DROPPED WRITE POLICY', format('%I (for %s, to %s): it let the public key write',
                                             policy.policyname, lower(policy.cmd), array_to_string(policy.roles, ', ')));
  end loop;
  if not exists (select from pg_policies where schemaname = 'public' and tablename = 'hp_worker_status'
                  and policyname = 'hp_worker_status is readable by the dashboard') then
    create policy "hp_worker_status is readable by the dashboard"
      on public.hp_worker_status for select to anon, authenticated using (true);
    insert into hp_adoption_report (step, detail) values ('added policy', 'hp_worker_status is readable by the dashboard (select, to anon, authenticated)');
  end if;
end
$adopt$;

-- Grants, reported only when they change: anon and authenticated select and nothing else,
-- service_role writes, PUBLIC nothing.
do $adopt$
declare
  before_grants text;
  after_grants text;
begin
  select string_agg(format('%s:%s', grantee, privilege_type), ',' order by grantee, privilege_type) into before_grants
    from information_schema.role_table_grants
   where table_schema = 'public' and table_name = 'hp_worker_status'
     and grantee in ('PUBLIC', 'anon', 'authenticated', 'service_role');
  revoke all on table public.hp_worker_status from public, anon, authenticated;
  grant select on table public.hp_worker_status to anon, authenticated;
  grant select, insert, update, delete on table public.hp_worker_status to service_role;
  select string_agg(format('%s:%s', grantee, privilege_type), ',' order by grantee, privilege_type) into after_grants
    from information_schema.role_table_grants
   where table_schema = 'public' and table_name = 'hp_worker_status'
     and grantee in ('PUBLIC', 'anon', 'authenticated', 'service_role');
  if before_grants is distinct from after_grants then
    insert into hp_adoption_report (step, detail)
      values ('set grants', format('was %s; now anon and authenticated: select; service_role: select, insert, update, delete',
                                   coalesce(before_grants, 'none')));
  end if;
end
$adopt$;

-- Realtime streams changes only of the tables in this publication.
do $adopt$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
    insert into hp_adoption_report (step, detail) values ('created publication', 'supabase_realtime');
  end if;
  if not exists (select from pg_publication_tables
                  where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'hp_worker_status') then
    alter publication supabase_realtime add table public.hp_worker_status;
    insert into hp_adoption_report (step, detail) values ('added to publication', 'supabase_realtime');
  end if;
end
$adopt$;

-- History (migration 20261203000000_worker_events.sql, whose statements all run again without
-- harm; kept the same here): the hp_worker_events table, its trigger, its read-only security.
do $adopt$
begin
  if to_regclass('public.hp_worker_events') is null then
    insert into hp_adoption_report (step, detail) values ('added history', 'public.hp_worker_events and its trigger');
  end if;
end
$adopt$;

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

-- Broadcast (migration 20261204000000_broadcast_worker_status.sql, whose statements all run again
-- without harm; kept the same here): the trigger that sends every change to the private topic
-- worker-status, and who may receive it.
do $adopt$
begin
  if not exists (select from pg_trigger where tgname = 'hp_worker_status_broadcast'
                  and tgrelid = 'public.hp_worker_status'::regclass) then
    insert into hp_adoption_report (step, detail) values ('added broadcast', 'hp_worker_status_broadcast trigger to the private topic worker-status');
  end if;
end
$adopt$;

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

-- The status rules in SQL (migration 20261205000000_status_at.sql, the same statements): what the
-- section shows for a row at a given time, for the database's own sweep.
-- A worker's own heartbeat interval in milliseconds: `metadata.heartbeat_interval_s` when it is a
-- plain positive number (digits, optionally a fraction; its first three decimals count) of at most
-- a day; NULL otherwise, and the section's thresholds apply.
--
-- Both functions are single SQL expressions without a SET clause, so that PostgreSQL inlines them
-- into the query that calls them (the sweep judges every worker each run: 10,000 calls of a
-- function that cannot be inlined took 2.7 s). They name nothing outside pg_catalog but each
-- other, schema-qualified. The status is STABLE, not IMMUTABLE: extract(epoch from timestamptz)
-- is stable, and a function declared stricter than its body is not inlined.
create or replace function public.hp_worker_interval_ms(metadata jsonb)
returns bigint
language sql
immutable
parallel safe
as $$
  select case
           when jsonb_typeof(metadata -> 'heartbeat_interval_s') = 'number'
                and (metadata ->> 'heartbeat_interval_s') ~ '^[0-9]+(\.[0-9]+)?$'
           then case
                  when trunc((metadata ->> 'heartbeat_interval_s')::numeric * 1000) between 1 and 86400000
                  then trunc((metadata ->> 'heartbeat_interval_s')::numeric * 1000)::bigint
                end
         end
$$;

-- The status the section shows for a worker's row at `at`: 'crashed', 'late', 'stopped',
-- 'unknown' or 'running'. The first matching rule wins:
--   1. the circuit breaker is open, or the worker reported 'crashed': crashed;
--   2. it never sent a heartbeat, or it reported something other than running or stopped: unknown;
--   3. it reported 'stopped', or it has been silent longer than the Stopped time: stopped;
--   4. it has been silent longer than the Late time: late;
--   5. running.
-- Silence is counted in whole milliseconds (a heartbeat stamped in the future counts as fresh).
-- Late after `late_after_s` (default 60), Stopped after `stopped_after_s` (default 300); a worker
-- that reports its interval is Late after two intervals plus 5 s, and Stopped after the section's
-- time, or after twice its Late time when the interval is longer than 2.5 minutes.
create or replace function public.hp_worker_status_at(
  status text,
  last_heartbeat timestamptz,
  circuit_breaker_open boolean,
  metadata jsonb,
  at timestamptz default now(),
  late_after_s integer default 60,
  stopped_after_s integer default 300
)
returns text
language sql
stable
parallel safe
as $$
  select case
           when coalesce(circuit_breaker_open, false) or status = 'crashed' then 'crashed'
           when last_heartbeat is null or status is null or status not in ('running', 'stopped') then 'unknown'
           when status = 'stopped'
                or greatest(floor(extract(epoch from at) * 1000) - floor(extract(epoch from last_heartbeat) * 1000), 0)
                   > case
                       when public.hp_worker_interval_ms(metadata) is null then stopped_after_s::bigint * 1000
                       when public.hp_worker_interval_ms(metadata) > 150000
                         then 2 * (2 * public.hp_worker_interval_ms(metadata) + 5000)
                       else greatest(stopped_after_s::bigint * 1000, 2 * public.hp_worker_interval_ms(metadata) + 5000 + 1)
                     end
             then 'stopped'
           when greatest(floor(extract(epoch from at) * 1000) - floor(extract(epoch from last_heartbeat) * 1000), 0)
                > coalesce(2 * public.hp_worker_interval_ms(metadata) + 5000, late_after_s::bigint * 1000)
             then 'late'
           else 'running'
         end
$$;

comment on function public.hp_worker_status_at(text, timestamptz, boolean, jsonb, timestamptz, integer, integer) is
  'The status the Worker Status section shows for a worker at a given time (running, late, stopped, crashed, unknown): the same rules as the section.';

-- The silence sweep (migration 20261206000000_silence_sweep.sql, the same statements): the
-- database records Late and Stopped by silence with nobody watching, where pg_cron is there.
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
  create extension if not exists pg_cron;
  select extversion into version from pg_extension where extname = 'pg_cron';
  -- pg_cron 1.5 and later take an interval in seconds; 1.4 takes cron syntax, a minute at finest.
  if (regexp_match(version, '^(\d+)\.(\d+)'))::int[] >= array[1, 5] then
    perform cron.schedule('hp-worker-status-sweep', '10 seconds', 'select public.hp_worker_status_sweep()');
  else
    perform cron.schedule('hp-worker-status-sweep', '* * * * *', 'select public.hp_worker_status_sweep()');
  end if;
end
$job$;

select step, detail from hp_adoption_report order by n;
