// ntfy: JSON publishing to the server of the topic URL held by the route's secret (the topic name
// is the secret part), with a title, tags and a priority by severity; <SECRET>_TOKEN, when set, is
// sent as a bearer token. Plain text: ntfy does not render markup unless asked.
import { plain } from '../escape.ts';
import { headline, lateNote, line, severity } from '../wording.ts';
import { json, type Outgoing, type RenderContext, requireUrl, SetupError } from './request.ts';

const PRIORITY = { down: 4, flapping: 4, up: 3, test: 3 };
const TAGS = {
  down: ['rotating_light'],
  flapping: ['warning'],
  up: ['white_check_mark'],
  test: ['test_tube'],
};

export function ntfyRequest({ message, route, secrets, now }: RenderContext): Outgoing {
  const topicUrl = requireUrl(secrets, route.secret, 'the ntfy topic URL');
  const topic = topicUrl.pathname.split('/').filter(Boolean).pop();
  if (!topic) throw new SetupError(`the secret ${route.secret} (the ntfy topic URL) names no topic`);
  const server = new URL(
    topicUrl.pathname.slice(0, topicUrl.pathname.lastIndexOf('/')) || '/',
    topicUrl.origin,
  );
  const token = secrets(`${route.secret}_TOKEN`);
  const level = severity(message.items);
  const note = lateNote(message.items, now);
  return json(server.href, {
    topic,
    title: headline(message.items, plain),
    message: [...message.items.map((item) => line(item, now, plain)), ...(note ? [note] : [])].join('\n'),
    priority: PRIORITY[level],
    tags: TAGS[level],
  }, token ? { authorization: `Bearer ${token}` } : {});
}
