// The channels by name: each turns a message into the request that delivers it. `log` has no
// request: the drain prints the message (the local stack's default route).
import type { Channel } from '../types.ts';
import { discordRequest } from './discord.ts';
import { emailRequest } from './email.ts';
import { ntfyRequest } from './ntfy.ts';
import type { Outgoing, RenderContext } from './request.ts';
import { slackRequest } from './slack.ts';
import { telegramRequest } from './telegram.ts';
import { webhookRequest } from './webhook.ts';

export const REQUESTS: Record<Exclude<Channel, 'log'>, (context: RenderContext) => Outgoing> = {
  webhook: webhookRequest,
  slack: slackRequest,
  discord: discordRequest,
  email: emailRequest,
  ntfy: ntfyRequest,
  telegram: telegramRequest,
};
