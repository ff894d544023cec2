// Escaping a worker's name (or any text that is not ours) for each format a channel speaks, so a
// name is always shown as the text it is: never a mention, a link, markup or formatting.

/** Slack mrkdwn and plain `text`: Slack's three control characters (no <!channel>, no links). */
export function slack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Discord markdown: every formatting character backslashed (mentions are off by allowed_mentions). */
export function discord(text: string): string {
  return text.replace(/[\\*_~`|>#\-\[\]()<:@]/g, (c) => `\\${c}`);
}

/** HTML text and attribute values (email, Telegram's HTML mode). */
export function html(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Plain text: control characters (line breaks among them) become spaces, so one name is one line. */
export function plain(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
}
