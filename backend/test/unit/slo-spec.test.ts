// Spec parsing, imports and validation: each error must name the file, the SLO and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpecs } from '../../src/slo/load.js';
import { formatIssue, type Issue } from '../../src/slo/model.js';

const EX = join(import.meta.dirname, '../../../examples/slo');
const example = (f: string) => ({ file: f, text: readFileSync(join(EX, f), 'utf8') });
const errors = (issues: Issue[]) => issues.filter((i) => i.level === 'error');

const ours = (slo: string, top = '') => `version: foresight/v1\n${top}slos:\n${slo}`;
const RATIO = `    sli:
      ratio:
        errors: sum(rate(e[{{.window}}]))
        total: sum(rate(t[{{.window}}]))
`;

test('our spec: every SLI kind loads with no errors', () => {
  const r = loadSpecs([example('foresight.yml')]);
  assert.deepEqual(errors(r.issues), []);
  assert.deepEqual(r.slos.map((s) => s.sli.kind).sort(), ['availability', 'events', 'events', 'latency', 'latency', 'raw']);
  const checkout = r.slos.find((s) => s.id === 'checkout-requests-availability')!;
  assert.equal(checkout.objective, 99);
  assert.equal(checkout.alerting.minEvents, 100);
  assert.equal(checkout.alerting.page.labels.team, 'payments-oncall');
  assert.equal(checkout.labels.team, 'shop');
  const cart = r.slos.find((s) => s.service === 'cart')!;
  assert.deepEqual(cart.window, { kind: 'calendar', unit: 'month', text: '30d', days: 30 });
  assert.equal(cart.alerting.ticket.enabled, false);
});

test('objective out of range names file, SLO and field', () => {
  const r = loadSpecs([{ file: 'a.yml', text: ours(`  - service: s\n    name: n\n    objective: 100\n${RATIO}`) }]);
  const e = errors(r.issues);
  assert.equal(e.length, 1);
  assert.equal(formatIssue(e[0]!).startsWith("error: a.yml: slo 'n': field 'objective': 100 is out of range"), true, formatIssue(e[0]!));
});

test('bad window syntax and non-day windows are rejected', () => {
  for (const [w, msg] of [['30x', 'not a Prometheus duration'], ['36h', 'whole number of days'], ['400d', 'between 1d and 365d'], ['3d', 'longer than 3d']]) {
    const r = loadSpecs([{ file: 'w.yml', text: ours(`  - service: s\n    name: n\n    objective: 99\n    window: ${w}\n${RATIO}`) }]);
    const e = errors(r.issues);
    assert.equal(e.length, 1, w);
    assert.equal(e[0]!.field, 'window');
    assert.match(e[0]!.message, new RegExp(msg));
  }
});

test('missing {{.window}} and PromQL syntax errors are reported per field', () => {
  const text = ours(`  - service: s
    name: n
    objective: 99
    sli:
      ratio:
        errors: sum(rate(e[5m]))
        total: sum(rate(t[{{.window}}])
`);
  const e = errors(loadSpecs([{ file: 'q.yml', text }]).issues);
  assert.deepEqual(e.map((i) => i.field).sort(), ['sli.errors', 'sli.total']);
  assert.match(e.find((i) => i.field === 'sli.errors')!.message, /\{\{\.window\}\}/);
  assert.match(e.find((i) => i.field === 'sli.total')!.message, /syntax error/);
});

test('duplicate ids across files are errors', () => {
  const a = ours(`  - service: s\n    name: n\n    objective: 99\n${RATIO}`);
  const e = errors(loadSpecs([{ file: 'a.yml', text: a }, { file: 'b.yml', text: a }]).issues);
  assert.equal(e.length, 1);
  assert.equal(e[0]!.file, 'b.yml');
  assert.match(e[0]!.message, /duplicate SLO id 's-n' \(also defined in a\.yml\)/);
});

test('schema errors carry the path of the field (zod)', () => {
  const text = ours(`  - service: s\n    name: n\n    objective: "high"\n    sli:\n      ratio: { total: 'x' }\n`);
  const e = errors(loadSpecs([{ file: 'z.yml', text }]).issues);
  assert.ok(e.some((i) => i.slo === 'n' && i.field === 'objective'), JSON.stringify(e));
  assert.ok(e.some((i) => i.slo === 'n' && i.field === 'sli.ratio'), JSON.stringify(e));
});

test('unknown formats and YAML errors are reported, not ignored', () => {
  const r = loadSpecs([{ file: 'x.yml', text: 'version: nope\nslos: []\n' }, { file: 'y.yml', text: 'a: [1,\n' }]);
  assert.equal(errors(r.issues).length, 2);
  assert.match(errors(r.issues)[0]!.message, /unknown format/);
});

test('Sloth prometheus/v1 imports; plugin SLIs are reported, not dropped silently', () => {
  const r = loadSpecs([example('sloth.yml')]);
  assert.deepEqual(errors(r.issues), []);
  assert.deepEqual(r.slos.map((s) => s.id), ['myservice-requests-availability', 'myservice-requests-latency-raw']);
  const w = r.issues.find((i) => i.field === 'sli.plugin');
  assert.ok(w && w.level === 'warning' && w.slo === 'plugin-slo');
  const a = r.slos[0]!;
  assert.equal(a.alerting.page.severity, 'pageteam');
  assert.equal(a.alerting.page.labels.routing_key, 'myteam');
  assert.equal(a.alerting.ticket.labels.slack_channel, '#alerts-myteam');
  assert.deepEqual(a.labels, { owner: 'myteam', tier: '2', category: 'availability' });
  assert.equal(r.slos[1]!.alerting.page.enabled, false);
});

test('Sloth Kubernetes PrometheusServiceLevel imports with camelCase fields', () => {
  const r = loadSpecs([example('sloth-k8s.yml')]);
  assert.deepEqual(errors(r.issues), []);
  assert.equal(r.slos.length, 1);
  assert.equal(r.slos[0]!.source.format, 'sloth/k8s-v1');
  assert.equal(r.slos[0]!.alerting.ticket.enabled, false);
  assert.equal(r.slos[0]!.sli.kind, 'events');
});

test('OpenSLO v1 resolves SLI/AlertPolicy/AlertCondition references and warns on what it approximates', () => {
  const r = loadSpecs([example('openslo-v1.yml')]);
  assert.deepEqual(errors(r.issues), []);
  // Sloth's naming: `<slo>-<objective index>`, even for a single objective.
  const ca = r.slos.find((s) => s.name === 'checkout-availability-0')!;
  assert.equal(ca.objective, 99);
  assert.equal(ca.window.days, 28);
  assert.equal(ca.alerting.page.severity, 'page');
  assert.deepEqual(ca.sli, {
    kind: 'events',
    errors: 'sum(rate(http_requests_total{service="checkout",code=~"5.."}[{{.window}}]))',
    total: 'sum(rate(http_requests_total{service="checkout"}[{{.window}}]))',
  });
  const fl = r.slos.find((s) => s.name === 'frontend-latency-0')!;
  assert.equal(fl.window.kind, 'calendar');
  assert.equal(fl.alerting.page.enabled, false);
  const warned = r.issues.filter((i) => i.level === 'warning').map((i) => `${i.slo}:${i.field}`);
  for (const f of ['checkout-availability:alertPolicies[0].conditions[0]', 'frontend-latency:spec.budgetingMethod', 'frontend-latency:objectives[0].timeSliceTarget']) {
    assert.ok(warned.includes(f), `missing warning ${f} in ${warned.join(', ')}`);
  }
});

test('OpenSLO dangling reference is an error naming the field', () => {
  const text = readFileSync(join(EX, 'openslo-v1.yml'), 'utf8').replace('indicatorRef: checkout-errors', 'indicatorRef: nope');
  const e = errors(loadSpecs([{ file: 'o.yml', text }]).issues);
  assert.equal(e.length, 1);
  assert.equal(e[0]!.field, 'spec.indicatorRef');
  assert.match(e[0]!.message, /'nope' matches no SLI document/);
});

test('OpenSLO v1alpha imports ratioMetrics', () => {
  const r = loadSpecs([example('openslo-v1alpha.yml')]);
  assert.deepEqual(errors(r.issues), []);
  assert.equal(r.slos[0]!.window.text, '28d');
  assert.equal(r.slos[0]!.objective, 99);
  assert.equal(r.slos[0]!.sli.kind, 'events');
});
