// A generic webhook, signed as Standard Webhooks says: `webhook-id` (the message's, the same on
// every attempt, so a receiver deduplicates), `webhook-timestamp`, and `webhook-signature`
// (HMAC-SHA256 with the route's signing secret, by the standardwebhooks package). The body carries
// the items as data, for machines. Secrets: <SECRET> is the URL, <SECRET>_SIGNING_SECRET the
// whsec_… key the receiver verifies with.
import { Webhook } from 'standardwebhooks';
import { plain } from '../escape.ts';
import { headline } from '../wording.ts';
import { json, type Outgoing, type RenderContext, requireSecret, requireUrl, SetupError } from './request.ts';

export function webhookRequest({ message, route, secrets, now }: RenderContext): Outgoing {
  const url = requireUrl(secrets, route.secret, 'the webhook URL');
  const signingSecret = requireSecret(
    secrets,
    `${route.secret}_SIGNING_SECRET`,
    'the webhook signing secret',
  );
  const body = {
    type: 'worker.alerts',
    timestamp: now.toISOString(),
    data: {
      route: route.name,
      message_id: message.webhook_id,
      summary: headline(message.items, plain),
      items: message.items,
    },
  };
  const request = json(url.href, body);
  let signature: string;
  try {
    signature = new Webhook(signingSecret).sign(message.webhook_id, now, request.init.body);
  } catch (error) {
    throw new SetupError(
      `the secret ${route.secret}_SIGNING_SECRET is not a signing key: ${(error as Error).message}`,
    );
  }
  Object.assign(request.init.headers, {
    'webhook-id': message.webhook_id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signature,
  });
  return request;
}
