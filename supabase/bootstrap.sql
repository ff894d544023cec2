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
