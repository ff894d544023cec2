-- Is public.hp_worker_status safe? One read-only query: each row is a finding with the statement
-- that fixes it; no rows means safe. Run it in the Supabase SQL editor, with
-- `psql "$DATABASE_URL" -f supabase/check.sql`, or `make db-check` for the local stack.
-- (supabase/adopt.sql fixes all of these at once.)
--
-- Safe means: row level security on; anon and authenticated (the public key's roles) limited to
-- SELECT by grants and by policies; no policy that lets them, or every role (no TO clause, i.e.
-- PUBLIC), insert, update or delete; the dashboard's read policy present; service_role able to
-- write the heartbeats; the table in the supabase_realtime publication. Where the history table
-- (hp_worker_events) exists: row level security on and no write grant for the public key's roles.
-- Where Realtime's realtime.messages exists: no unrestricted policy letting the public key's roles
-- send broadcasts (they could fake worker states on the private topic worker-status).
-- Nobody watching: the silence sweep exists, its pg_cron job is scheduled and active, and its
-- runs of the last hour did not fail (severity 'off': silences go unrecorded until fixed). The
-- cron tables are read through query_to_xml only where they exist, so this runs without pg_cron.
-- Alerts: the alert tables closed to the public key; a route broken (the destination answered 404,
-- 410, 401 or 403, or its secret is missing) or failing for an hour; dead messages; routes but no
-- drain running (severity 'off': alerts are recorded, not sent); pg_net but no job to wake it.

with
target as (
  select to_regclass('public.hp_worker_status') as oid
),
public_roles(role_name) as (
  values ('PUBLIC'), ('anon'), ('authenticated')
),
grants as (
  select grantee, privilege_type
    from information_schema.role_table_grants
   where table_schema = 'public' and table_name = 'hp_worker_status'
),
findings(severity, finding, fix) as (
  select 'unsafe', 'the table public.hp_worker_status does not exist',
         'run supabase/migrations/20261128000000_create_worker_status.sql'
    from target where oid is null

  union all
  select 'unsafe', 'row level security is off: every grant is a licence to read and write every row',
         'alter table public.hp_worker_status enable row level security;'
    from target join pg_class c on c.oid = target.oid
   where not c.relrowsecurity

  union all
  select 'unsafe',
         format('%s holds the %s grant: the public key can %s', r.role_name, g.privilege_type,
                case g.privilege_type when 'INSERT' then 'fake workers'
                                      when 'UPDATE' then 'fake a healthy fleet or hide a crash'
                                      when 'DELETE' then 'make workers vanish'
                                      when 'TRUNCATE' then 'empty the table'
                                      else 'go beyond reading' end),
         format('revoke %s on table public.hp_worker_status from %s;', lower(g.privilege_type),
                case r.role_name when 'PUBLIC' then 'public' else r.role_name end)
    from public_roles r join grants g on g.grantee = r.role_name
   where g.privilege_type <> 'SELECT'

  union all
  select 'unsafe',
         format('policy %I lets %s %s rows (%s)', p.policyname, array_to_string(p.roles, ', '),
                case p.cmd when 'ALL' then 'insert, update and delete' else lower(p.cmd) end,
                case when p.roles @> array['public']::name[] then 'no TO clause: every role, including anyone with the public key'
                     else 'the public key''s roles' end),
         format('drop policy %I on public.hp_worker_status;', p.policyname)
    from pg_policies p
   where p.schemaname = 'public' and p.tablename = 'hp_worker_status'
     and p.cmd <> 'SELECT'
     and p.roles && array['public', 'anon', 'authenticated']::name[]

  union all
  select 'broken', format('%s cannot read the table: the dashboard shows nothing', r.role_name),
         format('grant select on table public.hp_worker_status to %s;', r.role_name)
    from public_roles r, target
   where r.role_name <> 'PUBLIC' and target.oid is not null
     and not exists (select from grants g where g.grantee = r.role_name and g.privilege_type = 'SELECT')

  union all
  select 'broken', 'no select policy lets anon read: with row level security on, the dashboard sees no rows',
         'create policy "hp_worker_status is readable by the dashboard" on public.hp_worker_status for select to anon, authenticated using (true);'
    from target
   where target.oid is not null
     and not exists (select from pg_policies p
                      where p.schemaname = 'public' and p.tablename = 'hp_worker_status'
                        and p.cmd in ('SELECT', 'ALL') and p.permissive = 'PERMISSIVE'
                        and p.roles && array['public', 'anon']::name[])

  union all
  select 'broken', format('service_role may not %s: heartbeats fail', lower(w.privilege)),
         format('grant %s on table public.hp_worker_status to service_role;', lower(w.privilege))
    from (values ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE')) as w(privilege), target
   where target.oid is not null
     and not exists (select from grants g where g.grantee = 'service_role' and g.privilege_type = w.privilege)

  union all
  select 'unsafe', 'row level security is off on the history table public.hp_worker_events',
         'alter table public.hp_worker_events enable row level security;'
    from pg_class c
   where c.oid = to_regclass('public.hp_worker_events') and not c.relrowsecurity

  union all
  select 'unsafe',
         format('%s holds the %s grant on the history table: the public key can rewrite what happened',
                r.role_name, g.privilege_type),
         format('revoke %s on table public.hp_worker_events from %s;', lower(g.privilege_type),
                case r.role_name when 'PUBLIC' then 'public' else r.role_name end)
    from public_roles r
    join information_schema.role_table_grants g
      on g.grantee = r.role_name and g.table_schema = 'public' and g.table_name = 'hp_worker_events'
   where g.privilege_type <> 'SELECT'

  union all
  select 'unsafe',
         format('policy %I on realtime.messages lets %s send broadcasts on any topic: the public key can fake worker states on worker-status',
                p.policyname, array_to_string(p.roles, ', ')),
         format('drop policy %I on realtime.messages;', p.policyname)
    from pg_policies p
   where p.schemaname = 'realtime' and p.tablename = 'messages'
     and p.cmd in ('INSERT', 'UPDATE', 'ALL')
     and p.roles && array['public', 'anon', 'authenticated']::name[]
     and coalesce(p.with_check, p.qual, 'true') = 'true'

  union all
  select 'off', 'the silence sweep public.hp_worker_status_sweep() is missing: nobody records a worker going quiet',
         'run supabase/migrations/20261206000000_silence_sweep.sql'
    from target
   where target.oid is not null and to_regprocedure('public.hp_worker_status_sweep()') is null

  union all
  select 'off', 'no active pg_cron job runs the silence sweep: a worker going quiet is recorded only if it reports again',
         'enable pg_cron (hosted Supabase: Database > Extensions > pg_cron; elsewhere: shared_preload_libraries and cron.database_name), then run supabase/migrations/20261206000000_silence_sweep.sql again'
   where to_regprocedure('public.hp_worker_status_sweep()') is not null
     and case when to_regclass('cron.job') is null then true
              else (xpath('/row/n/text()', query_to_xml(
                      'select count(*) as n from cron.job where jobname = ''hp-worker-status-sweep'' and active',
                      false, true, '')))[1]::text::int = 0
         end

  union all
  select 'off', 'the silence sweep''s job failed in the last hour: ' || coalesce(failures.message, 'no message'),
         'run select public.hp_worker_status_sweep(); as postgres to see the error, fix it, and check again'
    from (select (xpath('/table/row/m/text()', query_to_xml(
                   'select d.return_message as m from cron.job_run_details d join cron.job j using (jobid) '
                   || 'where j.jobname = ''hp-worker-status-sweep'' and d.status = ''failed'' '
                   || 'and d.start_time > now() - interval ''1 hour'' order by d.start_time desc limit 1',
                   false, false, '')))[1]::text as message,
                 query_to_xml(
                   'select count(*) as n from cron.job_run_details d join cron.job j using (jobid) '
                   || 'where j.jobname = ''hp-worker-status-sweep'' and d.status = ''failed'' '
                   || 'and d.start_time > now() - interval ''1 hour''',
                   false, true, '') as counted
            where to_regclass('cron.job_run_details') is not null) failures
   where (xpath('/row/n/text()', failures.counted))[1]::text::int > 0

  union all
  select 'unsafe',
         format('%s holds the %s grant on %s: the public key could read where alerts go, or forge them',
                g.grantee, g.privilege_type, g.table_name),
         format('revoke all on table public.%I from %s;', g.table_name,
                case g.grantee when 'PUBLIC' then 'public' else g.grantee end)
    from information_schema.role_table_grants g
   where g.table_schema = 'public'
     and g.table_name in ('hp_alert_routes', 'hp_alert_outbox', 'hp_alert_messages', 'hp_alert_worker_states')
     and g.grantee in ('PUBLIC', 'anon', 'authenticated')

  union all
  select 'unsafe', format('row level security is off on public.%s', c.relname),
         format('alter table public.%I enable row level security;', c.relname)
    from pg_class c
   where c.oid in (to_regclass('public.hp_alert_routes'), to_regclass('public.hp_alert_outbox'),
                   to_regclass('public.hp_alert_messages'), to_regclass('public.hp_alert_worker_states'))
     and not c.relrowsecurity

  -- Alerts (issue 29): read through query_to_xml, so this runs where the alert tables do not exist.
  union all
  select alert.severity, alert.finding, alert.fix
    from (select (xpath('/row/s/text()', r))[1]::text as severity,
                 (xpath('/row/f/text()', r))[1]::text as finding,
                 (xpath('/row/x/text()', r))[1]::text as fix
            from unnest(xpath('/table/row', query_to_xml(
                   case when to_regclass('public.hp_alert_routes') is null then 'select 1 where false' else $alerts$
                     select 'broken' as s,
                            format('alert route %s is broken since %s: %s (its alerts wait; none is dropped)',
                                   r.name, to_char(r.broken_since, 'YYYY-MM-DD HH24:MI TZ'),
                                   regexp_replace(coalesce(r.last_error, 'no error recorded'), '[<>&]', ' ', 'g')) as f,
                            format('fix the destination or the secret %s, then wait for the next drain run (or: update public.hp_alert_routes set enabled = false where name = %L;)',
                                   coalesce(r.secret, '(none)'), r.name) as x
                       from public.hp_alert_routes r where r.broken_since is not null
                     union all
                     select 'broken',
                            format('alert route %s has failed for over an hour: %s', r.name,
                                   regexp_replace(coalesce(r.last_error, 'no error recorded'), '[<>&]', ' ', 'g')),
                            format('check the destination of route %s; select * from public.hp_alert_messages where route = %L and state = ''pending'';', r.name, r.name)
                       from public.hp_alert_routes r
                      where r.broken_since is null and r.failing_since < now() - interval '1 hour'
                     union all
                     select 'broken',
                            format('%s alert message(s) on route %s are dead: they failed for 24 hours and were never delivered', count(*), m.route),
                            format('once the route works, send them again: update public.hp_alert_messages set state = ''pending'', first_failure_at = null, dead_at = null, next_attempt_at = now() where state = ''dead'' and route = %L;', m.route)
                       from public.hp_alert_messages m where m.state = 'dead' group by m.route
                     union all
                     select 'off',
                            'alert routes exist but no drain has run for over 2 minutes: Late, Stopped and Crashed are recorded but not sent',
                            'hosted Supabase: deploy supabase/functions/hp-alert-drain, enable pg_cron and pg_net, store hp_alert_drain_url and hp_alert_drain_token in Vault, run the alerts migration again (docs/alerts.md); self-hosted: run the drain with deno run'
                      where exists (select from public.hp_alert_routes where enabled)
                        and coalesce((select last_drain_at from public.hp_alert_health where id = 1), '-infinity') < now() - interval '2 minutes'
                   $alerts$ end,
                   false, false, ''))) as r) alert
  union all
  select 'off', 'pg_cron and pg_net are enabled but no active pg_cron job wakes the alert drain',
         'run supabase/migrations/20261207000000_alerts.sql again (it schedules hp-alert-drain), or: select cron.schedule(''hp-alert-drain'', ''10 seconds'', ''select public.hp_alert_wake_drain()'');'
   where to_regprocedure('public.hp_alert_wake_drain()') is not null
     and exists (select from pg_extension where extname = 'pg_net')
     and to_regclass('cron.job') is not null
     and (xpath('/row/n/text()', query_to_xml(
            'select count(*) as n from cron.job where jobname = ''hp-alert-drain'' and active',
            false, true, '')))[1]::text::int = 0

  union all
  select 'broken', 'the table is not in the supabase_realtime publication: the dashboard gets no live changes',
         'alter publication supabase_realtime add table public.hp_worker_status;'
    from target
   where target.oid is not null
     and not exists (select from pg_publication_tables
                      where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'hp_worker_status')
)
select severity, finding, fix from findings order by severity desc, finding;
