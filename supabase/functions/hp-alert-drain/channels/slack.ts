// Slack incoming webhooks: Block Kit (a bold headline, one line per item, a context line) with the
// top-level `text` Slack shows in notifications. Names escaped for mrkdwn (&, <, >: no mentions,
// no links). Limits kept: a section's text under 3,000 characters, under 50 blocks.
import { slack as esc } from '../escape.ts';
import { headline, lateNote, line } from '../wording.ts';
import { json, type Outgoing, type RenderContext, requireUrl } from './request.ts';

const SECTION_CHARS = 2900;

/** Lines packed into sections of at most SECTION_CHARS, with "and N more" past MAX_SECTIONS. */
function sections(lines: string[], max: number): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < lines.length; i += 1) {
    const next = current ? `${current}\n${lines[i]}` : lines[i];
    if (next.length <= SECTION_CHARS) {
      current = next;
      continue;
    }
    if (current) out.push(current);
    if (out.length === max) {
      out[max - 1] += `\n…and ${lines.length - i} more`;
      return out;
    }
    current = lines[i].slice(0, SECTION_CHARS);
  }
  if (current) out.push(current);
  return out;
}

export function slackRequest({ message, route, secrets, now }: RenderContext): Outgoing {
  const url = requireUrl(secrets, route.secret, 'the Slack webhook URL');
  const title = headline(message.items, esc);
  const lines = message.items.map((item) => `• ${line(item, now, esc)}`);
  const note = lateNote(message.items, now);
  const blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${title}*` } },
    ...sections(lines, 40).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    {
      type: 'context',
      elements: [{
        type: 'mrkdwn',
        text: [`Worker Status · route ${esc(route.name)}`, note].filter(Boolean).join(' · '),
      }],
    },
  ];
  return json(url.href, { text: title, blocks });
}
