-- A heartbeat is never in the future: last_heartbeat later than the database's clock is set to
-- the database's clock. A worker host whose clock runs fast (the heartbeat module corrects its
-- own clock, but the setup guide's inline code and other writers do not) would otherwise keep
-- a dead worker "just now" on every dashboard for as long as its clock is ahead.
-- now() is the transaction's start, a moment before any row of it is written, so a true stamp
-- is never moved by more than the statement's own duration.
create function public.hp_worker_status_clamp_heartbeat()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.last_heartbeat > now() then
    new.last_heartbeat := now();
  end if;
  return new;
end;
$$;

-- Not callable through the API (Supabase's default privileges would grant EXECUTE).
revoke all on function public.hp_worker_status_clamp_heartbeat() from public, anon, authenticated;

create trigger hp_worker_status_clamp_heartbeat
  before insert or update of last_heartbeat on public.hp_worker_status
  for each row execute function public.hp_worker_status_clamp_heartbeat();

-- Rows already in the future (written before this migration) are brought back now.
update public.hp_worker_status set last_heartbeat = now() where last_heartbeat > now();
