// Discord webhooks: `content` with the headline, one embed with a line per item (coloured by the
// worst), `allowed_mentions: { parse: [] }` so a name can never ping anyone, and `?wait=true` so
// Discord answers only once the message exists (a 2xx means it was posted). Names escaped for
// Discord's markdown. Limits kept: content 2,000, embed title 256, description 4,096.
import { discord as esc } from '../escape.ts';
import { headline, lateNote, line, severity } from '../wording.ts';
import { json, type Outgoing, type RenderContext, requireUrl } from './request.ts';

const COLOUR = { down: 0xd93025, flapping: 0xf29900, up: 0x188038, test: 0x5f6368 };

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function discordRequest({ message, route, secrets, now }: RenderContext): Outgoing {
  const url = requireUrl(secrets, route.secret, 'the Discord webhook URL');
  url.searchParams.set('wait', 'true');
  const title = headline(message.items, esc);
  const note = lateNote(message.items, now);
  const description = cut(message.items.map((item) => `• ${line(item, now, esc)}`).join('\n'), 4096);
  return json(url.href, {
    content: cut(title, 2000),
    embeds: [{
      title: cut(title, 256),
      description,
      color: COLOUR[severity(message.items)],
      timestamp: message.items[0]?.at ?? now.toISOString(),
      footer: { text: cut([`Worker Status · route ${route.name}`, note].filter(Boolean).join(' · '), 2048) },
    }],
    allowed_mentions: { parse: [] },
  });
}
