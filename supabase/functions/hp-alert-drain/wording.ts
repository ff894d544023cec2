// The words of an alert, shared by every channel: the headline, one line per item, and the note
// on a message delivered late. Each takes the escaping of its format for the parts that are not
// ours (worker and route names), so the channels differ only in layout.
import { plain } from './escape.ts';
import type { DownStatus, Item } from './types.ts';

type Escape = (text: string) => string;

const WORD: Record<DownStatus | 'running', string> = {
  late: 'Late',
  stopped: 'Stopped',
  crashed: 'Crashed',
  running: 'Running',
};

/** "45 s", "6 min", "2 h 5 min", "3 d 4 h". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "14:03:20 UTC", with the date when it is not the day of `now`. */
export function clock(iso: string, now: Date): string {
  const at = new Date(iso);
  const time = at.toISOString().slice(11, 19);
  const day = at.toISOString().slice(0, 10);
  return day === now.toISOString().slice(0, 10) ? `${time} UTC` : `${day} ${time} UTC`;
}

/** How bad the worst item is: 'down', 'flapping', 'up' (colours, priorities). */
export function severity(items: Item[]): 'down' | 'flapping' | 'up' | 'test' {
  if (items.some((i) => i.type === 'down' || i.type === 'still_down')) return 'down';
  if (items.some((i) => i.type === 'flapping' || (i.type === 'steady' && i.now !== 'running'))) {
    return 'flapping';
  }
  if (items.every((i) => i.type === 'test')) return 'test';
  return 'up';
}

function name(worker: string, esc: Escape): string {
  return esc(plain(worker));
}

/** The headline of one item. */
function itemHeadline(item: Item, esc: Escape): string {
  switch (item.type) {
    case 'down':
      if (item.cause === 'breaker') return `${name(item.worker, esc)}: circuit breaker open (Crashed)`;
      if (item.cause === 'silence') return `${name(item.worker, esc)} is ${WORD[item.status]}: no heartbeat`;
      return `${name(item.worker, esc)} ${item.status === 'crashed' ? 'crashed' : 'stopped'}`;
    case 'recovered':
      return `${name(item.worker, esc)} recovered`;
    case 'flapping':
      return `${name(item.worker, esc)} is flapping`;
    case 'steady':
      return `${name(item.worker, esc)} is steady again: ${WORD[item.now]}`;
    case 'still_down':
      return `${name(item.worker, esc)} is still ${WORD[item.status]}`;
    case 'test':
      return `Test alert from Worker Status (route ${name(item.route, esc)})`;
  }
}

/** What the group of an item is called in a digest's headline: "stopped", "recovered"... */
function group(item: Item): string {
  switch (item.type) {
    case 'down':
      return item.status;
    case 'still_down':
      return `still ${item.status}`;
    default:
      return item.type;
  }
}

const NAMES_IN_HEADLINE = 5;

/** The message's headline: the item's own for one, a count and names for a digest. */
export function headline(items: Item[], esc: Escape): string {
  if (items.length === 1) return itemHeadline(items[0], esc);
  const groups = new Map<string, string[]>();
  for (const item of items) {
    const key = group(item);
    groups.set(key, [...(groups.get(key) ?? []), 'worker' in item ? item.worker : item.route]);
  }
  const names = (list: string[]) => {
    const shown = list.slice(0, NAMES_IN_HEADLINE).map((w) => name(w, esc)).join(', ');
    return list.length > NAMES_IN_HEADLINE ? `${shown} and ${list.length - NAMES_IN_HEADLINE} more` : shown;
  };
  if (groups.size === 1) {
    const [[key, list]] = [...groups];
    return `${list.length} workers ${key}: ${names(list)}`;
  }
  const parts = [...groups].map(([key, list]) => `${list.length} ${key}`);
  return `${items.length} worker alerts: ${parts.join(', ')}`;
}

/** One line per item: what happened, when, and since when. */
export function line(item: Item, now: Date, esc: Escape): string {
  const at = 'at' in item ? ` at ${clock(item.at, now)}` : '';
  switch (item.type) {
    case 'down': {
      const why = item.cause === 'breaker'
        ? 'circuit breaker open'
        : item.cause === 'silence'
        ? `no heartbeat since ${item.silent_since ? clock(item.silent_since, now) : 'a while'}`
        : `reported ${item.status}`;
      return `${name(item.worker, esc)}: ${WORD[item.status]} (${why})${at}`;
    }
    case 'recovered': {
      const down = new Date(item.at).getTime() - new Date(item.down_since).getTime();
      return `${name(item.worker, esc)}: Running again${at}, after ${duration(down)} ${WORD[item.was]}`;
    }
    case 'flapping':
      return `${name(item.worker, esc)}: flapping, ${item.changes} changes in ${
        duration(item.window_s * 1000)
      }` +
        ` (now ${item.now}); muted until steady for ${duration(item.window_s * 1000)}`;
    case 'steady':
      return `${name(item.worker, esc)}: steady since ${clock(item.at, now)}, now ${WORD[item.now]}` +
        ` (${item.changes} changes while flapping, since ${clock(item.since, now)})`;
    case 'still_down': {
      const down = now.getTime() - new Date(item.down_since).getTime();
      return `${name(item.worker, esc)}: still ${WORD[item.status]}, for ${duration(down)} (since ${
        clock(item.down_since, now)
      })`;
    }
    case 'test':
      return `A test through route ${name(item.route, esc)}: if you read this, alerts reach you here.`;
  }
}

/** How long after the first event this message goes out, when that is worth saying (over 2 min). */
export function lateNote(items: Item[], now: Date): string | null {
  const first = items.find((i) => i.type === 'down' || i.type === 'recovered' || i.type === 'flapping');
  if (!first) return null;
  const late = now.getTime() - new Date(first.at).getTime();
  return late > 120_000 ? `Delivered ${duration(late)} after it happened (${clock(first.at, now)}).` : null;
}
