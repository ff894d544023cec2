-- What Supabase provides before any project migration runs, recreated on plain PostgreSQL 15.
--
-- Run once as a superuser (the throwaway cluster runs it as `postgres`) before
-- supabase/migrations/*.sql. It is idempotent: running it again changes nothing.
-- Hosted Supabase and `supabase start` already have all of this; never run it there.
--
-- Source of each fact: shared reference "postgrest-and-roles.md" §4 (supabase/postgres init scripts).

-- The API roles. anon/authenticated are INHERIT since supabase/postgres 20230529180330;
-- service_role bypasses row-level security; authenticator is the only login role the
-- REST gateway uses, and it switches to one of the three per request (SET LOCAL ROLE).
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    -- The password only guards a loopback-only throwaway cluster; Supabase sets its own.
    create role authenticator login noinherit password 'dev-only-password';
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;

-- Supabase's default privileges: every table, function and sequence that `postgres` creates in
-- `public` is fully granted to the API roles. This is why a table without RLS is writable by anon,
-- and why our migration revokes and grants explicitly.
grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;

-- Statement timeouts as on Supabase (supabase/postgres 20221028101028, 20231130133139).
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';

-- Supabase Realtime reads changes of the tables in this publication; it starts empty.
do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;

-- Supabase Realtime's schema: the pieces Broadcast from the database uses, as the Realtime
-- sources define them (supabase/realtime, priv/repo/tenant_schema/realtime/: schema.sql,
-- tables/messages.sql, functions/topic.sql, functions/send.sql, functions/broadcast_changes.sql)
-- and its role as priv/repo/tenant_db_dump_15.sql creates it. One difference: hosted Supabase
-- partitions realtime.messages by day and drops old partitions; here it is one plain table
-- (same columns, defaults, constraints, grants and RLS), which a throwaway database never needs
-- to prune. Realtime reads it through its own publication, as here.
do $$
begin
  if not exists (select from pg_roles where rolname = 'supabase_realtime_admin') then
    create role supabase_realtime_admin nosuperuser noinherit nocreaterole nocreatedb nologin noreplication nobypassrls;
    grant anon, authenticated, service_role to supabase_realtime_admin;
  end if;
end
$$;

create schema if not exists realtime;
grant usage on schema realtime to anon, authenticated, service_role;
grant create, usage on schema realtime to supabase_realtime_admin with grant option;

create table if not exists realtime.messages (
  topic          text      not null,
  extension      text      not null,
  payload        jsonb,
  event          text,
  private        boolean   default false,
  updated_at     timestamp not null default now(),
  inserted_at    timestamp not null default now(),
  id             uuid      not null default gen_random_uuid(),
  binary_payload bytea,
  constraint messages_payload_exclusive check (payload is null or binary_payload is null),
  constraint messages_pkey primary key (id, inserted_at)
);
alter table realtime.messages enable row level security;
alter table realtime.messages owner to supabase_realtime_admin;
create index if not exists messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;
grant insert, select, update on table realtime.messages to anon, authenticated, service_role;

create or replace function realtime.topic()
  returns text
  language sql
  stable
  as $function$
select nullif(current_setting('realtime.topic', true), '')::text;
$function$;
alter function realtime.topic() owner to supabase_realtime_admin;

create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
  returns void
  language plpgsql
  as $function$
declare
  generated_id uuid;
  final_payload jsonb;
begin
  begin
    generated_id := gen_random_uuid();
    if payload ? 'id' then
      final_payload := payload;
    else
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;
    execute format('SET LOCAL realtime.topic TO %L', topic);
    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$function$;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;

create or replace function realtime.broadcast_changes(
  topic_name text, event_name text, operation text, table_name text, table_schema text,
  new record, old record, level text default 'ROW'::text)
  returns void
  language plpgsql
  as $function$
declare
  row_data jsonb := '{}'::jsonb;
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
    row_data := jsonb_build_object('old_record', old, 'record', new, 'operation', operation, 'table', table_name, 'schema', table_schema);
    perform realtime.send(row_data, event_name, topic_name);
  else
    raise exception 'Unexpected operation type: %', operation;
  end if;
exception
  when others then
    raise exception 'Failed to process the row: %', sqlerrm;
end;
$function$;
alter function realtime.broadcast_changes(text, text, text, text, text, record, record, text) owner to supabase_realtime_admin;

-- Realtime reads the messages through a publication of their own.
do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime_messages_publication') then
    create publication supabase_realtime_messages_publication for table realtime.messages;
  end if;
end
$$;
