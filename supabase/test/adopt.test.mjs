// supabase/adopt.sql and supabase/check.sql on real PostgreSQL (Supabase's roles, grants and
// publication from bootstrap.sql), starting from tables shaped like the setup guide's and its
// troubleshooting advice: each unsafe variant is reported by the check, the adoption keeps every
// row and column, then anon reads and cannot write through REST (publishable and legacy anon
// keys), the heartbeat module and the section work, and the check reports the database safe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startHeartbeat } from '../../workers/heartbeat/src/heartbeat.js';
import { gatewayOver, launchBrowser, serveHostPage, serveReleaseBundle, startDatabase } from '../../e2e/support.mjs';

const supabase = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADOPT = path.join(supabase, 'adopt.sql');
const CHECK = path.join(supabase, 'check.sql');
const run = promisify(execFile);

// The setup guide's table, as its SQL creates it.
const GUIDE_TABLE = `
  create table hp_worker_status (
    worker_name text primary key,
    status text default 'unknown',
    last_heartbeat timestamptz,
    jobs_processed integer default 0,
    error_count integer default 0,
    circuit_breaker_open boolean default false,
    metadata jsonb default '{}',
    description text,
    created_at timestamptz default now(),
    updated_at timestamptz default now()
  );
  alter table hp_worker_status enable row level security;
  create policy "Allow public read access" on hp_worker_status for select using (true);`;
const GUIDE_ROWS = `
  insert into hp_worker_status (worker_name, status, last_heartbeat, jobs_processed, error_count, metadata, description) values
    ('roundtable-worker', 'running', now() - interval '20 seconds', 142, 0, '{"host": "a"}', 'Conversation orchestration'),
    ('x-autopost', 'running', now() - interval '3 minutes', 12, 1, '{}', 'Tweet publishing'),
    ('crawl-worker', 'stopped', now() - interval '1 hour', 999, 7, '{}', 'Web crawling');`;

/** Each variant: SQL that makes the "before" database, and what the check must report then. */
const VARIANTS = {
  'the guide with its troubleshooting policy (FOR ALL USING (true))': {
    setup: `${GUIDE_TABLE}
      create policy "Allow service role full access" on hp_worker_status for all using (true);
      ${GUIDE_ROWS}`,
    unsafe: [/policy "Allow service role full access" lets public insert, update and delete rows \(no TO clause/, /anon holds the INSERT grant: the public key can fake workers/],
    fixes: [/drop policy "Allow service role full access" on public.hp_worker_status;/],
  },
  'minimal columns, row level security off, NULLs in the counters': {
    setup: `create table hp_worker_status (worker_name text primary key, status text, last_heartbeat timestamptz, jobs_processed int);
      insert into hp_worker_status values ('analyze-worker', null, now(), null), ('content-worker', 'running', now() - interval '10 seconds', 5);`,
    unsafe: [/row level security is off/, /anon holds the DELETE grant/],
    fixes: [/alter table public.hp_worker_status enable row level security;/],
  },
  'extra columns of the user, other indexes, a TO public insert policy and an anon update policy': {
    setup: `${GUIDE_TABLE}
      alter table hp_worker_status add column owner_team text, add column region text default 'eu';
      create index hp_worker_status_owner_idx on hp_worker_status (owner_team);
      create policy "workers insert" on hp_worker_status for insert to public with check (true);
      create policy "anon heartbeat" on hp_worker_status for update to anon using (true);
      ${GUIDE_ROWS}
      update hp_worker_status set owner_team = 'growth' where worker_name = 'x-autopost';`,
    unsafe: [/policy "workers insert" lets public insert rows/, /policy "anon heartbeat" lets anon update rows/],
    fixes: [/drop policy "workers insert"/, /drop policy "anon heartbeat"/],
  },
  'row level security off, and rows that break the constraints': {
    setup: `${GUIDE_TABLE}
      alter table hp_worker_status disable row level security;
      ${GUIDE_ROWS}
      insert into hp_worker_status (worker_name, status, jobs_processed, metadata) values
        ('legacy-busy', 'busy', 3, '{}'), ('negative', 'running', -4, '{}'), (repeat('x', 130), 'unknown', 0, '{}');`,
    unsafe: [/row level security is off/, /anon holds the UPDATE grant/],
    fixes: [/enable row level security/, /revoke update on table public.hp_worker_status from anon;/],
  },
};

let bundle;
let browser;
let tmp;

before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'adopt-'));
  await fs.mkdir(path.join(tmp, 'migrations'));
  await fs.copyFile(path.join(supabase, 'bootstrap.sql'), path.join(tmp, 'bootstrap.sql'));
  bundle = await serveReleaseBundle();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await bundle?.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Runs SQL (a file or a string) as postgres; resolves with the rows as arrays of strings. */
async function psql(database, { file, sql }) {
  const args = [database.databaseUrl, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-A', '-t', '-F', '\t',
    ...(file ? ['-f', file] : ['-c', sql])];
  const { stdout } = await run('psql', args, { env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
  return stdout.split('\n').filter((line) => line !== '').map((line) => line.split('\t'));
}

/** Every row as JSON, by name. */
async function rows(database) {
  const [[json]] = await psql(database, { sql: "select coalesce(json_object_agg(worker_name, row_to_json(t)), '{}') from public.hp_worker_status t" });
  return JSON.parse(json);
}

/** What one table looks like to a reader of the catalog: columns, constraints, indexes, policies, grants, triggers, publication, RLS. */
function tableCatalog(table) {
  return `json_build_object(
    'columns', (select json_agg(format('%s %s %s %s', attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(d.adbin, d.adrelid)) order by attnum)
                  from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                 where attrelid = 'public.${table}'::regclass and attnum > 0 and not attisdropped),
    'constraints', (select json_agg(format('%s %s %s', conname, convalidated, pg_get_constraintdef(oid)) order by conname) from pg_constraint where conrelid = 'public.${table}'::regclass),
    'indexes', (select json_agg(indexdef order by indexname) from pg_indexes where schemaname = 'public' and tablename = '${table}'),
    'policies', (select json_agg(format('%s %s %s %s', policyname, cmd, roles, qual) order by policyname) from pg_policies where tablename = '${table}'),
    'grants', (select json_agg(format('%s %s', grantee, privilege_type) order by grantee, privilege_type) from information_schema.role_table_grants where table_name = '${table}'),
    'triggers', (select json_agg(tgname order by tgname) from pg_trigger where tgrelid = 'public.${table}'::regclass and not tgisinternal),
    'published', exists (select from pg_publication_tables where pubname = 'supabase_realtime' and tablename = '${table}'),
    'rls', (select relrowsecurity from pg_class where oid = 'public.${table}'::regclass))`;
}

/** The status table's and the history table's catalog, and the history trigger function's settings. */
async function catalog(database) {
  const [[json]] = await psql(database, { sql: `select json_build_object(
    'status', ${tableCatalog('hp_worker_status')},
    'history', case when to_regclass('public.hp_worker_events') is not null then ${tableCatalog('hp_worker_events')} end,
    'history_function', (select json_build_object('definer', prosecdef, 'config', proconfig, 'acl', proacl::text)
                           from pg_proc where oid = to_regprocedure('public.hp_worker_status_record_events()')))` });
  return JSON.parse(json);
}

const adopt = (database) => psql(database, { file: ADOPT });
const hasAlerts = (result) => result[0]?.[0] === 't';
const check = (database) => psql(database, { file: CHECK });
const FILLED = { status: 'unknown', jobs_processed: 0, error_count: 0, circuit_breaker_open: false, metadata: {} };

/** supabase-js clients on `gateway` with each public key, and one with the secret key. */
function clients(gateway) {
  const make = (key) => createClient(gateway.url, key, { auth: { persistSession: false }, realtime: { transport: WebSocket } });
  return { publishable: make(gateway.publishableKey), anon: make(gateway.anonKey), secret: make(gateway.secretKey) };
}

async function assertReadOnlyForPublicKeys(gateway, database) {
  const { publishable, anon } = clients(gateway);
  const before = await rows(database);
  for (const [keyName, client] of Object.entries({ publishable, anon })) {
    const read = await client.from('hp_worker_status').select('worker_name');
    assert.equal(read.error, null, `${keyName} reads`);
    assert.equal(read.data.length, Object.keys(before).length, `${keyName} sees every row`);
    const attempts = {
      insert: client.from('hp_worker_status').insert({ worker_name: 'intruder' }),
      upsert: client.from('hp_worker_status').upsert({ worker_name: 'crawl-worker', status: 'running' }),
      update: client.from('hp_worker_status').update({ status: 'running' }).neq('worker_name', ''),
      delete: client.from('hp_worker_status').delete().neq('worker_name', ''),
    };
    for (const [name, attempt] of Object.entries(attempts)) {
      const { status, error } = await attempt;
      assert.equal(status, 401, `${keyName} ${name}: ${JSON.stringify(error)}`);
      assert.equal(error?.code, '42501', `${keyName} ${name}`);
    }
  }
  assert.deepEqual(await rows(database), before, 'no write got through');
}

for (const [name, variant] of Object.entries(VARIANTS)) {
  test(`adopting ${name}`, async () => {
    const database = await startDatabase({ supabaseDir: tmp });
    let gateway;
    try {
      await psql(database, { sql: variant.setup });
      const original = await rows(database);

      const findings = await check(database);
      assert.ok(findings.length > 0, 'the check reports the unsafe database');
      const text = findings.map((row) => row.join(' | ')).join('\n');
      for (const pattern of [...variant.unsafe, ...variant.fixes]) assert.match(text, pattern);
      assert.ok(findings.some(([severity]) => severity === 'unsafe'));

      const report = await adopt(database);
      const reported = report.map((row) => row.join(': ')).join('\n');
      assert.ok(report.length > 0, 'the adoption says what it did');

      // Every original row and column is still there, NULLs of ours filled with our defaults.
      const adopted = await rows(database);
      assert.deepEqual(Object.keys(adopted).sort(), Object.keys(original).sort(), 'no row lost or added');
      for (const [worker, row] of Object.entries(original)) {
        for (const [column, value] of Object.entries(row)) {
          const expected = value === null && column in FILLED ? FILLED[column] : value;
          if (column === 'updated_at' && value !== adopted[worker][column]) continue; // a filled row was touched
          assert.deepEqual(adopted[worker][column], expected, `${worker}.${column}`);
        }
      }
      if (/FOR ALL|troubleshooting/.test(name)) assert.match(reported, /DROPPED WRITE POLICY: "Allow service role full access"/);
      if (/constraints/.test(name)) {
        assert.match(reported, /status_must_be_running_stopped_crashed_or_unknown: holds for new writes; these rows break it and were left as they are: 'legacy-busy'/);
        assert.match(reported, /jobs_processed_must_not_be_negative: .*'negative'/);
        assert.equal(adopted['legacy-busy'].status, 'busy', 'a breaking row is kept as it was');
      }

      assert.deepEqual(await check(database), [], 'the check reports the adopted database safe');
      // One permissive read policy per role of the public key (Supabase's advisor flags more).
      const readPolicies = await psql(database, { sql: `select r.role, count(*) from pg_policies p,
        unnest(array['anon', 'authenticated']) as r(role)
        where p.schemaname = 'public' and p.tablename = 'hp_worker_status' and p.permissive = 'PERMISSIVE'
          and p.cmd in ('SELECT', 'ALL') and (p.roles && array[r.role, 'public']::name[]) group by r.role order by r.role` });
      assert.deepEqual(readPolicies, [['anon', '1'], ['authenticated', '1']]);
      if (variant.setup.includes('"Allow public read access"')) assert.match(reported, /dropped read policy: "Allow public read access"/);
      assert.ok(hasAlerts(await psql(database, { sql: "select to_regclass('public.hp_alert_outbox') is not null" })), 'the alerts are adopted too');

      // A second run changes nothing: no report, the same catalog, the same rows.
      const schema = await catalog(database);
      assert.ok(schema.history?.published && schema.history.rls, 'the history table is adopted too');
      assert.equal(schema.history_function.definer, true);
      assert.deepEqual(await adopt(database), [], 'nothing to do the second time');
      assert.deepEqual(await catalog(database), schema);
      assert.deepEqual(await rows(database), adopted);

      gateway = await gatewayOver(database, 0);
      await assertReadOnlyForPublicKeys(gateway, database);

      const heartbeat = startHeartbeat({ workerName: 'crawl-worker', supabaseUrl: gateway.url, serviceKey: gateway.secretKey,
        handleSignals: false, logger: { warn() {}, info() {} } });
      heartbeat.jobSucceeded();
      assert.equal(await heartbeat.beat(), true, 'the heartbeat module writes to the adopted table');
      const beat = (await rows(database))['crawl-worker'];
      assert.equal(beat.status, 'running');
      assert.equal(beat.jobs_processed, 1);
      await heartbeat.stop();
      await heartbeat.beat();

      const site = await serveHostPage({ bundle, gatewayUrl: gateway.url, key: gateway.publishableKey });
      const page = await browser.newPage();
      try {
        await page.goto(site.url);
        const total = Object.keys(await rows(database)).length;
        const summary = page.locator('[data-testid="summary"]');
        await summary.waitFor();
        const deadline = Date.now() + 10_000;
        while (!/^\d+\/\d+ Running$/.test(await summary.textContent()) || !(await summary.textContent()).endsWith(`/${total} Running`)) {
          assert.ok(Date.now() < deadline, `summary shows ${await summary.textContent()}, expected /${total}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.equal(await page.locator('[data-worker="crawl-worker"]').getAttribute('data-status'), 'stopped');
      } finally {
        await page.close();
        await site.stop();
      }
    } finally {
      await gateway?.stop();
      await database.stop();
    }
  });
}

test('on a database made by the fresh migration, the adoption changes nothing and the check finds nothing', async () => {
  const database = await startDatabase();
  try {
    assert.deepEqual(await check(database), []);
    const schema = await catalog(database);
    const data = await rows(database);
    assert.deepEqual(await adopt(database), [], 'the fresh migration already is the adopted shape');
    assert.deepEqual(await catalog(database), schema);
    assert.deepEqual(await rows(database), data);
  } finally {
    await database.stop();
  }
});

test('on a database without the table, the adoption creates it as the fresh migration does', async () => {
  const bare = await startDatabase({ supabaseDir: tmp });
  const fresh = await startDatabase();
  try {
    assert.match((await check(bare)).map((row) => row.join(' ')).join('\n'), /does not exist/);
    await adopt(bare);
    assert.deepEqual(await check(bare), []);
    assert.deepEqual(await catalog(bare), await catalog(fresh), 'the same columns, constraints, indexes, policies, grants, trigger, publication');
  } finally {
    await bare.stop();
    await fresh.stop();
  }
});

for (const [file, first] of [
  ['20261203000000_worker_events.sql', 'create table if not exists public.hp_worker_events'],
  ['20261204000000_broadcast_worker_status.sql', 'create or replace function public.hp_worker_status_broadcast()'],
  ['20261207000000_alerts.sql', 'create table if not exists public.hp_alert_routes'],
]) {
  test(`adopt.sql repeats ${file} verbatim, so the two cannot drift apart`, async () => {
    const migration = await fs.readFile(path.join(path.dirname(ADOPT), 'migrations', file), 'utf8');
    const statements = migration.slice(migration.indexOf(first));
    assert.ok(statements.length > 1000, 'the migration has its statements');
    assert.ok((await fs.readFile(ADOPT, 'utf8')).includes(statements), `adopt.sql differs from ${file}`);
  });
}

test('the check finds a writable history and an open broadcast policy, which would let the public key fake worker states', async () => {
  const database = await startDatabase();
  try {
    await psql(database, { sql: `grant insert on table public.hp_worker_events to anon;
      create policy "anyone can send" on realtime.messages for insert to anon, authenticated with check (true);
      create policy "chat senders" on realtime.messages for insert to authenticated with check (realtime.topic() = 'chat');` });
    const text = (await check(database)).map((row) => row.join(' | ')).join('\n');
    assert.match(text, /^unsafe \| anon holds the INSERT grant on the history table.*\| revoke insert on table public\.hp_worker_events from anon;$/m);
    assert.match(text, /^unsafe \| policy "anyone can send" on realtime\.messages lets anon, authenticated send broadcasts on any topic.*\| drop policy "anyone can send" on realtime\.messages;$/m);
    assert.doesNotMatch(text, /chat senders/, 'a policy restricted to another topic is not a finding');
  } finally {
    await database.stop();
  }
});
