// The shapes the drain passes around: a route as stored, an outbox row, what a route has told
// about a worker, and the items a message is made of (channel-neutral; each channel renders them).

export type Channel = 'webhook' | 'slack' | 'discord' | 'email' | 'ntfy' | 'telegram' | 'log';

/** A row of public.hp_alert_routes. */
export interface Route {
  name: string;
  channel: Channel;
  secret: string | null;
  target: string | null;
  sender: string | null;
  notify_late: boolean;
  notify_stopped: boolean;
  notify_crashed: boolean;
  notify_circuit_breaker: boolean;
  notify_recovered: boolean;
  flapping_changes: number;
  /** Seconds. */
  flapping_window_s: number;
  /** Seconds, or null for "say it once". */
  repeat_every_s: number | null;
}

/** A row of public.hp_alert_outbox: one history event for one route. */
export interface OutboxRow {
  id: number;
  event_id: number;
  worker_name: string;
  kind: 'status' | 'circuit_breaker' | 'silence' | 'overdue';
  from_status: string | null;
  to_status: string | null;
  circuit_breaker_open: boolean | null;
  silence_started_at: Date | null;
  occurred_at: Date;
}

/** A down condition a route can tell about and later see cleared. */
export type Cause = 'crashed' | 'stopped' | 'silence' | 'breaker';

/** The status a message names for a worker that is down. */
export type DownStatus = 'late' | 'stopped' | 'crashed';

/** A row of public.hp_alert_worker_states: what a route has told about one worker. */
export interface WorkerState {
  worker_name: string;
  open_causes: Cause[];
  /** Down as the route's events say (null: up). */
  status: DownStatus | null;
  /** What the route told and is still true (null: nothing). */
  told_status: DownStatus | null;
  down_since: Date | null;
  told_at: Date | null;
  flapping_since: Date | null;
  flips: number;
  last_change_at: Date | null;
}

/** A history row of a worker, as far as flapping needs it (same fields as the outbox copies). */
export type HistoryRow = Pick<
  OutboxRow,
  'worker_name' | 'kind' | 'to_status' | 'circuit_breaker_open' | 'occurred_at'
>;

/** What a message says, one entry per worker and thing that happened. Times are ISO strings. */
export type Item =
  | {
    type: 'down';
    worker: string;
    status: DownStatus;
    /** What made it so: it said so, it went silent, or its circuit breaker opened. */
    cause: Cause;
    at: string;
    /** For a silence: its last heartbeat. */
    silent_since?: string;
    events: number[];
  }
  | { type: 'recovered'; worker: string; was: DownStatus; down_since: string; at: string; events: number[] }
  | {
    type: 'flapping';
    worker: string;
    changes: number;
    window_s: number;
    now: 'down' | 'up';
    at: string;
    events: number[];
  }
  | {
    type: 'steady';
    worker: string;
    changes: number;
    since: string;
    now: DownStatus | 'running';
    at: string;
  }
  | { type: 'still_down'; worker: string; status: DownStatus; down_since: string; at: string }
  | { type: 'test'; route: string; at: string };

/** A message as claimed for delivery. */
export interface Message {
  id: number;
  route: string;
  webhook_id: string;
  items: Item[];
  attempts: number;
  created_at: Date;
}
