-- The heartbeat table of the background workers, read by the Worker Status dashboard.
--
-- Runs unchanged on hosted Supabase (SQL editor or `supabase db push`) and on the local stack
-- (after supabase/bootstrap.sql). Workers write with the service_role key; the browser reads with
-- the public anon key, so everything the browser may do is decided here.

create table public.hp_worker_status (
  worker_name          text        not null,
  description          text,
  status               text        not null default 'unknown',
  last_heartbeat       timestamptz,
  jobs_processed       bigint      not null default 0,
  error_count          bigint      not null default 0,
  circuit_breaker_open boolean     not null default false,
  metadata             jsonb       not null default '{}'::jsonb,
  -- Where the worker appears among its peers when nothing is wrong; null sorts after the
  -- seeded workers (then by name). Heartbeats never send it, so an upsert keeps it.
  display_order        integer,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),

  constraint hp_worker_status_pkey primary key (worker_name),
  -- Constraint names are the error message a writer sees, so each one states the rule.
  constraint worker_name_must_be_1_to_128_visible_chars
    check (char_length(worker_name) <= 128 and btrim(worker_name) <> ''),
  constraint description_must_be_at_most_500_chars
    check (char_length(description) <= 500),
  constraint status_must_be_running_stopped_crashed_or_unknown
    check (status in ('running', 'stopped', 'crashed', 'unknown')),
  constraint jobs_processed_must_not_be_negative check (jobs_processed >= 0),
  constraint error_count_must_not_be_negative check (error_count >= 0),
  constraint metadata_must_be_a_json_object check (jsonb_typeof(metadata) = 'object'),
  -- Metadata is shown on a wall screen and sent to every browser on every heartbeat: keep it small.
  constraint metadata_must_be_at_most_8_kb check (octet_length(metadata::text) <= 8192)
);

comment on table public.hp_worker_status is
  'One row per background worker, upserted by its heartbeat every 30 s; read by the dashboard.';
comment on column public.hp_worker_status.status is
  'What the worker says of itself: running | stopped (graceful shutdown) | crashed | unknown.';
comment on column public.hp_worker_status.last_heartbeat is
  'Server-side judgement of liveness uses this; null means the worker never reported.';

-- The dashboard and operators ask "which workers are in trouble" and "which went quiet".
create index hp_worker_status_status_idx on public.hp_worker_status (status);
create index hp_worker_status_last_heartbeat_idx on public.hp_worker_status (last_heartbeat desc nulls last);

-- updated_at follows every change, whoever makes it.
create function public.hp_worker_status_touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

-- Supabase's default privileges grant EXECUTE on new functions to the API roles; a trigger
-- function has no business being callable through the API.
revoke all on function public.hp_worker_status_touch_updated_at() from public, anon, authenticated;

create trigger hp_worker_status_touch_updated_at
  before update on public.hp_worker_status
  for each row execute function public.hp_worker_status_touch_updated_at();

-- Security: anon and authenticated may read, and nothing else; service_role writes.
--
-- Grants decide whether a role may act at all, policies decide which rows. Supabase's default
-- privileges give anon INSERT/UPDATE/DELETE/TRUNCATE on every new public table, and newer projects
-- may not, so we revoke and grant explicitly to behave the same under either default.
--
-- Do NOT follow the common advice `create policy ... for all using (true)`: a policy without a
-- TO clause applies to PUBLIC, i.e. every role, FOR ALL covers INSERT/UPDATE/DELETE, and
-- USING (true) doubles as the WITH CHECK, so together with the default grants the anon key
-- could insert, update and delete any row. Every policy here names its roles.
alter table public.hp_worker_status enable row level security;

revoke all on table public.hp_worker_status from anon, authenticated;
grant select on table public.hp_worker_status to anon, authenticated;
grant select, insert, update, delete on table public.hp_worker_status to service_role;

create policy "hp_worker_status is readable by the dashboard"
  on public.hp_worker_status
  for select
  to anon, authenticated
  using (true);
-- No write policies: service_role has BYPASSRLS and needs none; nobody else may write.

-- Realtime: Supabase Realtime streams changes only for tables in this publication.
--
-- REPLICA IDENTITY DEFAULT (the primary key) is chosen on purpose. Change events carry the whole
-- new row for INSERT and UPDATE, which is all the dashboard applies, and a DELETE needs only the
-- key; under RLS Realtime strips DELETE old records to the key even with FULL. FULL would write the
-- whole old row into the WAL on every heartbeat of every worker for no reader.
alter table public.hp_worker_status replica identity default;
alter publication supabase_realtime add table public.hp_worker_status;

-- The five production workers, in the order the dashboard shows them when all is well. They are
-- 'unknown' until their first heartbeat; an existing row is left as it is.
insert into public.hp_worker_status (worker_name, description, display_order)
values
  ('roundtable-worker', 'Conversation orchestration', 1),
  ('x-autopost',        'Tweet publishing',           2),
  ('analyze-worker',    'Analysis tasks',             3),
  ('content-worker',    'Content creation',           4),
  ('crawl-worker',      'Web crawling',               5)
on conflict (worker_name) do nothing;
