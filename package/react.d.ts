// Types of <WorkerStatus /> (./react.js), and of the raw <worker-status> tag in React's TSX.
import type { CSSProperties, JSX } from 'react';
import type { WorkerStatusChangeDetail, WorkerStatusChangeEvent } from './worker-status.js';
import './jsx.js';

export type { WorkerStatusChangeDetail, WorkerStatusChangeEvent, WorkerStatusElement } from './worker-status.js';

/** The section's settings; each becomes the element's attribute of the same name in kebab case. */
export interface WorkerStatusProps {
  /** The Supabase project URL, `https://<ref>.supabase.co` (or a custom domain, or self-hosted). */
  supabaseUrl: string;
  /** The project's publishable key `sb_publishable_…` or legacy anon key; never a secret key. */
  supabaseKey: string;
  /** Light or dark; default: the user's system preference. */
  theme?: 'light' | 'dark';
  /** Seconds without a heartbeat before a running worker shows Late (default 60). */
  lateAfter?: number;
  /** Seconds without a heartbeat before any worker shows Stopped (default 300). */
  stoppedAfter?: number;
  /** The page's title and icon show the problem count, restored when the section goes. */
  updateTitle?: boolean;
  /** The metadata key the list is grouped by at first. */
  groupBy?: string;
  /** The wall-screen view. */
  view?: 'tv';
  /** How the section follows the table: Postgres Changes (default) or Broadcast from the database. */
  realtime?: 'postgres_changes' | 'broadcast';
  /** Called when the counts change (the `worker-status-change` event). */
  onChange?: (detail: WorkerStatusChangeDetail, event: WorkerStatusChangeEvent) => void;
  className?: string;
  style?: CSSProperties;
  id?: string;
}

/** The Worker Status section. Changing a setting remounts it. */
export declare function WorkerStatus(props: WorkerStatusProps): JSX.Element;
