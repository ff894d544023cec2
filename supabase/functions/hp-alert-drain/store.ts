// The drain's SQL, and the only code that talks to the database: compose a route's pending rows
// into a message (one transaction, the route row locked), claim the head message of each route
// with a lease (FOR UPDATE SKIP LOCKED: drains running side by side never send the same message at
// once, and a route's messages go out in order), settle it, and refresh the counts the section shows.
import postgres from 'postgres';
import { compose } from './compose.ts';
import type { RetryPolicy } from './retry.ts';
import type { HistoryRow, Item, Message, OutboxRow, Route, WorkerState } from './types.ts';

export type Sql = ReturnType<typeof postgres>;

/** A pool for the drain: int8 read as numbers, notices quiet, statements unprepared (a pooler in
 *  transaction mode, as Supabase's, does not keep them). */
export function connect(url: string): Sql {
  return postgres(url, {
    max: 4,
    prepare: false,
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  });
}

const ROUTE_COLUMNS = (sql: Sql) =>
  sql`name, channel, secret, target, sender, notify_late, notify_stopped, notify_crashed,
      notify_circuit_breaker, notify_recovered, flapping_changes,
      extract(epoch from flapping_window)::float8 as flapping_window_s,
      extract(epoch from repeat_every)::float8 as repeat_every_s`;

export async function routes(sql: Sql): Promise<Route[]> {
  return await sql<Route[]>`select ${ROUTE_COLUMNS(sql)} from public.hp_alert_routes order by name`;
}

/** Composes up to `limit` pending rows of a route into at most one message; returns its id (or null). */
export async function composeRoute(
  sql: Sql,
  name: string,
  now: () => Date,
  limit = 1000,
): Promise<{ message: number | null; sent: number; muted: number } | null> {
  return await sql.begin(async (tx) => {
    const [route] = await tx<Route[]>`
      select ${ROUTE_COLUMNS(tx as unknown as Sql)} from public.hp_alert_routes
       where name = ${name} for update skip locked`;
    if (!route) return null; // another drain is composing it
    const pending = await tx<OutboxRow[]>`
      select id, event_id, worker_name, kind, from_status, to_status, circuit_breaker_open,
             silence_started_at, occurred_at
        from public.hp_alert_outbox
       where route = ${name} and state = 'pending'
       order by occurred_at, id
       limit ${limit}`;
    const names = [...new Set(pending.map((row) => row.worker_name))];
    const stateRows = await tx<WorkerState[]>`
      select worker_name, open_causes, status, told_status, down_since, told_at, flapping_since,
             flips, last_change_at
        from public.hp_alert_worker_states
       where route = ${name}
         and (worker_name = any(${names}) or told_status is not null or flapping_since is not null)`;
    if (pending.length === 0 && stateRows.length === 0) return { message: null, sent: 0, muted: 0 };
    const states = new Map(stateRows.map((state) => [state.worker_name, state]));
    const history = new Map<string, HistoryRow[]>();
    if (pending.length > 0) {
      // Each worker's changes from one window before its first pending row (and the change just
      // before that, to know whether it was up or down then).
      const from = new Date(pending[0].occurred_at.getTime() - route.flapping_window_s * 1000);
      const rows = await tx<HistoryRow[]>`
        select h.worker_name, h.kind, h.to_status, h.circuit_breaker_open, h.occurred_at
          from unnest(${names}::text[]) as w(name)
          cross join lateral (
            (select e.worker_name, e.kind, e.to_status, e.circuit_breaker_open, e.occurred_at, e.id
               from public.hp_worker_events e
              where e.worker_name = w.name and e.occurred_at <= ${from}
              order by e.occurred_at desc, e.id desc limit 1)
            union all
            (select e.worker_name, e.kind, e.to_status, e.circuit_breaker_open, e.occurred_at, e.id
               from public.hp_worker_events e
              where e.worker_name = w.name and e.occurred_at > ${from})
          ) h
         order by h.occurred_at, h.id`;
      for (const row of rows) history.set(row.worker_name, [...(history.get(row.worker_name) ?? []), row]);
    }
    const result = compose({ route, now: now(), pending, states, history });
    let message: number | null = null;
    if (result.items.length > 0) {
      const [inserted] = await tx<{ id: number }[]>`
        insert into public.hp_alert_messages (route, items)
        values (${name}, ${tx.json(result.items as unknown as postgres.JSONValue)})
        returning id`;
      message = inserted.id;
      await tx`update public.hp_alert_outbox set state = 'sent', message_id = ${message}
                where id = any(${result.sent})`;
    }
    if (result.muted.length > 0) {
      await tx`update public.hp_alert_outbox o set state = 'muted', reason = m.reason
                 from unnest(${result.muted.map((m) => m.id)}::bigint[], ${
        result.muted.map((m) => m.reason)
      }::text[])
                   as m(id, reason)
                where o.id = m.id`;
    }
    if (result.states.length > 0) {
      await tx`
        insert into public.hp_alert_worker_states
          (route, worker_name, open_causes, status, told_status, down_since, told_at, flapping_since, flips, last_change_at)
        select ${name}, s.worker_name, s.open_causes, s.status, s.told_status, s.down_since, s.told_at,
               s.flapping_since, s.flips, s.last_change_at
          from jsonb_to_recordset(${tx.json(result.states as unknown as postgres.JSONValue)}) as s(
            worker_name text, open_causes text[], status text, told_status text, down_since timestamptz,
            told_at timestamptz, flapping_since timestamptz, flips integer, last_change_at timestamptz)
        on conflict (route, worker_name) do update set
          open_causes = excluded.open_causes, status = excluded.status, told_status = excluded.told_status,
          down_since = excluded.down_since, told_at = excluded.told_at, flapping_since = excluded.flapping_since,
          flips = excluded.flips, last_change_at = excluded.last_change_at`;
    }
    return { message, sent: result.sent.length, muted: result.muted.length };
  });
}

/** A test message for every enabled route (make alerts-test, or the function's {"test": true}). */
export async function queueTestMessages(sql: Sql, now: Date): Promise<string[]> {
  const rows = await sql<{ route: string }[]>`
    insert into public.hp_alert_messages (route, items)
    select r.name, jsonb_build_array(jsonb_build_object('type', 'test', 'route', r.name, 'at', ${now.toISOString()}::text))
      from public.hp_alert_routes r where r.enabled order by r.name
    returning route`;
  return rows.map((row) => row.route);
}

export interface Claimed extends Message {
  first_failure_at: Date | null;
}

/** Leases the head message of every route that is due: at most one per route at a time. */
export async function claim(sql: Sql, owner: string, leaseMs: number): Promise<Claimed[]> {
  return await sql<Claimed[]>`
    update public.hp_alert_messages m
       set leased_by = ${owner}, leased_until = now() + ${leaseMs} * interval '1 millisecond',
           attempts = m.attempts + 1, last_attempt_at = now()
     where m.id in (
       select x.id from public.hp_alert_messages x
        where x.state = 'pending'
          and x.id = (select min(y.id) from public.hp_alert_messages y
                       where y.route = x.route and y.state = 'pending')
          and x.next_attempt_at <= now()
          and (x.leased_until is null or x.leased_until < now())
        for update skip locked)
    returning m.id, m.route, m.webhook_id, m.items as items, m.attempts, m.created_at, m.first_failure_at`
    .then((rows) => rows.map((row) => ({ ...row, items: row.items as unknown as Item[] })));
}

/** Records a delivery: the message is done, its route healthy again. False: the lease was lost. */
export async function settleDelivered(
  sql: Sql,
  message: Claimed,
  owner: string,
  status: number,
): Promise<boolean> {
  return await sql.begin(async (tx) => {
    const done = await tx`
      update public.hp_alert_messages
         set state = 'delivered', delivered_at = now(), leased_by = null, leased_until = null,
             last_status = ${status}, last_error = null
       where id = ${message.id} and leased_by = ${owner}`;
    await tx`update public.hp_alert_routes
                set failing_since = null, broken_since = null, last_error = null, last_delivered_at = now()
              where name = ${message.route}`;
    return done.count === 1;
  });
}

/** Records a failed attempt: the next one after `delayMs`, or dead once it has failed for `giveUpMs`. */
export async function settleFailed(
  sql: Sql,
  message: Claimed,
  owner: string,
  failure: { status: number | null; error: string; broken: boolean; delayMs: number },
  policy: RetryPolicy,
): Promise<'retry' | 'dead' | 'lost'> {
  return await sql.begin(async (tx) => {
    const [row] = await tx<{ state: string }[]>`
      update public.hp_alert_messages
         set first_failure_at = coalesce(first_failure_at, now()),
             state = case when coalesce(first_failure_at, now()) <= now() - ${policy.giveUpMs} * interval '1 millisecond'
                          then 'dead' else 'pending' end,
             dead_at = case when coalesce(first_failure_at, now()) <= now() - ${policy.giveUpMs} * interval '1 millisecond'
                            then now() end,
             next_attempt_at = now() + ${failure.delayMs} * interval '1 millisecond',
             leased_by = null, leased_until = null,
             last_status = ${failure.status}, last_error = ${failure.error}
       where id = ${message.id} and leased_by = ${owner}
      returning state`;
    await tx`update public.hp_alert_routes
                set failing_since = coalesce(failing_since, now()),
                    broken_since = case when ${failure.broken} then coalesce(broken_since, now()) else broken_since end,
                    last_error = ${failure.error}
              where name = ${message.route}`;
    return row ? (row.state === 'dead' ? 'dead' : 'retry') : 'lost';
  });
}

export async function refreshHealth(sql: Sql): Promise<void> {
  await sql`select public.hp_alert_refresh_health()`;
}
