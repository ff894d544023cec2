// Composition: what a route says about the outbox rows of one drain run, as a pure function of
// the route, its record of what it told, the workers' recent history and the clock. One run gives
// at most one message per route (a digest when several workers changed together); rows that would
// repeat what was said, recover from nothing told, or belong to a flapping worker are muted, with
// the reason kept on the row.
import type { Cause, DownStatus, HistoryRow, Item, OutboxRow, Route, WorkerState } from './types.ts';

/** What an event does to a worker: it goes down (and why), it comes back from some causes, or nothing. */
export type Effect =
  | { kind: 'down'; status: DownStatus; cause: Cause }
  | { kind: 'up'; clears: Cause[] }
  | null;

/** The effect of a history event (an outbox row is a copy of one). */
export function effectOf(row: HistoryRow): Effect {
  switch (row.kind) {
    case 'status':
      if (row.to_status === 'crashed') return { kind: 'down', status: 'crashed', cause: 'crashed' };
      if (row.to_status === 'stopped') return { kind: 'down', status: 'stopped', cause: 'stopped' };
      if (row.to_status === 'running') return { kind: 'up', clears: ['crashed', 'stopped'] };
      return null;
    case 'overdue':
      if (row.to_status === 'late') return { kind: 'down', status: 'late', cause: 'silence' };
      if (row.to_status === 'stopped') return { kind: 'down', status: 'stopped', cause: 'silence' };
      return null;
    case 'silence':
      return { kind: 'up', clears: ['silence'] };
    case 'circuit_breaker':
      return row.circuit_breaker_open
        ? { kind: 'down', status: 'crashed', cause: 'breaker' }
        : { kind: 'up', clears: ['breaker'] };
    default:
      return null;
  }
}

const SEVERITY: Record<DownStatus, number> = { late: 1, stopped: 2, crashed: 3 };

/** The more severe of two down statuses (null counts as up). */
function worse(a: DownStatus | null, b: DownStatus | null): DownStatus | null {
  if (a === null) return b;
  if (b === null) return a;
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/** The status the open causes leave: a silence alone is Late or Stopped as it last was. */
function statusOf(causes: Cause[], previous: DownStatus | null): DownStatus | null {
  if (causes.length === 0) return null;
  if (causes.includes('crashed') || causes.includes('breaker')) return 'crashed';
  if (causes.includes('stopped')) return 'stopped';
  return previous === 'late' ? 'late' : 'stopped';
}

/** Whether the route wants to hear of this kind of going down. */
function wanted(route: Route, status: DownStatus, cause: Cause): boolean {
  if (cause === 'breaker') return route.notify_circuit_breaker;
  if (status === 'late') return route.notify_late;
  if (status === 'stopped') return route.notify_stopped;
  return route.notify_crashed;
}

/**
 * Flips between down and up in a worker's history within (at - window, at]: the flapping
 * measure. An escalation (Late, then Stopped) is no flip; the first down after an up is.
 */
export function flipsWithin(history: HistoryRow[], at: Date, windowS: number): number {
  const from = at.getTime() - windowS * 1000;
  let down = false;
  let flips = 0;
  for (const row of history) {
    const t = row.occurred_at.getTime();
    if (t > at.getTime()) break;
    const effect = effectOf(row);
    if (effect === null) continue;
    const nowDown = effect.kind === 'down';
    if (nowDown !== down && t > from) flips += 1;
    down = nowDown;
  }
  return flips;
}

export function freshState(worker: string): WorkerState {
  return {
    worker_name: worker,
    open_causes: [],
    status: null,
    told_status: null,
    down_since: null,
    told_at: null,
    flapping_since: null,
    flips: 0,
    last_change_at: null,
  };
}

export interface ComposeInput {
  route: Route;
  now: Date;
  /** The route's pending rows, in order of occurrence. */
  pending: OutboxRow[];
  /** The route's record for the workers of `pending` and for those it watches (down, flapping). */
  states: Map<string, WorkerState>;
  /** Each worker's history, in order, from before the earliest window that matters. */
  history: Map<string, HistoryRow[]>;
}

export interface Composed {
  /** The message's items, in order of time; empty: no message. */
  items: Item[];
  /** Outbox rows the message carries. */
  sent: number[];
  /** Outbox rows that say nothing new, and why. */
  muted: { id: number; reason: string }[];
  /** The records that changed. */
  states: WorkerState[];
}

/** What one drain run tells through `route`. */
export function compose({ route, now, pending, states, history }: ComposeInput): Composed {
  const items: Item[] = [];
  const sent: number[] = [];
  const muted: { id: number; reason: string }[] = [];
  const changed = new Map<string, WorkerState>();
  const stateOf = (worker: string): WorkerState => {
    const known = changed.get(worker) ?? states.get(worker);
    const state = known ? { ...known, open_causes: [...known.open_causes] } : freshState(worker);
    changed.set(worker, state);
    return state;
  };

  for (const row of pending) {
    const state = stateOf(row.worker_name);
    const effect = effectOf(row);
    const at = row.occurred_at;
    if (effect === null) {
      muted.push({ id: row.id, reason: 'not an alert' });
      continue;
    }
    const wasDown = state.status !== null;
    const downSince = state.down_since;
    // The route's record follows every row, told or not.
    if (effect.kind === 'down') {
      if (!state.open_causes.includes(effect.cause)) state.open_causes.push(effect.cause);
      if (!wasDown) state.down_since = at;
      state.status = worse(state.status, effect.status);
    } else {
      state.open_causes = state.open_causes.filter((cause) => !effect.clears.includes(cause));
      state.status = statusOf(state.open_causes, state.status);
      if (state.status === null) state.down_since = null;
    }
    const isDown = state.status !== null;
    if (isDown !== wasDown) {
      state.last_change_at = at;
      if (state.flapping_since !== null) state.flips += 1;
    }

    // Flapping: already, or from this row on.
    if (state.flapping_since !== null) {
      muted.push({ id: row.id, reason: 'flapping' });
      continue;
    }
    const flips = isDown !== wasDown
      ? flipsWithin(history.get(row.worker_name) ?? [], at, route.flapping_window_s)
      : 0;
    if (flips >= route.flapping_changes) {
      state.flapping_since = at;
      state.flips = flips;
      items.push({
        type: 'flapping',
        worker: row.worker_name,
        changes: flips,
        window_s: route.flapping_window_s,
        now: isDown ? 'down' : 'up',
        at: at.toISOString(),
        events: [row.event_id],
      });
      sent.push(row.id);
      continue;
    }

    if (effect.kind === 'down') {
      const status = state.status as DownStatus;
      const news = state.told_status === null || SEVERITY[status] > SEVERITY[state.told_status];
      if (!news) {
        muted.push({ id: row.id, reason: `already told: ${state.told_status}` });
      } else if (!wanted(route, effect.status, effect.cause)) {
        muted.push({ id: row.id, reason: `${effect.status} is off for this route` });
      } else {
        items.push({
          type: 'down',
          worker: row.worker_name,
          status,
          cause: effect.cause,
          at: at.toISOString(),
          ...(effect.cause === 'silence' && row.silence_started_at
            ? { silent_since: row.silence_started_at.toISOString() }
            : {}),
          events: [row.event_id],
        });
        sent.push(row.id);
        state.told_status = status;
        state.told_at = now;
      }
      continue;
    }

    // Coming back.
    if (isDown) {
      muted.push({ id: row.id, reason: 'still down' });
    } else if (state.told_status === null) {
      muted.push({ id: row.id, reason: 'no alert before it' });
    } else if (!route.notify_recovered) {
      muted.push({ id: row.id, reason: 'recoveries are off for this route' });
      state.told_status = null;
    } else {
      items.push({
        type: 'recovered',
        worker: row.worker_name,
        was: state.told_status,
        down_since: (downSince ?? at).toISOString(),
        at: at.toISOString(),
        events: [row.event_id],
      });
      sent.push(row.id);
      state.told_status = null;
      state.told_at = now;
    }
  }

  // Without new rows: the end of a flapping spell, and reminders while down.
  for (const known of [...states.values()]) {
    const state = changed.get(known.worker_name) ?? known;
    if (state.flapping_since !== null) {
      const quietSince = state.last_change_at ?? state.flapping_since;
      if (now.getTime() - quietSince.getTime() >= route.flapping_window_s * 1000) {
        const next = stateOf(state.worker_name);
        items.push({
          type: 'steady',
          worker: next.worker_name,
          changes: next.flips,
          since: next.flapping_since!.toISOString(),
          now: next.status ?? 'running',
          at: quietSince.toISOString(),
        });
        next.flapping_since = null;
        next.flips = 0;
        // The summary told the current state: a later recovery is told if it is down now.
        next.told_status = next.status;
        next.told_at = now;
      }
    } else if (
      route.repeat_every_s !== null && state.told_status !== null && state.status !== null &&
      state.told_at !== null && now.getTime() - state.told_at.getTime() >= route.repeat_every_s * 1000
    ) {
      const next = stateOf(state.worker_name);
      items.push({
        type: 'still_down',
        worker: next.worker_name,
        status: next.told_status!,
        down_since: (next.down_since ?? next.told_at!).toISOString(),
        at: now.toISOString(),
      });
      next.told_at = now;
    }
  }

  items.sort((a, b) => a.at.localeCompare(b.at));
  return { items, sent, muted, states: [...changed.values()] };
}
