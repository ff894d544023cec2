// Telegram: the Bot API's sendMessage with the route's secret as the bot token and `target` as
// the chat id, in HTML mode (names escaped), no link previews. HP_ALERT_TELEGRAM_API_URL points it
// at another Bot API server.
import { html as esc } from '../escape.ts';
import { headline, lateNote, line } from '../wording.ts';
import { json, type Outgoing, type RenderContext, requireSecret } from './request.ts';

const DEFAULT_API = 'https://api.telegram.org';

export function telegramRequest({ message, route, secrets, now }: RenderContext): Outgoing {
  const token = requireSecret(secrets, route.secret, 'the Telegram bot token');
  const api = (secrets('HP_ALERT_TELEGRAM_API_URL') ?? DEFAULT_API).replace(/\/+$/, '');
  const note = lateNote(message.items, now);
  const text = [
    `<b>${headline(message.items, esc)}</b>`,
    ...message.items.map((item) => `• ${line(item, now, esc)}`),
    ...(note ? [`<i>${esc(note)}</i>`] : []),
  ].join('\n').slice(0, 4000);
  return json(`${api}/bot${token}/sendMessage`, {
    chat_id: route.target,
    text,
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  });
}
