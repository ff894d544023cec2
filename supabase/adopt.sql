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
--     clause means every role, including anyone holding the public key), and drops any other
--     read policy for the public key's roles (ours reads every row already: one policy per role);
--   * adds the table to the supabase_realtime publication;
--   * adds the history table hp_worker_events with its trigger, as the migration does;
--   * adds the broadcast trigger and the realtime.messages read policy of the private topic;
--   * adds the status rules in SQL (public.hp_worker_status_at), as the migration does;
--   * adds the silence sweep and, where pg_cron is preloaded, its job (or a notice saying how);
--   * adds the alerts: routes, outbox, messages, their trigger, and where pg_cron and pg_net are
--     enabled the job that wakes the drain (migration 20261207000000_alerts.sql).
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
  -- One permissive read policy per role, ours: a second one for the public key's roles (the
  -- guide's "Allow public read access ... using (true)") grants nothing more, costs a check on
  -- every read, and is what Supabase's advisor flags as multiple permissive policies.
  for policy in
    select p.policyname, p.roles, p.qual
      from pg_policies p
     where p.schemaname = 'public' and p.tablename = 'hp_worker_status'
       and p.cmd = 'SELECT' and p.permissive = 'PERMISSIVE'
       and p.roles && array['public', 'anon', 'authenticated']::name[]
       and p.policyname <> 'hp_worker_status is readable by the dashboard'
  loop
    execute format('drop policy %I on public.hp_worker_status', policy.policyname);
    insert into hp_adoption_report (step, detail)
      values ('dropped read policy', format('%I (select, to %s, using %s): ours lets anon and authenticated read every row already',
                                            policy.policyname, array_to_string(policy.roles, ', '), coalesce(policy.qual, 'true')));
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

-- The alerts (migration 20261207000000_alerts.sql, the same statements): Late, Stopped and
-- Crashed delivered to Slack, Discord, email or a webhook, none lost.
create table if not exists public.hp_alert_routes (
  name                   text        not null,
  -- webhook (Standard Webhooks), slack, discord, email (through an HTTP API), ntfy, telegram, or
  -- log (the drain prints the message: the local stack's default).
  channel                text        not null,
  -- The name of the secret holding the destination: the webhook URL (webhook, slack, discord,
  -- ntfy), the API key (email) or the bot token (telegram). Only a name can be stored here.
  secret                 text,
  -- Whom to tell, where the secret alone does not say: email recipients (comma-separated) or a
  -- Telegram chat id. Email's sender address goes in `sender`.
  target                 text,
  sender                 text,
  enabled                boolean     not null default true,
  notify_late            boolean     not null default false,
  notify_stopped         boolean     not null default true,
  notify_crashed         boolean     not null default true,
  notify_circuit_breaker boolean     not null default true,
  notify_recovered       boolean     not null default true,
  -- A worker that changes this many times within flapping_window is flapping: one "flapping"
  -- message, then nothing about it until it has been steady for a whole window, then a summary.
  flapping_changes       integer     not null default 3,
  flapping_window        interval    not null default interval '15 minutes',
  -- While a worker stays down, say so again this often (NULL: once is enough).
  repeat_every           interval,
  -- Written by the drain: the current streak of failures, and whether the destination says it
  -- is gone or refuses us (404, 410, 401, 403, or its secret is not set).
  failing_since          timestamptz,
  broken_since           timestamptz,
  last_error             text,
  last_delivered_at      timestamptz,
  created_at             timestamptz not null default now(),

  constraint hp_alert_routes_pkey primary key (name),
  constraint route_name_is_a_slug check (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  constraint channel_is_known
    check (channel in ('webhook', 'slack', 'discord', 'email', 'ntfy', 'telegram', 'log')),
  constraint secret_is_a_name_not_a_value
    check (secret ~ '^[A-Za-z_][A-Za-z0-9_]{0,127}$'),
  constraint a_route_other_than_log_names_its_secret
    check (channel = 'log' or secret is not null),
  constraint email_and_telegram_name_their_target
    check (channel not in ('email', 'telegram') or target is not null),
  constraint email_names_its_sender
    check (channel <> 'email' or sender is not null),
  constraint flapping_needs_two_changes_or_more check (flapping_changes between 2 and 1000),
  constraint flapping_window_is_positive check (flapping_window > interval '0'),
  constraint repeat_at_most_every_minute check (repeat_every is null or repeat_every >= interval '1 minute')
);

comment on table public.hp_alert_routes is
  'Where Late, Stopped, Crashed and recoveries are sent; secret names the Edge Function secret holding the URL or token. Service role only.';

-- The outbox: one row per (event, route), with the event's fields copied, so that the history's
-- retention cannot take an undelivered alert with it.
create table if not exists public.hp_alert_outbox (
  id                   bigint      generated always as identity,
  event_id             bigint      not null,
  route                text        not null,
  worker_name          text        not null,
  kind                 text        not null,
  from_status          text,
  to_status            text,
  circuit_breaker_open boolean,
  silence_started_at   timestamptz,
  occurred_at          timestamptz not null,
  -- pending: not yet composed; sent: part of message_id; muted: composed into nothing, for the
  -- reason given (a recovery with no alert before it, a flapping worker, ...).
  state                text        not null default 'pending',
  reason               text,
  message_id           bigint,
  created_at           timestamptz not null default now(),

  constraint hp_alert_outbox_pkey primary key (id),
  constraint one_outbox_row_per_event_and_route unique (event_id, route),
  constraint outbox_state_is_known check (state in ('pending', 'sent', 'muted')),
  constraint a_sent_row_names_its_message check (state <> 'sent' or message_id is not null)
);

create index if not exists hp_alert_outbox_pending_idx
  on public.hp_alert_outbox (route, occurred_at, id) where state = 'pending';
create index if not exists hp_alert_outbox_message_idx
  on public.hp_alert_outbox (message_id);

comment on table public.hp_alert_outbox is
  'One row per history event and alert route, written in the same transaction as the event. Service role only.';

-- What is sent: one message per route and drain run. `items` is the channel-neutral content;
-- each channel renders it at send time. webhook_id is the same on every attempt.
create table if not exists public.hp_alert_messages (
  id               bigint      generated always as identity,
  route            text        not null,
  webhook_id       text        not null default ('msg_' || replace(gen_random_uuid()::text, '-', '')),
  items            jsonb       not null,
  -- pending: to be sent (or being sent, while leased); delivered; dead: failed for 24 h.
  state            text        not null default 'pending',
  attempts         integer     not null default 0,
  next_attempt_at  timestamptz not null default now(),
  leased_by        uuid,
  leased_until     timestamptz,
  last_attempt_at  timestamptz,
  first_failure_at timestamptz,
  last_status      integer,
  last_error       text,
  delivered_at     timestamptz,
  dead_at          timestamptz,
  created_at       timestamptz not null default now(),

  constraint hp_alert_messages_pkey primary key (id),
  constraint webhook_id_is_unique unique (webhook_id),
  constraint message_state_is_known check (state in ('pending', 'delivered', 'dead')),
  constraint items_are_a_list check (jsonb_typeof(items) = 'array')
);

create index if not exists hp_alert_messages_pending_idx
  on public.hp_alert_messages (route, id) where state = 'pending';
create index if not exists hp_alert_messages_dead_idx
  on public.hp_alert_messages (route) where state = 'dead';

comment on table public.hp_alert_messages is
  'Alert messages, one per route and drain run; delivered at least once with a stable webhook_id, or dead after 24 h of failures. Service role only.';

-- What each route has told about each worker: which down conditions are open (so a recovery goes
-- only where a down message went), and whether it is flapping.
create table if not exists public.hp_alert_worker_states (
  route          text        not null,
  worker_name    text        not null,
  -- The conditions told and not yet cleared: 'crashed' (reported), 'stopped' (reported),
  -- 'silence' (Late or Stopped by silence), 'breaker' (circuit breaker open).
  open_causes    text[]      not null default '{}',
  -- The worker's down status as the route's events say (late, stopped or crashed; NULL when
  -- up), and the one last told (NULL when the route has told nothing that is still true).
  status         text,
  told_status    text,
  down_since     timestamptz,
  told_at        timestamptz,
  -- Flapping: since when, how many flips since then, and the last flip (steady a whole window
  -- after it ends the flapping with a summary).
  flapping_since timestamptz,
  flips          integer     not null default 0,
  last_change_at timestamptz,

  constraint hp_alert_worker_states_pkey primary key (route, worker_name)
);

create index if not exists hp_alert_worker_states_watch_idx
  on public.hp_alert_worker_states (route) where told_status is not null or flapping_since is not null;

-- The references: a route with undelivered alerts cannot be deleted by accident (disable it, or
-- delete its rows on purpose first); a renamed route keeps its rows.
do $references$
begin
  if not exists (select from pg_constraint where conname = 'outbox_route_exists') then
    alter table public.hp_alert_outbox add constraint outbox_route_exists
      foreign key (route) references public.hp_alert_routes (name) on update cascade;
  end if;
  if not exists (select from pg_constraint where conname = 'outbox_message_exists') then
    alter table public.hp_alert_outbox add constraint outbox_message_exists
      foreign key (message_id) references public.hp_alert_messages (id);
  end if;
  if not exists (select from pg_constraint where conname = 'message_route_exists') then
    alter table public.hp_alert_messages add constraint message_route_exists
      foreign key (route) references public.hp_alert_routes (name) on update cascade;
  end if;
  if not exists (select from pg_constraint where conname = 'worker_state_route_exists') then
    alter table public.hp_alert_worker_states add constraint worker_state_route_exists
      foreign key (route) references public.hp_alert_routes (name) on update cascade on delete cascade;
  end if;
end
$references$;

-- What the section may know: how many alerts are not getting through. Counts only; refreshed by
-- every drain run (public.hp_alert_refresh_health).
create table if not exists public.hp_alert_health (
  id             integer     not null default 1,
  -- Alerts (history events) in dead messages, or waiting on a route that is broken or has
  -- failed for over an hour.
  undeliverable  integer     not null default 0,
  failing_routes integer     not null default 0,
  last_drain_at  timestamptz,
  updated_at     timestamptz not null default now(),

  constraint hp_alert_health_pkey primary key (id),
  constraint one_health_row check (id = 1)
);
insert into public.hp_alert_health (id) values (1) on conflict (id) do nothing;

-- Security: the service role only, for all but the counts.
alter table public.hp_alert_routes enable row level security;
alter table public.hp_alert_outbox enable row level security;
alter table public.hp_alert_messages enable row level security;
alter table public.hp_alert_worker_states enable row level security;
alter table public.hp_alert_health enable row level security;

revoke all on table public.hp_alert_routes, public.hp_alert_outbox, public.hp_alert_messages,
                    public.hp_alert_worker_states, public.hp_alert_health
  from public, anon, authenticated;
revoke all on sequence public.hp_alert_outbox_id_seq, public.hp_alert_messages_id_seq
  from public, anon, authenticated;
grant select, insert, update, delete on table public.hp_alert_routes, public.hp_alert_outbox,
  public.hp_alert_messages, public.hp_alert_worker_states to service_role;
grant select, update on table public.hp_alert_health to service_role;
grant select on table public.hp_alert_health to anon, authenticated;

-- service_role bypasses RLS on Supabase; these policies say so for the advisors and for a
-- PostgreSQL where it does not.
do $policies$
declare
  t text;
begin
  foreach t in array array['hp_alert_routes', 'hp_alert_outbox', 'hp_alert_messages', 'hp_alert_worker_states'] loop
    execute format('drop policy if exists %I on public.%I', t || ' is for the service role', t);
    execute format('create policy %I on public.%I for all to service_role using (true) with check (true)',
                   t || ' is for the service role', t);
  end loop;
end
$policies$;
drop policy if exists "hp_alert_health is readable by the dashboard" on public.hp_alert_health;
create policy "hp_alert_health is readable by the dashboard"
  on public.hp_alert_health for select to anon, authenticated using (true);
drop policy if exists "hp_alert_health is written by the drain" on public.hp_alert_health;
create policy "hp_alert_health is written by the drain"
  on public.hp_alert_health for update to service_role using (true) with check (true);

-- The trigger: in the transaction that writes the history row, one outbox row per enabled route
-- that wants it. Changes that end a down condition (running again, a heartbeat after a silence,
-- the breaker closing) go to every route, so each route's record of what it told stays right; the
-- drain mutes those that end nothing it told.
create or replace function public.hp_alert_enqueue()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.hp_alert_outbox
    (event_id, route, worker_name, kind, from_status, to_status, circuit_breaker_open,
     silence_started_at, occurred_at)
  select new.id, r.name, new.worker_name, new.kind, new.from_status, new.to_status,
         new.circuit_breaker_open, new.silence_started_at, new.occurred_at
    from public.hp_alert_routes r
   where r.enabled
     and (   (new.kind in ('status', 'overdue') and new.to_status = 'late' and r.notify_late)
          or (new.kind in ('status', 'overdue') and new.to_status = 'stopped' and r.notify_stopped)
          or (new.kind = 'status' and new.to_status = 'crashed' and r.notify_crashed)
          or (new.kind = 'circuit_breaker' and new.circuit_breaker_open and r.notify_circuit_breaker)
          or (new.kind = 'status' and new.to_status = 'running')
          or new.kind = 'silence'
          or (new.kind = 'circuit_breaker' and not new.circuit_breaker_open))
  on conflict (event_id, route) do nothing;
  return null;
end;
$$;

revoke all on function public.hp_alert_enqueue() from public, anon, authenticated;

drop trigger if exists hp_alert_enqueue on public.hp_worker_events;
create trigger hp_alert_enqueue
  after insert on public.hp_worker_events
  for each row execute function public.hp_alert_enqueue();

-- A heartbeat after a silence the sweep recorded (Late, even if shorter than the 5 minutes that
-- make a 'silence' row by themselves) is recorded as a silence too: it is the recovery from Late.
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
     and new.last_heartbeat > old.last_heartbeat
     and (new.last_heartbeat - old.last_heartbeat > interval '5 minutes'
          or exists (select from public.hp_worker_events e
                      where e.worker_name = new.worker_name
                        and e.occurred_at >= old.last_heartbeat
                        and e.kind = 'overdue'
                        and e.silence_started_at = old.last_heartbeat)) then
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
    -- Retention, for this worker only: 30 days, and its newest 1,000 rows. Alerts do not
    -- depend on it: the outbox holds its own copy of each event.
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

revoke all on function public.hp_worker_status_record_events() from public, anon, authenticated;

-- The counts the section shows, refreshed by the drain at the end of every run.
create or replace function public.hp_alert_refresh_health()
returns void
language sql
security definer
set search_path = ''
as $$
  update public.hp_alert_health h
     set undeliverable =
           (select count(*) from public.hp_alert_outbox o
              join public.hp_alert_messages m on m.id = o.message_id
             where m.state = 'dead')
         + (select count(*) from public.hp_alert_outbox o
              join public.hp_alert_routes r on r.name = o.route
              left join public.hp_alert_messages m on m.id = o.message_id
             where (o.state = 'pending' or (o.state = 'sent' and m.state = 'pending'))
               and (r.broken_since is not null or r.failing_since < now() - interval '1 hour')),
         failing_routes =
           (select count(*) from public.hp_alert_routes r
             where r.broken_since is not null or r.failing_since < now() - interval '1 hour'),
         last_drain_at = now(),
         updated_at = now()
   where h.id = 1
$$;

revoke all on function public.hp_alert_refresh_health() from public, anon, authenticated;
grant execute on function public.hp_alert_refresh_health() to service_role;

-- Waking the drain on hosted Supabase: pg_cron calls this every 10 s; it posts to the Edge
-- Function with pg_net, reading the function's URL and token from Vault (docs/alerts.md). A lost
-- wake-up costs nothing: the next one finds whatever is due. Where pg_net or the Vault secrets
-- are missing it does nothing (a self-hosted drain runs with `deno run` instead).
create or replace function public.hp_alert_wake_drain()
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  url text;
  token text;
begin
  if to_regnamespace('net') is null or to_regclass('vault.decrypted_secrets') is null then
    return;
  end if;
  execute $q$select (select decrypted_secret from vault.decrypted_secrets where name = 'hp_alert_drain_url'),
                    (select decrypted_secret from vault.decrypted_secrets where name = 'hp_alert_drain_token')$q$
     into url, token;
  if url is null or token is null then
    return;
  end if;
  execute 'select net.http_post(url := $1, headers := $2, body := $3, timeout_milliseconds := 60000)'
    using url,
          jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || token),
          jsonb_build_object('wake', now());
end;
$$;

revoke all on function public.hp_alert_wake_drain() from public, anon, authenticated, service_role;

-- The job, where pg_cron and pg_net are both there (hosted Supabase); otherwise a notice.
do $job$
declare
  version text;
begin
  if not exists (select from pg_extension where extname = 'pg_cron')
     or not exists (select from pg_extension where extname = 'pg_net') then
    raise notice 'pg_cron or pg_net is not enabled, so nothing wakes the alert drain here. On hosted Supabase: enable both (Database > Extensions) and run this migration again. Self-hosted: run the drain with deno run (docs/alerts.md).';
    return;
  end if;
  select extversion into version from pg_extension where extname = 'pg_cron';
  if (regexp_match(version, '^(\d+)\.(\d+)'))::int[] >= array[1, 5] then
    perform cron.schedule('hp-alert-drain', '10 seconds', 'select public.hp_alert_wake_drain()');
  else
    perform cron.schedule('hp-alert-drain', '* * * * *', 'select public.hp_alert_wake_drain()');
  end if;
end
$job$;

select step, detail from hp_adoption_report order by n;
