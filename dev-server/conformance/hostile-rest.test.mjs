// The gateway's REST under hostile requests with the public key (issue 12): 10,000 generated and
// adversarial requests (SQL metacharacters in identifiers and values, huge and unicode values,
// nested not., bad ranges and Prefer headers, malformed JSON bodies, every method). The gateway
// must never answer 5xx other than PostgREST's own errors, never panic or stop, never let anon
// change the table, and answer errors in PostgREST's shape ({code, message, details, hint}) or,
// for what the API gateway itself refuses, Kong's ({message}).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway } from '../../scripts/gateway-process.mjs';

const REQUESTS = Number(process.env.HOSTILE_REST_REQUESTS ?? 10_000);
const PARALLEL = 8;
let gateway;

before(async () => {
  gateway = await startGateway();
});
after(() => gateway.stop());

/** A seeded generator, so a failure can be replayed. */
function generator(seed) {
  let state = BigInt(seed);
  const next = () => {
    state ^= (state << 13n) & 0xffffffffffffffffn;
    state ^= state >> 7n;
    state ^= (state << 17n) & 0xffffffffffffffffn;
    return Number(state & 0xffffffffn);
  };
  return {
    below: (n) => next() % n,
    pick: (items) => items[next() % items.length],
  };
}

const COLUMNS = ['worker_name', 'status', 'last_heartbeat', 'jobs_processed', 'metadata', 'metadata->>host', 'display_order', '*', 'nope', 'x"y', 'a,b', '(', ')', '"', "'", ';', '--', 'worker_name::text', 'count()', ''];
const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'in', 'is', 'not.eq', 'not.not.not.eq', 'not.in', 'cs', 'fts', 'bogus', 'eq.', ''];
const VALUES = [
  'x-autopost', "'; drop table hp_worker_status; --", '"quoted"', '(a,b)', '("a","b")', '(1,2', 'null', 'true', 'NULL', '%', '*', '\\', '\u0000',
  'é😀\u202e', '1e309', '-0', '99999999999999999999999999', '', ',', '.', 'a'.repeat(20_000), '<script>alert(1)</script>', '$1', '${x}', 'unknown',
];
const PREFER = ['return=representation', 'return=minimal', 'resolution=merge-duplicates', 'resolution=ignore-duplicates', 'count=exact', 'count=planned',
  'count=bogus', 'tx=rollback', 'missing=default', 'return=representation,count=exact', ';;;', 'a'.repeat(5000), 'return=', '=', 'handling=strict'];
const RANGES = ['0-9', '5-1', '-1-3', 'a-b', '0-', '99999999999999999999-1', '', 'bytes=0-1', '0-0'];
const BODIES = [
  '', '{', '[', '{"worker_name":', 'null', '[]', '{}', '[{}]', '"text"', '123', '{"worker_name":"anon-was-here","status":"running"}',
  '[{"worker_name":"anon-was-here"},{"worker_name":"x-autopost","status":"crashed"}]', '{"status":"crashed"}', '{"worker_name":"x","metadata":{"a":[[[[[[]]]]]]}}',
  `{"worker_name":"${'w'.repeat(100_000)}"}`, '{"worker_name":"\\ud800"}', '{"jobs_processed":1e400}', '{"__proto__":{"admin":true}}', '\u0000', '\ufeff{}',
];
const METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'];
const TABLES = ['hp_worker_status', 'hp_worker_status', 'hp_worker_status', 'pg_roles', 'HP_WORKER_STATUS', 'hp_worker_status"', 'hp_worker_status;', '..%2Fauth',
  'realtime.messages', 'schema_migrations', '', '%00', 'hp_worker_status/extra'];

function request(random) {
  const method = random.pick(METHODS);
  const params = [];
  for (let i = random.below(4); i > 0; i -= 1) {
    const column = random.pick(COLUMNS);
    const operator = random.pick(OPERATORS);
    params.push(`${encodeURIComponent(column)}=${encodeURIComponent(`${operator}.${random.pick(VALUES)}`)}`);
  }
  if (random.below(2)) params.push(`select=${encodeURIComponent([random.pick(COLUMNS), random.pick(COLUMNS)].join(','))}`);
  if (random.below(4) === 0) params.push(`order=${encodeURIComponent(`${random.pick(COLUMNS)}.${random.pick(['asc', 'desc', 'nullsfirst', 'bogus'])}`)}`);
  if (random.below(4) === 0) params.push(`limit=${encodeURIComponent(random.pick(['1', '-1', 'abc', '99999999999999999999', '0']))}`);
  if (random.below(5) === 0) params.push(`offset=${encodeURIComponent(random.pick(['1', '-5', 'x']))}`);
  if (random.below(6) === 0) params.push(`on_conflict=${encodeURIComponent(random.pick(COLUMNS))}`);
  if (random.below(6) === 0) params.push(`or=${encodeURIComponent(`(${random.pick(COLUMNS)}.eq.${random.pick(VALUES)},not.and(a.eq.1)`)}`);
  const headers = { apikey: gateway.publishableKey, Authorization: `Bearer ${gateway.publishableKey}` };
  if (random.below(2)) headers.Prefer = random.pick(PREFER);
  if (random.below(4) === 0) headers.Range = random.pick(RANGES);
  if (random.below(6) === 0) headers['Accept-Profile'] = random.pick(['public', 'auth', 'pg_catalog', '"', '']);
  if (random.below(8) === 0) headers.Authorization = random.pick(['Bearer ', 'Bearer x.y.z', 'Basic abc', `Bearer ${gateway.publishableKey}x`]);
  const hasBody = ['POST', 'PATCH', 'PUT'].includes(method);
  if (hasBody) headers['Content-Type'] = random.pick(['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', '']);
  return {
    method,
    // Most requests go to the real table, where the filters and bodies are actually read.
    url: `${gateway.url}/rest/v1/${random.below(10) < 7 ? 'hp_worker_status' : random.pick(TABLES)}${params.length ? `?${params.join('&')}` : ''}`,
    headers,
    body: hasBody ? random.pick(BODIES) : undefined,
  };
}

async function snapshot() {
  const response = await fetch(`${gateway.url}/rest/v1/hp_worker_status?select=*&order=worker_name`, {
    headers: { apikey: gateway.secretKey, Authorization: `Bearer ${gateway.secretKey}` },
  });
  assert.equal(response.status, 200);
  return response.json();
}

test(`${REQUESTS} hostile requests as anon: no 5xx but PostgREST's own, no panic, no change, errors in PostgREST's shape`, { timeout: 600_000 }, async () => {
  const before = await snapshot();
  const random = generator(0x5eed_1234_abcd);
  const statuses = new Map();
  const problems = [];
  let sent = 0;
  let reusedClosed = 0;
  const worker = async () => {
    while (sent < REQUESTS) {
      sent += 1;
      const spec = request(random);
      let response;
      for (let attempt = 0; !response; attempt += 1) {
        try {
          response = await fetch(spec.url, { method: spec.method, headers: spec.headers, body: spec.body });
        } catch (error) {
          // A kept-alive connection the server closed after answering a request early (without
          // reading its whole body) fails the next request on it, on the client's side: undici
          // reports it as a socket error, a broken pipe or a reset. Retried once, on a new one.
          if (attempt === 0 && ['UND_ERR_SOCKET', 'EPIPE', 'ECONNRESET'].includes(error.cause?.code)) {
            reusedClosed += 1;
            continue;
          }
          problems.push(`${spec.method} ${spec.url.slice(0, 200)}: no answer (${error.cause?.code ?? error.message})`);
          break;
        }
      }
      if (!response) continue;
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 400) {
        let body = null;
        try { body = JSON.parse(text); } catch { /* checked below */ }
        const postgrest = body && typeof body.message === 'string' && 'code' in body && 'details' in body && 'hint' in body;
        const kong = body && typeof body.message === 'string' && Object.keys(body).every((key) => ['message', 'hint'].includes(key));
        if (spec.method !== 'HEAD' && !postgrest && !kong) problems.push(`${spec.method} ${spec.url.slice(0, 200)}: ${response.status} body not in PostgREST's shape: ${text.slice(0, 200)}`);
        // PostgREST's own 5xx carry its codes (PGRST…) or a SQLSTATE; anything else is ours.
        if (response.status >= 500 && !(body && /^(PGRST\d{3}|[0-9A-Z]{5})$/.test(String(body.code)))) {
          problems.push(`${spec.method} ${spec.url.slice(0, 200)}: ${response.status} ${text.slice(0, 200)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ');
  console.log(`# ${REQUESTS} hostile requests as anon: ${summary} (${reusedClosed} retried on a closed kept-alive connection)`);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  assert.deepEqual(await snapshot(), before, 'anon changed the table');
  assert.doesNotMatch(gateway.output(), /panicked/, 'the gateway panicked');
  const alive = await fetch(`${gateway.url}/rest/v1/hp_worker_status?select=worker_name&limit=1`, { headers: { apikey: gateway.publishableKey } });
  assert.equal(alive.status, 200, 'the gateway still answers');
});
