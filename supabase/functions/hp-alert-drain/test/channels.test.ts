// Each channel's request for one message: where it goes, what it says, and that a hostile worker
// name stays text in every format (no mention, no link, no markup).
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { REQUESTS } from '../channels/mod.ts';
import { SetupError } from '../channels/request.ts';
import type { Item, Message } from '../types.ts';
import { route } from './fixtures.ts';

const HOSTILE = '<!channel> @everyone **x** <b>y</b> [z](http://evil.test) & more';
const now = new Date('2026-12-06T12:10:00Z');
const down = (worker: string): Item => ({
  type: 'down',
  worker,
  status: 'stopped',
  cause: 'silence',
  at: '2026-12-06T12:05:00Z',
  silent_since: '2026-12-06T12:00:00Z',
  events: [1],
});
const message = (items: Item[]): Message => ({
  id: 1,
  route: 'ops',
  webhook_id: 'msg_abc',
  items,
  attempts: 1,
  created_at: now,
});
const SIGNING = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const secrets = (values: Record<string, string>) => (name: string) => values[name];

Deno.test('webhook: Standard Webhooks headers a receiver verifies with the official package', () => {
  // The receiver refuses a timestamp over 5 minutes from its clock: sign now.
  const now = new Date();
  const request = REQUESTS.webhook({
    message: message([down('crawl-worker')]),
    route: route(),
    secrets: secrets({ OPS_HOOK: 'https://hooks.example.test/in', OPS_HOOK_SIGNING_SECRET: SIGNING }),
    now,
  });
  assert.equal(request.url, 'https://hooks.example.test/in');
  const headers = request.init.headers;
  assert.equal(headers['webhook-id'], 'msg_abc');
  assert.equal(headers['webhook-timestamp'], String(Math.floor(now.getTime() / 1000)));
  const verified = new Webhook(SIGNING).verify(request.init.body, headers) as {
    data: { items: Item[]; summary: string };
  };
  assert.equal(verified.data.items[0].type, 'down');
  assert.equal(verified.data.summary, 'crawl-worker is Stopped: no heartbeat');
  assert.throws(() =>
    new Webhook('whsec_' + btoa('another key of 24 bytes!')).verify(request.init.body, headers)
  );
});

Deno.test('webhook: a missing signing secret is a set-up error naming it, not a silent unsigned post', () => {
  assert.throws(
    () =>
      REQUESTS.webhook({
        message: message([down('a')]),
        route: route(),
        secrets: secrets({ OPS_HOOK: 'https://x.test/' }),
        now,
      }),
    (error: Error) => error instanceof SetupError && /OPS_HOOK_SIGNING_SECRET/.test(error.message),
  );
});

Deno.test('slack: Block Kit with a top-level text, a hostile name escaped', () => {
  const request = REQUESTS.slack({
    message: message([down(HOSTILE)]),
    route: route({ channel: 'slack', secret: 'SLACK_URL' }),
    secrets: secrets({ SLACK_URL: 'https://hooks.slack.test/services/T/B/X' }),
    now,
  });
  const body = JSON.parse(request.init.body);
  assert.equal(typeof body.text, 'string');
  assert.ok(Array.isArray(body.blocks) && body.blocks.length >= 2);
  const all = JSON.stringify(body);
  assert.ok(!all.includes('<!channel>'), 'no mention survives');
  assert.ok(!all.includes('<b>'), 'no markup survives');
  assert.ok(body.text.includes('&lt;!channel&gt;'));
});

Deno.test('slack: a digest of 500 workers stays within Slack limits', () => {
  const items = Array.from({ length: 500 }, (_, i) => down(`worker-${i}`));
  const body = JSON.parse(
    REQUESTS.slack({
      message: message(items),
      route: route({ channel: 'slack', secret: 'S' }),
      secrets: secrets({ S: 'https://h.test/' }),
      now,
    }).init.body,
  );
  assert.ok(body.blocks.length <= 50);
  for (const block of body.blocks) if (block.text) assert.ok(block.text.text.length <= 3000);
  assert.match(
    body.text,
    /^500 workers stopped: worker-0, worker-1, worker-2, worker-3, worker-4 and 495 more$/,
  );
});

Deno.test('discord: embeds, wait=true, no mentions parsed, markdown escaped', () => {
  const request = REQUESTS.discord({
    message: message([down(HOSTILE)]),
    route: route({ channel: 'discord', secret: 'D' }),
    secrets: secrets({ D: 'https://discord.test/api/webhooks/1/abc?thread_id=9' }),
    now,
  });
  const url = new URL(request.url);
  assert.equal(url.searchParams.get('wait'), 'true');
  assert.equal(url.searchParams.get('thread_id'), '9');
  const body = JSON.parse(request.init.body);
  assert.deepEqual(body.allowed_mentions, { parse: [] });
  assert.equal(body.embeds.length, 1);
  assert.ok(body.content.includes('\\@everyone'));
  assert.ok(body.content.includes('\\*\\*x\\*\\*'));
  assert.ok(body.content.includes('\\[z\\]\\(http'));
});

Deno.test('email: Resend-shaped, idempotent on the webhook id, HTML escaped', () => {
  const request = REQUESTS.email({
    message: message([down(HOSTILE)]),
    route: route({
      channel: 'email',
      secret: 'RESEND_KEY',
      target: 'ops@example.test, oncall@example.test',
      sender: 'Alerts <alerts@example.test>',
    }),
    secrets: secrets({ RESEND_KEY: 're_test', HP_ALERT_EMAIL_API_URL: 'http://127.0.0.1:9/emails' }),
    now,
  });
  assert.equal(request.url, 'http://127.0.0.1:9/emails');
  assert.equal(request.init.headers.authorization, 'Bearer re_test');
  assert.equal(request.init.headers['idempotency-key'], 'msg_abc');
  const body = JSON.parse(request.init.body);
  assert.deepEqual(body.to, ['ops@example.test', 'oncall@example.test']);
  assert.ok(!body.html.includes('<b>y</b>'));
  assert.ok(body.html.includes('&lt;b&gt;y&lt;/b&gt;'));
  assert.ok(!body.subject.includes('\n'));
});

Deno.test('ntfy and telegram: the topic and the chat, names as text', () => {
  const ntfy = REQUESTS.ntfy({
    message: message([down('a\nb')]),
    route: route({ channel: 'ntfy', secret: 'N' }),
    secrets: secrets({ N: 'https://ntfy.test/ops-alerts-x7' }),
    now,
  });
  assert.equal(ntfy.url, 'https://ntfy.test/');
  const n = JSON.parse(ntfy.init.body);
  assert.equal(n.topic, 'ops-alerts-x7');
  assert.ok(!n.title.includes('\n'), 'one name, one line');
  const telegram = REQUESTS.telegram({
    message: message([down(HOSTILE)]),
    route: route({ channel: 'telegram', secret: 'T', target: '-100123' }),
    secrets: secrets({ T: '123:abc', HP_ALERT_TELEGRAM_API_URL: 'http://127.0.0.1:9/' }),
    now,
  });
  assert.equal(telegram.url, 'http://127.0.0.1:9/bot123:abc/sendMessage');
  const t = JSON.parse(telegram.init.body);
  assert.equal(t.chat_id, '-100123');
  assert.equal(t.parse_mode, 'HTML');
  assert.ok(!t.text.includes('<b>y</b>'));
});

Deno.test('a message delivered late says when it happened', () => {
  const later = new Date('2026-12-06T14:05:00Z');
  const body = JSON.parse(
    REQUESTS.slack({
      message: message([down('a')]),
      route: route({ channel: 'slack', secret: 'S' }),
      secrets: secrets({ S: 'https://h.test/' }),
      now: later,
    }).init.body,
  );
  assert.match(JSON.stringify(body.blocks.at(-1)), /Delivered 2 h after it happened \(12:05:00 UTC\)/);
});
