// The Edge Function's door: only a POST with the drain's token runs the drain.
import assert from 'node:assert/strict';
import { handle } from '../handler.ts';

const env = (values: Record<string, string>) => (name: string) => values[name];
const post = (headers: Record<string, string> = {}) =>
  new Request('http://localhost/functions/v1/hp-alert-drain', { method: 'POST', headers, body: '{}' });

Deno.test('a GET is refused', async () => {
  const response = await handle(new Request('http://localhost/'), env({ HP_ALERT_DRAIN_TOKEN: 't' }));
  assert.equal(response.status, 405);
});

Deno.test('without the token secret set, nothing runs and the answer says what to set', async () => {
  const response = await handle(post({ authorization: 'Bearer x' }), env({}));
  assert.equal(response.status, 500);
  assert.match((await response.json()).error, /HP_ALERT_DRAIN_TOKEN/);
});

Deno.test('a wrong or missing bearer token is refused', async () => {
  const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, {
    authorization: 'Bearer secret-token-x',
  }];
  for (const headers of attempts) {
    const response = await handle(post(headers), env({ HP_ALERT_DRAIN_TOKEN: 'secret-token' }));
    assert.equal(response.status, 401, JSON.stringify(headers));
  }
});

Deno.test('the right token without a database is a 500 that names the missing setting', async () => {
  const response = await handle(
    post({ authorization: 'Bearer secret-token' }),
    env({ HP_ALERT_DRAIN_TOKEN: 'secret-token' }),
  );
  assert.equal(response.status, 500);
  assert.match((await response.json()).error, /SUPABASE_DB_URL/);
});
