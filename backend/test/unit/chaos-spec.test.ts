import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { loadPlanText, loadPlan, PlanError } from '../../src/chaos/validate.js';
import { parseCron, cronMatches, nextCronRun } from '../../src/chaos/cron.js';
import { parseDuration } from '../../src/chaos/spec.js';

const exp = (over: Record<string, unknown> = {}) => ({
  name: 'payments-errors',
  target: 'payments',
  steadyState: {
    slos: [{ id: 'payments-availability', maxBurnRate: 2 }],
    probes: [{ name: 'payments-error-ratio', query: 'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))', tolerance: { max: 0.05 } }],
  },
  method: [
    { action: { kind: 'demo-fault', url: 'http://127.0.0.1:8788', type: 'error_burst', service: 'payments', durationSeconds: 120 }, rollback: { kind: 'demo-fault-end' } },
  ],
  expect: { alert: { name: 'HighErrorRate', labels: { service: 'payments' }, within: '2m', receiver: 'team-payments' }, rca: { component: 'payments' }, recovery: { within: '3m' } },
  ...over,
});
const plan = (experiments: unknown[], over: Record<string, unknown> = {}) =>
  stringify({ version: 'foresight/chaos-v1', name: 'gd', guards: { blastRadius: { targets: ['payments', 'checkout'] }, abort: { maxBurnRate: 20 } }, experiments, ...over });

test('a valid plan loads with durations in seconds and the plan guards merged into each experiment', () => {
  const { plan: p, warnings } = loadPlan(plan([exp(), exp({ name: 'two', guards: { maxDuration: '5m', approval: true } })]), 'gd.yml');
  assert.deepEqual(warnings, []);
  assert.equal(p.experiments[0]!.expect.alert!.within, 120);
  assert.equal(p.experiments[0]!.guards.abort!.maxBurnRate, 20);
  assert.equal(p.experiments[1]!.guards.maxDuration, 300);
  assert.equal(p.experiments[1]!.guards.approval, true);
  assert.deepEqual(p.experiments[1]!.guards.blastRadius!.targets, ['payments', 'checkout']);
  assert.equal(p.pollSeconds, 2);
});

test('each bad input is refused before anything runs, naming file, experiment and field', () => {
  const cases: [unknown, RegExp][] = [
    [exp({ method: [{ action: { kind: 'demo-fault', url: 'http://h:1', type: 'cpu_melt', service: 'payments' }, rollback: { kind: 'demo-fault-end' } }] }),
      /gd\.yml: experiments\[0\] \(payments-errors\)\.method\[0\]\.action\.type: unknown fault type 'cpu_melt'; known: latency_spike/],
    [exp({ method: [{ action: { kind: 'demo-fault', url: 'http://h:1', type: 'error_burst', service: 'db' }, rollback: { kind: 'demo-fault-end' } }] }),
      /experiments\[0\] \(payments-errors\)\.method\[0\]\.action: target 'db' is outside the blast radius \(allowed: payments, checkout\)/],
    [exp({ target: 'frontend' }), /experiments\[0\] \(payments-errors\)\.target: 'frontend' is outside the blast radius/],
    [exp({ method: [{ action: { kind: 'demo-fault', url: 'http://h:1', type: 'error_burst', service: 'payments' } }] }),
      /experiments\[0\] \(payments-errors\)\.method\[0\]\.rollback: missing; every action needs a rollback/],
    [exp({ steadyState: { probes: [{ name: 'bad', query: 'sum(rate(x[1m])', tolerance: { max: 1 } }] } }),
      /experiments\[0\] \(payments-errors\)\.steadyState\.probes\[0\] \(bad\)\.query: invalid PromQL: PromQL syntax error/],
    [exp({ method: [{ action: { kind: 'teleport' }, rollback: { kind: 'demo-fault-end' } }] }),
      /experiments\[0\] \(payments-errors\)\.method\[0\]\.action\.kind: unknown action kind; expected one of demo-fault/],
    [exp({ expect: { alert: { name: 'X', within: 'soon' } } }), /experiments\[0\] \(payments-errors\)\.expect\.alert\.within: must be a positive duration/],
    [exp({ method: [{ action: { kind: 'demo-fault', url: 'http://h:1', type: 'disk_fill', service: 'payments' }, rollback: { kind: 'demo-fault-end' } }] }),
      /method\[0\]\.action\.service: disk_fill needs a service with a disk/],
    [exp({ method: [{ action: { kind: 'http', url: 'http://h:1/x' }, rollback: { kind: 'demo-fault-end' } }] }), /method\[0\]\.rollback\.kind: demo-fault-end undoes only a demo-fault action/],
    [exp({ method: [{ action: { kind: 'chaostoolkit', provider: { type: 'python', module: 'm', func: 'f' } }, rollback: { kind: 'http', url: 'http://h:1/y' } }] }), /method\[0\]\.action\.provider\.type: python providers need/],
    [exp({ steadyState: {}, guards: { abort: { maxBurnRate: 3 } } }), /experiments\[0\] \(payments-errors\)\.guards\.abort: no SLO to watch/],
  ];
  for (const [e, re] of cases) {
    const r = loadPlanText(plan([e]), 'gd.yml');
    assert.equal(r.plan, undefined, `accepted: ${JSON.stringify(e)}`);
    assert.ok(r.errors.some((x) => re.test(x)), `${re} not in\n${r.errors.join('\n')}`);
  }
  assert.throws(() => loadPlan(plan([exp(), exp()]), 'gd.yml'), (e: unknown) => e instanceof PlanError && /\.name: 'payments-errors' is used by an earlier experiment/.test(e.message));
  assert.match(loadPlanText('version: [', 'x.yml').errors[0]!, /^x\.yml: not valid YAML\/JSON/);
  assert.match(loadPlanText(plan([exp()], { schedule: '61 * * * *' }), 'x.yml').errors[0]!, /x\.yml: schedule: minute '61' is outside 0-59/);
  assert.match(loadPlanText(plan([exp()], { version: 'v2' }), 'x.yml').errors[0]!, /x\.yml: version: Invalid literal value, expected "foresight\/chaos-v1"/);
});

test('http hosts outside the blast radius are refused too', () => {
  const r = loadPlanText(plan([exp({ method: [{ action: { kind: 'http', url: 'http://evil:80/x', target: 'payments' }, rollback: { kind: 'http', url: 'http://ok:1/y' } }] })], { guards: { blastRadius: { targets: ['payments'], hosts: ['ok:1'] } } }), 'p.yml');
  assert.deepEqual(r.errors, ["p.yml: experiments[0] (payments-errors).method[0].action: host 'evil' is outside the blast radius (allowed hosts: ok:1)"]);
});

test('Chaos Toolkit experiments import what maps and warn on the rest', () => {
  const ctk = {
    version: '1.0.0',
    title: 'Payments survive a slow database',
    description: 'latency in db',
    tags: ['payments'],
    controls: [{ name: 'tracing' }],
    'steady-state-hypothesis': {
      title: 'error ratio stays low',
      probes: [
        { type: 'probe', name: 'error ratio', tolerance: [0, 0.05], provider: { type: 'python', module: 'chaosprometheus.probes', func: 'query', arguments: { query: 'sum(rate(errors_total[1m]))' } } },
        { type: 'probe', name: 'homepage', tolerance: 200, provider: { type: 'http', url: 'http://shop/' } },
      ],
    },
    method: [
      { type: 'action', name: 'slow db', provider: { type: 'http', url: 'http://127.0.0.1:8788/faults', method: 'POST', arguments: { type: 'latency_spike', service: 'db' } }, pauses: { after: 30 } },
      { type: 'action', name: 'k8s', provider: { type: 'python', module: 'chaosk8s.pod.actions', func: 'terminate_pods' } },
      { type: 'probe', name: 'peek', provider: { type: 'http', url: 'http://shop/' } },
    ],
    rollbacks: [{ type: 'action', name: 'heal', provider: { type: 'process', path: '/bin/true' } }],
  };
  const r = loadPlanText(JSON.stringify(ctk), 'ctk.json');
  assert.equal(r.format, 'chaostoolkit');
  assert.deepEqual(r.errors, []);
  const e = r.plan!.experiments[0]!;
  assert.equal(e.name, 'payments-survive-a-slow-database');
  assert.equal(e.target, 'payments');
  assert.deepEqual(e.steadyState.probes.map((p) => [p.query, p.tolerance]), [['sum(rate(errors_total[1m]))', { min: 0, max: 0.05 }]]);
  assert.equal(e.method.length, 1);
  assert.equal(e.method[0]!.pauseAfter, 30);
  assert.equal(e.method[0]!.rollback!.kind, 'chaostoolkit');
  const w = r.warnings.join('\n');
  for (const re of [/'controls' has no equivalent/, /probes\[1\] \(homepage\): only Prometheus query probes/, /method\[1\] \(k8s\): python provider chaosk8s\.pod\.actions\.terminate_pods cannot run here/, /method\[2\] \(peek\): probes inside the method are not run/, /no monitoring expectations/])
    assert.match(w, re);
  // Without rollbacks, the imported action is refused for lacking one.
  const bare = loadPlanText(JSON.stringify({ ...ctk, rollbacks: [] }), 'ctk.json');
  assert.match(bare.errors.join('\n'), /ctk\.json: experiments\[0\] \(payments-survive-a-slow-database\)\.method\[0\]\.rollback: missing/);
});

test('durations and cron schedules', () => {
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('1.5h'), 5400);
  assert.equal(parseDuration('soon'), undefined);
  const c = parseCron('*/15 2-3 * * mon-fri'.replace('mon-fri', '1-5'));
  assert.ok(cronMatches(c, Date.UTC(2026, 10, 30, 2, 45))); // a Monday
  assert.ok(!cronMatches(c, Date.UTC(2026, 10, 29, 2, 45))); // a Sunday
  assert.equal(nextCronRun(c, Date.UTC(2026, 10, 30, 3, 50)), Date.UTC(2026, 11, 1, 2, 0));
  assert.throws(() => parseCron('* * *'), /must have 5 fields/);
});

test('the demo game day validates and covers every demo fault type, each with a runbook that exists', async () => {
  const { readFile, readdir } = await import('node:fs/promises');
  const { FAULT_TYPES } = await import('../../src/demo/faults.js');
  const file = new URL('../../../examples/chaos/demo-game-day.yml', import.meta.url);
  const { plan: p, warnings } = loadPlan(await readFile(file, 'utf8'), 'examples/chaos/demo-game-day.yml');
  assert.deepEqual(warnings, []);
  const types = p.experiments.flatMap((e) => e.method.map((m) => (m.action.kind === 'demo-fault' ? m.action.type : '')));
  assert.deepEqual([...new Set(types)].sort(), [...FAULT_TYPES].sort());
  const books = (await readdir(new URL('../../../runbooks/', import.meta.url))).map((f) => f.replace(/\.md$/, ''));
  for (const e of p.experiments) assert.ok(books.includes(e.expect.runbook!), `${e.name}: runbook ${e.expect.runbook} missing`);
  // Every alert the plan expects is defined in its rules file.
  const rules = await readFile(new URL('../../../examples/chaos/demo-alerts.yml', import.meta.url), 'utf8');
  for (const e of p.experiments) assert.match(rules, new RegExp(`alert: ${e.expect.alert!.name}\\n`));
  const { promtoolCheckRules } = await import('../../src/rules/promtool.js');
  const checked = await promtoolCheckRules([new URL('../../../examples/chaos/demo-alerts.yml', import.meta.url).pathname]);
  assert.ok(checked.ok, checked.output);
});
