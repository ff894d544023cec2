// <worker-status> in React 19's TSX: the tag's attributes and its event, for a page that writes
// the raw tag (the npm package's `/react` entry brings these in; the deployment's
// worker-status.d.ts carries them after the element's types).
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { WorkerStatusAttributes, WorkerStatusChangeEvent, WorkerStatusElement } from './worker-status.js';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'worker-status': DetailedHTMLProps<HTMLAttributes<WorkerStatusElement>, WorkerStatusElement> &
        WorkerStatusAttributes & {
          /** React 19 listens to the element's custom event through this prop. */
          'onworker-status-change'?: (event: WorkerStatusChangeEvent) => void;
        };
    }
  }
}
