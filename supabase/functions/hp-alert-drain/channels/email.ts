// Email through an HTTP API (Edge Functions cannot open SMTP ports): Resend's `POST /emails`, the
// provider Supabase's own Edge Function guides use. The route's secret is the API key; `target`
// the recipients (comma-separated), `sender` the From address. `Idempotency-Key` is the message's
// webhook id, so a retry after a lost answer sends no second email. HTML escaped; text plain.
// HP_ALERT_EMAIL_API_URL points it at another Resend-compatible endpoint.
import { html as esc, plain } from '../escape.ts';
import { headline, lateNote, line } from '../wording.ts';
import { json, type Outgoing, type RenderContext, requireSecret } from './request.ts';

const DEFAULT_API = 'https://api.resend.com/emails';

export function emailRequest({ message, route, secrets, now }: RenderContext): Outgoing {
  const key = requireSecret(secrets, route.secret, 'the email API key');
  const api = secrets('HP_ALERT_EMAIL_API_URL') ?? DEFAULT_API;
  const to = (route.target ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const note = lateNote(message.items, now);
  const subject = `[Worker Status] ${headline(message.items, plain)}`.slice(0, 250);
  const text = [
    ...message.items.map((item) => `- ${line(item, now, plain)}`),
    '',
    ...(note ? [note] : []),
    `Route ${route.name}. Message ${message.webhook_id}.`,
  ].join('\n');
  const body = [
    `<p><strong>${headline(message.items, esc)}</strong></p>`,
    `<ul>${message.items.map((item) => `<li>${line(item, now, esc)}</li>`).join('')}</ul>`,
    note ? `<p>${esc(note)}</p>` : '',
    `<p style="color:#5f6368">Route ${esc(route.name)}. Message ${esc(message.webhook_id)}.</p>`,
  ].join('');
  return json(api, { from: route.sender, to, subject, text, html: body }, {
    authorization: `Bearer ${key}`,
    'idempotency-key': message.webhook_id,
  });
}
