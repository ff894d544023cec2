// Shared by the unit tests: a route with the defaults of the migration, and a small simulated
// history that feeds compose() run by run as the drain would.
import { compose, type Composed } from '../compose.ts';
import type { HistoryRow, Item, OutboxRow, Route, WorkerState } from '../types.ts';

export function route(overrides: Partial<Route> = {}): Route {
  return {
    name: 'ops',
    channel: 'webhook',
    secret: 'OPS_HOOK',
    target: null,
    sender: null,
    notify_late: false,
    notify_stopped: true,
    notify_crashed: true,
    notify_circuit_breaker: true,
    notify_recovered: true,
    flapping_changes: 3,
    flapping_window_s: 900,
    repeat_every_s: null,
    ...overrides,
  };
}

export const T0 = Date.parse('2026-12-06T12:00:00Z');
export const at = (seconds: number) => new Date(T0 + seconds * 1000);

type Event =
  & Omit<
    OutboxRow,
    'id' | 'event_id' | 'occurred_at' | 'from_status' | 'silence_started_at' | 'circuit_breaker_open'
  >
  & {
    seconds: number;
    circuit_breaker_open?: boolean;
    silence_started_at?: Date;
  };

export const crashed = (worker: string, seconds: number): Event => ({
  worker_name: worker,
  kind: 'status',
  to_status: 'crashed',
  seconds,
});
export const stopped = (worker: string, seconds: number): Event => ({
  worker_name: worker,
  kind: 'status',
  to_status: 'stopped',
  seconds,
});
export const running = (worker: string, seconds: number): Event => ({
  worker_name: worker,
  kind: 'status',
  to_status: 'running',
  seconds,
});
export const overdue = (
  worker: string,
  status: 'late' | 'stopped',
  seconds: number,
  silentSince: number,
): Event => ({
  worker_name: worker,
  kind: 'overdue',
  to_status: status,
  seconds,
  silence_started_at: at(silentSince),
});
export const silence = (worker: string, seconds: number, since: number): Event => ({
  worker_name: worker,
  kind: 'silence',
  to_status: null,
  seconds,
  silence_started_at: at(since),
});
export const breaker = (worker: string, open: boolean, seconds: number): Event => ({
  worker_name: worker,
  kind: 'circuit_breaker',
  to_status: null,
  circuit_breaker_open: open,
  seconds,
});

/** A drain over a simulated database: events happen, runs compose, messages are collected. */
export class Simulation {
  events: OutboxRow[] = [];
  pending: OutboxRow[] = [];
  states = new Map<string, WorkerState>();
  messages: Item[][] = [];
  results: Composed[] = [];
  constructor(readonly route: Route) {}

  happen(...events: Event[]): this {
    for (const e of events) {
      const id = this.events.length + 1;
      const row: OutboxRow = {
        id,
        event_id: id,
        worker_name: e.worker_name,
        kind: e.kind,
        from_status: null,
        to_status: e.to_status,
        circuit_breaker_open: e.circuit_breaker_open ?? null,
        silence_started_at: e.silence_started_at ?? null,
        occurred_at: at(e.seconds),
      };
      this.events.push(row);
      this.pending.push(row);
    }
    return this;
  }

  run(seconds: number): Composed {
    const history = new Map<string, HistoryRow[]>();
    for (const e of this.events) history.set(e.worker_name, [...(history.get(e.worker_name) ?? []), e]);
    const result = compose({
      route: this.route,
      now: at(seconds),
      pending: this.pending,
      states: this.states,
      history,
    });
    this.pending = [];
    for (const state of result.states) this.states.set(state.worker_name, state);
    if (result.items.length > 0) this.messages.push(result.items);
    this.results.push(result);
    return result;
  }
}
