// Types of <worker-status>, the Worker Status section's custom element, for TypeScript hosts.
// The npm package ships them as its root's types, and loader/jsx.d.ts (the tag in React's TSX) as
// part of its `/react` entry. The deployment serves both, joined, as worker-status.d.ts beside
// worker-status.js (scripts/write-loader.mjs): copy it into the project's sources (or list it in
// tsconfig.json's "include"); its React part needs React 19's types (`@types/react`).

/** `detail` of the `worker-status-change` event (bubbles, composed), sent when the counts change. */
export interface WorkerStatusChangeDetail {
  /** Workers Running. */
  running: number;
  /** Workers in the table. */
  total: number;
  /** Workers Crashed, Late or Stopped. */
  problems: number;
}

/** The element's attributes. Changing one remounts the section. */
export interface WorkerStatusAttributes {
  /** The Supabase project URL (the deployment's loader defaults to the URL it was built with; the npm package has no default). */
  'supabase-url'?: string;
  /** The project's publishable key `sb_publishable_…` or legacy anon key; never a secret key. */
  'supabase-key'?: string;
  /** Light or dark; default: the user's system preference. */
  theme?: 'light' | 'dark';
  /** Seconds without a heartbeat before a running worker shows Late (default 60). */
  'late-after'?: number | `${number}`;
  /** Seconds without a heartbeat before any worker shows Stopped (default 300). */
  'stopped-after'?: number | `${number}`;
  /** The page's title and icon show the problem count, restored when the section goes. */
  'update-title'?: boolean | 'true' | 'false' | '';
  /** The metadata key the list is grouped by at first. */
  'group-by'?: string;
  /** The wall-screen view. */
  view?: 'tv';
  /** How the section follows the table: Postgres Changes (default) or Broadcast from the database. */
  realtime?: 'postgres_changes' | 'broadcast';
}

/** The `<worker-status>` element. */
export interface WorkerStatusElement extends HTMLElement {}

/** The `worker-status-change` event. */
export type WorkerStatusChangeEvent = CustomEvent<WorkerStatusChangeDetail>;

declare global {
  interface HTMLElementTagNameMap {
    'worker-status': WorkerStatusElement;
  }
  interface GlobalEventHandlersEventMap {
    'worker-status-change': WorkerStatusChangeEvent;
  }
}
