'use client';
// <WorkerStatus />: the <worker-status> element as a React component (React 19). Importing this
// module defines the element in the browser (./worker-status.js; nothing on a server, where the
// tag is rendered as HTML and upgraded once the browser defines it). Props become the element's
// attributes; `onChange` receives the `worker-status-change` event's detail.
import { createElement, useEffect, useRef } from 'react';
import './worker-status.js';

/** Props and the attribute each one sets. */
const ATTRIBUTES = {
  supabaseUrl: 'supabase-url',
  supabaseKey: 'supabase-key',
  theme: 'theme',
  lateAfter: 'late-after',
  stoppedAfter: 'stopped-after',
  groupBy: 'group-by',
  view: 'view',
  realtime: 'realtime',
};

/** The attribute's text for a prop's value; undefined leaves the attribute out. */
function attributeValue(value) {
  if (value === undefined || value === null || value === false) return undefined;
  return String(value);
}

export function WorkerStatus({ onChange, updateTitle, className, style, id, ...props }) {
  const ref = useRef(null);
  // The latest callback, without re-adding the listener on every render.
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => {
    const element = ref.current;
    if (element === null) return undefined;
    const listener = (event) => latest.current?.(event.detail, event);
    element.addEventListener('worker-status-change', listener);
    return () => element.removeEventListener('worker-status-change', listener);
  }, []);
  const attributes = { ref, className, style, id };
  for (const [prop, name] of Object.entries(ATTRIBUTES)) {
    const value = attributeValue(props[prop]);
    if (value !== undefined) attributes[name] = value;
  }
  if (updateTitle) attributes['update-title'] = '';
  return createElement('worker-status', attributes);
}
