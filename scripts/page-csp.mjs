// The standalone page's connect-src, from the Supabase URL the bundle is built with. vercel.json's
// header allows any https: and wss: origin for connect-src (a ceiling: a deployment's vercel.json
// cannot know the project), and the page narrows it with a <meta> policy naming the project's own
// origins, so a custom domain or a self-hosted Supabase works and nothing else is reachable. A
// browser enforces both policies: what connects must pass each.

/** The origins a section built for `url` connects to: the REST origin and its WebSocket twin. */
export function connectOrigins(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  if (!['https:', 'http:'].includes(parsed.protocol)) return [];
  const socket = parsed.protocol === 'https:' ? 'wss:' : 'ws:';
  return [parsed.origin, `${socket}//${parsed.host}`];
}

/** The <meta> policy for a bundle built for `url` (only 'self' without one). */
export function connectPolicyMeta(url) {
  const sources = ["'self'", ...connectOrigins(url)].join(' ');
  return `<meta http-equiv="Content-Security-Policy" content="connect-src ${sources}">`;
}

/** `html` with that policy as the first thing in its <head>, before any script or link. */
export function withConnectPolicy(html, url) {
  const head = html.match(/<head[^>]*>/);
  if (!head) throw new Error('page-csp: the page has no <head>');
  return html.replace(head[0], `${head[0]}${connectPolicyMeta(url)}`);
}
