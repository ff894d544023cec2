'use client';
// The host's own count of problems, from the section's event (it bubbles out of the shadow root).
import { useEffect, useState } from 'react';
import type { WorkerStatusChangeEvent } from '@hp/worker-status';

export function Problems() {
  const [problems, setProblems] = useState<number | null>(null);
  useEffect(() => {
    const listener = (event: WorkerStatusChangeEvent) => setProblems(event.detail.problems);
    document.addEventListener('worker-status-change', listener);
    return () => document.removeEventListener('worker-status-change', listener);
  }, []);
  return <p data-testid="problems">{problems === null ? '' : `${problems} need attention`}</p>;
}
