// What a route says, run by run: digests, recoveries only after an alert, escalation, Late off by
// default, flapping muted into one message and a summary, reminders while down.
import assert from 'node:assert/strict';
import { effectOf, flipsWithin } from '../compose.ts';
import { headline } from '../wording.ts';
import { plain } from '../escape.ts';
import { at, breaker, crashed, overdue, route, running, silence, Simulation, stopped } from './fixtures.ts';

Deno.test('five workers stopping in one run make one message that names them all', () => {
  const sim = new Simulation(route());
  const names = ['a', 'b', 'c', 'd', 'e'];
  sim.happen(...names.map((name, i) => overdue(name, 'stopped', 300 + i, 0)));
  const result = sim.run(310);
  assert.equal(sim.messages.length, 1);
  assert.deepEqual(
    result.items.map((i) => i.type === 'down' && [i.worker, i.status]),
    names.map((n) => [n, 'stopped']),
  );
  assert.equal(headline(result.items, plain), '5 workers stopped: a, b, c, d, e');
  assert.equal(result.sent.length, 5);
});

Deno.test('a recovery is told only where its alert went', () => {
  const sim = new Simulation(route());
  sim.happen(running('a', 0)).run(1);
  assert.equal(sim.messages.length, 0, 'nothing told, nothing to recover from');
  assert.deepEqual(sim.results[0].muted.map((m) => m.reason), ['no alert before it']);

  sim.happen(stopped('a', 10)).run(11);
  sim.happen(running('a', 70)).run(71);
  assert.equal(sim.messages.length, 2);
  const recovered = sim.messages[1][0];
  assert.equal(recovered.type, 'recovered');
  assert.equal(recovered.type === 'recovered' && recovered.was, 'stopped');
});

Deno.test('Late is off by default; Stopped after it is told, and its recovery', () => {
  const sim = new Simulation(route());
  sim.happen(overdue('a', 'late', 65, 0)).run(66);
  assert.equal(sim.messages.length, 0);
  sim.happen(overdue('a', 'stopped', 300, 0)).run(301);
  sim.happen(silence('a', 400, 0)).run(401);
  assert.deepEqual(sim.messages.map((m) => m.map((i) => i.type)), [['down'], ['recovered']]);
});

Deno.test('with Late on, Stopped is an escalation, and the same status again is muted', () => {
  const sim = new Simulation(route({ notify_late: true }));
  sim.happen(overdue('a', 'late', 65, 0)).run(66);
  sim.happen(overdue('a', 'stopped', 300, 0)).run(301);
  sim.happen(stopped('a', 302)).run(303);
  assert.deepEqual(sim.messages.map((m) => m.map((i) => i.type === 'down' && i.status)), [['late'], [
    'stopped',
  ]]);
  assert.match(sim.results[2].muted[0].reason, /already told/);
});

Deno.test('a crash with the breaker opening is one alert; the recovery waits for both to clear', () => {
  const sim = new Simulation(route());
  sim.happen(crashed('a', 0), breaker('a', true, 0)).run(1);
  assert.equal(sim.messages.length, 1);
  assert.equal(sim.messages[0].length, 1);
  sim.happen(running('a', 30)).run(31);
  assert.equal(sim.messages.length, 1, 'the breaker is still open');
  sim.happen(breaker('a', false, 40)).run(41);
  assert.equal(sim.messages.length, 2);
  assert.equal(sim.messages[1][0].type, 'recovered');
});

Deno.test('a worker flipping ten times in five minutes sends at most three messages, then one summary', () => {
  const sim = new Simulation(route());
  for (let flip = 0; flip < 10; flip += 1) {
    const seconds = 30 * flip;
    sim.happen(flip % 2 === 0 ? crashed('a', seconds) : running('a', seconds)).run(seconds + 5);
  }
  assert.ok(sim.messages.length <= 3, `${sim.messages.length} messages: ${JSON.stringify(sim.messages)}`);
  assert.deepEqual(sim.messages.map((m) => m[0].type), ['down', 'recovered', 'flapping']);
  // Quiet for a whole window after the last flip (at 270 s): the summary, once.
  sim.run(270 + 899);
  assert.equal(sim.messages.length, 3);
  sim.run(270 + 900);
  sim.run(270 + 2000);
  assert.equal(sim.messages.length, 4);
  const summary = sim.messages[3][0];
  assert.equal(summary.type, 'steady');
  assert.equal(summary.type === 'steady' && summary.now, 'running');
  assert.equal(summary.type === 'steady' && summary.changes, 10);
});

Deno.test('a flapping worker that ends down is told as down, and its recovery later too', () => {
  const sim = new Simulation(route({ flapping_window_s: 60 }));
  for (let flip = 0; flip < 5; flip += 1) {
    sim.happen((flip % 2 === 0 ? crashed : running)('a', flip * 5)).run(flip * 5 + 1);
  }
  sim.run(100);
  const summary = sim.messages.at(-1)![0];
  assert.equal(summary.type === 'steady' && summary.now, 'crashed');
  sim.happen(running('a', 200)).run(201);
  assert.equal(sim.messages.at(-1)![0].type, 'recovered');
});

Deno.test('a killed worker (Late, Stopped, back) is no flapping', () => {
  const sim = new Simulation(route());
  sim.happen(overdue('a', 'late', 65, 0)).run(66);
  sim.happen(overdue('a', 'stopped', 300, 0)).run(301);
  sim.happen(silence('a', 360, 0)).run(361);
  assert.deepEqual(sim.messages.map((m) => m[0].type), ['down', 'recovered']);
});

Deno.test('while down, a route with repeat_every says so again, and only then', () => {
  const sim = new Simulation(route({ repeat_every_s: 600 }));
  sim.happen(stopped('a', 0)).run(1);
  sim.run(500);
  assert.equal(sim.messages.length, 1);
  sim.run(601);
  assert.equal(sim.messages.length, 2);
  assert.equal(sim.messages[1][0].type, 'still_down');
  sim.run(700);
  assert.equal(sim.messages.length, 2);
  sim.happen(running('a', 800)).run(801);
  sim.run(5000);
  assert.deepEqual(sim.messages.map((m) => m[0].type), ['down', 'still_down', 'recovered']);
});

Deno.test('a route that wants no recoveries still forgets what it told', () => {
  const sim = new Simulation(route({ notify_recovered: false }));
  sim.happen(stopped('a', 0)).run(1);
  sim.happen(running('a', 100)).run(101);
  sim.happen(stopped('a', 2000)).run(2001);
  assert.deepEqual(sim.messages.map((m) => m[0].type), ['down', 'down']);
});

Deno.test('flips count changes between up and down, not escalations', () => {
  const rows = [
    crashed('a', 0),
    running('a', 10),
    overdue('a', 'late', 100, 10),
    overdue('a', 'stopped', 300, 10),
  ]
    .map((e) => ({ ...e, occurred_at: at(e.seconds), circuit_breaker_open: null }));
  assert.equal(flipsWithin(rows, at(300), 900), 3);
  assert.equal(flipsWithin(rows, at(300), 250), 1);
  assert.equal(
    effectOf({
      worker_name: 'a',
      kind: 'status',
      to_status: 'unknown',
      circuit_breaker_open: null,
      occurred_at: at(0),
    }),
    null,
  );
});
