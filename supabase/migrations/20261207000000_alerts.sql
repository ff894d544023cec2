-- Alerts that are never lost (issue 29): every history row a route wants becomes an outbox row in
-- the same transaction that wrote the history row, and a drain (supabase/functions/hp-alert-drain,
-- an Edge Function woken by pg_cron, or the same module under `deno run`) turns them into messages
-- and delivers them at least once.
--
--   hp_worker_events --trigger--> hp_alert_outbox (one row per event and route, fields copied)
--     --drain: compose--> hp_alert_messages (one per route and drain run: a digest; or none when
--                         the rows only repeat what was said, or belong to a flapping worker)
--     --drain: claim (lease, FOR UPDATE SKIP LOCKED), send, settle (backoff, Retry-After)-->
--        delivered, or dead after 24 h of failures (kept, counted, reported; never deleted by us)
--
-- Routes, outbox, messages and the per-route worker state are readable and writable by the
-- service role only. A route names the *secret* that holds its URL or token (an Edge Function
-- secret, or an environment variable of a self-hosted drain), never the URL or token itself. The
-- public key reads one row of counts, hp_alert_health, so the section can say that alerts are not
-- getting through.
--
-- Every statement here can run again without harm (supabase/adopt.sql runs them too).

-- Where alerts go. One row per destination; the defaults are the ones a person on call wants:
-- Stopped, Crashed, an opened circuit breaker and the recovery after them; Late is off (it is a
-- warning, and most Late workers are back before anyone could act).
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
