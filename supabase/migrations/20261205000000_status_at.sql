-- The status a worker shows at a given time, in SQL (issue 22): the same rules, thresholds and
-- cadence as the section's (crates/dashboard-core/src/rules/status.rs and thresholds.rs), so that
-- the database itself can tell when a worker goes quiet, with nobody watching. One rule in two
-- places: crates/schema-tests/tests/status_rules_agree.rs generates thousands of rows and instants
-- (edges included) and checks that this and the Rust core agree on every one.
--
-- Every statement here can run again without harm (supabase/adopt.sql runs them too).

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
