// Sending one message through its route's channel, with a time limit, and reading the answer into
// an Outcome. Never throws: a missing secret, a refused connection or a timeout is an Outcome too.
import { REQUESTS } from './channels/mod.ts';
import { type Secrets, SetupError } from './channels/request.ts';
import { classify, type Outcome } from './retry.ts';
import { headline, line } from './wording.ts';
import { plain } from './escape.ts';
import type { Message, Route } from './types.ts';

export interface DeliverOptions {
  secrets: Secrets;
  timeoutMs: number;
  now: () => Date;
  fetch?: typeof fetch;
  /** Where the log channel writes. */
  print?: (text: string) => void;
}

export async function deliver(message: Message, route: Route, options: DeliverOptions): Promise<Outcome> {
  const now = options.now();
  if (route.channel === 'log') {
    const lines = message.items.map((item) => `  ${line(item, now, plain)}`);
    (options.print ?? console.log)(
      `alert [${route.name}] ${headline(message.items, plain)}\n${lines.join('\n')}`,
    );
    return { ok: true, status: 200 };
  }
  let request;
  try {
    request = REQUESTS[route.channel]({ message, route, secrets: options.secrets, now });
  } catch (error) {
    const setup = error instanceof SetupError;
    return { ok: false, status: null, error: (error as Error).message, retryAfterMs: null, broken: setup };
  }
  try {
    const response = await (options.fetch ?? fetch)(request.url, {
      ...request.init,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const body = await response.text().catch(() => '');
    return classify(response.status, response.headers, body, options.now());
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError'
      ? `no answer within ${options.timeoutMs} ms`
      : (error as Error).message;
    // The URL may hold a token (Telegram's bot token, a webhook's path): never in an error.
    return {
      ok: false,
      status: null,
      error: `not sent: ${reason.replaceAll(request.url, '<url>')}`,
      retryAfterMs: null,
      broken: false,
    };
  }
}
