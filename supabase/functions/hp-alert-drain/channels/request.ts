// What every channel produces: the HTTP request that delivers one message, built from the message,
// its route and the route's secrets, without sending anything.
import type { Message, Route } from '../types.ts';

export interface Outgoing {
  url: string;
  init: RequestInit & { headers: Record<string, string>; body: string };
}

/** Reads a secret (an Edge Function secret, or the drain's environment). */
export type Secrets = (name: string) => string | undefined;

/** A route that cannot be sent to until someone fixes its set-up (a secret missing or malformed). */
export class SetupError extends Error {}

export interface RenderContext {
  message: Message;
  route: Route;
  secrets: Secrets;
  now: Date;
}

/** The secret a route names, or a SetupError that says which to set. */
export function requireSecret(secrets: Secrets, name: string | null, what: string): string {
  const value = name ? secrets(name)?.trim() : undefined;
  if (!value) throw new SetupError(`the secret ${name ?? '(none named)'} (${what}) is not set`);
  return value;
}

/** The secret as an http(s) URL, or a SetupError. */
export function requireUrl(secrets: Secrets, name: string | null, what: string): URL {
  const value = requireSecret(secrets, name, what);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SetupError(`the secret ${name} (${what}) is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SetupError(`the secret ${name} (${what}) is not an http(s) URL`);
  }
  return url;
}

export function json(url: string, body: unknown, headers: Record<string, string> = {}): Outgoing {
  return {
    url,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
  };
}
