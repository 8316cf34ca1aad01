// Pyrra import (pyrra.dev/v1alpha1 ServiceLevelObjective): indicator mapping, Pyrra's burn windows, errors naming
// file/object/field, warnings for what cannot be expressed, and a promtool proof that a grouped ratio alerts per
// group (a group whose error counter has no series reads 0, not "no data").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { burnConditions } from '../../src/slo/burn.js';
import { alertGroup, generateRuleFiles, type AlertingRule } from '../../src/slo/generate.js';
import { loadSpecs, loadSpecsOrThrow } from '../../src/slo/load.js';
import { formatIssue } from '../../src/slo/model.js';
import { pyrraTiers } from '../../src/slo/pyrra.js';
import { expand } from '../../src/slo/rule-tests.js';
import { promtoolCheckRules, promtoolTestRules } from '../../src/rules/promtool.js';

const slo = (name: string, spec: string, meta = '  namespace: shop') =>
  `apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata:\n  name: ${name}\n${meta}\nspec:\n${spec}`;

const RATIO = slo(
  'checkout-errors',
  `  target: "99"
  window: 28d
  indicator:
    ratio:
      errors:
        metric: http_requests_total{job="checkout",code=~"5.."}
      total:
        metric: http_requests_total{job="checkout"}
      grouping: [route]
`,
);

test("Pyrra's windows: 1h/5m 14x, 6h/30m 7x, 1d/2h 2x, 4d/6h 1x at 28d; scaled and minute-rounded at 14d", () => {
  assert.deepEqual(burnConditions(28, pyrraTiers(28)).map((c) => [c.tier, c.long, c.short, c.factor]), [
    ['page', '1h', '5m', 14], ['page', '6h', '30m', 7], ['ticket', '1d', '2h', 2], ['ticket', '4d', '6h', 1],
  ]);
  assert.deepEqual(pyrraTiers(14).map((t) => [t.long, t.short]), [['30m', '3m'], ['3h', '15m'], ['12h', '1h'], ['2d', '3h']]);
});

test('every Pyrra indicator kind is imported; target is a string percent; namespace is the service', () => {
  const text = [
    RATIO,
    slo('checkout-latency', `  target: "95.5"\n  window: 2w\n  indicator:\n    latency:\n      success:\n        metric: http_request_duration_seconds_bucket{job="checkout",le="0.5"}\n      total:\n        metric: http_request_duration_seconds_count{job="checkout"}\n`),
    slo('rpc-native', `  target: "99.9"\n  window: 4w\n  indicator:\n    latencyNative:\n      latency: 250ms\n      total:\n        metric: rpc_duration_seconds{job="rpc"}\n`, '  labels:\n    pyrra.dev/service: rpc\n    prometheus: k8s'),
    slo('probe', `  target: "99"\n  window: 30d\n  indicator:\n    bool_gauge:\n      metric: probe_success{job="blackbox"}\n      grouping: [instance]\n`),
  ].join('---\n');
  const r = loadSpecsOrThrow([{ file: 'pyrra.yml', text }]);
  assert.deepEqual(r.slos.map((s) => [s.id, s.objective, s.window.days, s.sli.kind, s.source.format]), [
    ['shop-checkout-errors', 99, 28, 'events', 'pyrra/v1alpha1'],
    ['shop-checkout-latency', 95.5, 14, 'events', 'pyrra/v1alpha1'],
    ['rpc-rpc-native', 99.9, 28, 'events', 'pyrra/v1alpha1'],
    ['shop-probe', 99, 30, 'events', 'pyrra/v1alpha1'],
  ]);
  const [ratio, latency, native, probe] = r.slos;
  assert.match((ratio!.sli as { errors: string }).errors, /sum by \(route\) \(rate\(http_requests_total\{job="checkout",code=~"5\.\."\}\[\{\{\.window\}\}\]\)\) or 0 \* sum by \(route\)/);
  assert.match((latency!.sli as { good: string }).good, /le="0\.5"/);
  assert.match((native!.sli as { errors: string }).errors, /histogram_fraction\(0, 0\.25, /);
  assert.deepEqual(native!.labels, { service: 'rpc' }, 'pyrra.dev/ labels propagate without the prefix; Kubernetes-only labels do not');
  assert.match((probe!.sli as { total: string }).total, /sum by \(instance\) \(count_over_time\(probe_success\{job="blackbox"\}/);
  assert.equal(ratio!.alerting.name, 'ErrorBudgetBurn');
  assert.equal(ratio!.alerting.noData.name, 'SLOMetricAbsent');
  const files = generateRuleFiles(r.slos);
  assert.equal(Object.keys(files).length, 4);
});

test('alerting: disabled/burnrates:false drop the burn alerts, absent:false the no-data alert; name/absentName are kept', () => {
  const text = [
    RATIO.replace('  target:', '  alerting:\n    disabled: true\n  target:'),
    slo('b', RATIO.split('spec:\n')[1]!.replace('  target:', '  alerting:\n    burnrates: false\n    absent: false\n  target:')),
    slo('c', RATIO.split('spec:\n')[1]!.replace('  target:', '  alerting:\n    name: CheckoutBurn\n    absentName: CheckoutAbsent\n  target:')),
  ].join('---\n');
  const { slos } = loadSpecsOrThrow([{ file: 'a.yml', text }]);
  const names = slos.map((s) => (alertGroup(s).rules as AlertingRule[]).map((x) => x.alert));
  assert.deepEqual(names, [['SLOMetricAbsent'], [], ['CheckoutBurn', 'CheckoutBurn', 'CheckoutAbsent']]);
});

test('errors name the file, the object and the field; nothing of a bad object is generated', () => {
  const bad = [
    slo('t', RATIO.split('spec:\n')[1]!.replace('"99"', '"ninety-nine"')),
    slo('w', RATIO.split('spec:\n')[1]!.replace('28d', '3h')),
    slo('q', RATIO.split('spec:\n')[1]!.replace('metric: http_requests_total{job="checkout"}', 'metric: sum(rate(http_requests_total[5m]))')),
    slo('g', RATIO.split('spec:\n')[1]!.replace('[route]', '[route, "bad-label"]')),
    slo('l', `  target: "99"\n  window: 28d\n  indicator:\n    latency:\n      success:\n        metric: h_bucket{job="x"}\n      total:\n        metric: h_count{job="x"}\n`),
    slo('n', `  target: "99"\n  window: 28d\n  indicator:\n    latencyNative:\n      latency: fast\n      total:\n        metric: h{job="x"}\n`),
    slo('i', `  target: "99"\n  window: 28d\n  indicator: {}\n`),
  ].join('---\n');
  const r = loadSpecs([{ file: 'bad.yml', text: bad }]);
  const errors = r.issues.filter((i) => i.level === 'error').map(formatIssue);
  assert.deepEqual(r.slos, []);
  const expect: [string, string][] = [
    ["slo 't'", "field 'spec.target'"],
    ["slo 'w'", "field 'spec.window'"],
    ["slo 'q'", "field 'spec.indicator.ratio.total.metric'"],
    ["slo 'g'", "field 'spec.indicator.ratio.grouping'"],
    ["slo 'l'", "field 'spec.indicator.latency.success.metric'"],
    ["slo 'n'", "field 'spec.indicator.latencyNative.latency'"],
    ["slo 'i'", "field 'spec.indicator'"],
  ];
  for (const [o, f] of expect) assert.ok(errors.some((e) => e.startsWith(`error: bad.yml: ${o}: ${f}: `)), `${o} ${f} in\n${errors.join('\n')}`);
  assert.equal(errors.length, expect.length, errors.join('\n'));
});

test('warnings for what cannot be expressed; a Kubernetes list of objects is read item by item', () => {
  const list = stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'pyrra.dev/v1alpha1', kind: 'ServiceLevelObjective', metadata: { name: 'x' }, spec: { target: '0.99', window: '28d', partial_response_strategy: 'warn', indicator: { bool_gauge: { metric: 'up{job="x"}' } } } },
    ],
  });
  const r = loadSpecsOrThrow([{ file: 'list.yml', text: list }]);
  assert.equal(r.slos.length, 1);
  const w = r.issues.filter((i) => i.level === 'warning').map((i) => i.field);
  for (const f of ['spec.target', 'spec.partial_response_strategy', 'metadata.namespace', 'spec.alerting']) assert.ok(w.includes(f), `${f} in ${w.join(', ')}`);
  assert.equal(r.slos[0]!.service, 'x');
});

test('grouped Pyrra ratio: the failing route pages, the route without any error series stays silent (promtool, full rules)', async (t) => {
  const { slos } = loadSpecsOrThrow([{ file: 'g.yml', text: RATIO }]);
  const files = generateRuleFiles(slos);
  const dir = mkdtempSync(join(tmpdir(), 'slo-pyrra-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ruleFile = Object.keys(files)[0]!;
  writeFileSync(join(dir, ruleFile), files[ruleFile]!);
  const check = await promtoolCheckRules([join(dir, ruleFile)]);
  assert.ok(check.ok, check.output);
  const [page, ticket] = alertGroup(slos[0]!).rules as AlertingRule[];
  // Route /pay fails 20% (far above 14x of a 1% budget); route /cart never failed, so it has no code="500" series.
  const input_series = [
    { series: 'http_requests_total{job="checkout",route="/pay",code="200"}', values: '0+80x120' },
    { series: 'http_requests_total{job="checkout",route="/pay",code="500"}', values: '0+20x120' },
    { series: 'http_requests_total{job="checkout",route="/cart",code="200"}', values: '0+100x120' },
  ];
  const exp = (rule: AlertingRule) => {
    const labels = { ...rule.labels!, route: '/pay', service: 'shop', slo: 'checkout-errors' };
    return { exp_labels: labels, exp_annotations: Object.fromEntries(Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, expand(v, labels, 0)])) };
  };
  const suite = {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series,
        alert_rule_test: [
          { eval_time: '70m', alertname: 'ErrorBudgetBurn', exp_alerts: [exp(page!), exp(ticket!)] },
          { eval_time: '70m', alertname: 'SLOMetricAbsent', exp_alerts: [] },
        ],
        // The route that never failed reads 0 errors (it is not missing from the SLI).
        promql_expr_test: [
          {
            expr: 'slo:sli_error:ratio_rate5m{route="/cart"}',
            eval_time: '70m',
            exp_samples: [{ labels: 'slo:sli_error:ratio_rate5m{route="/cart",sloth_id="shop-checkout-errors",sloth_service="shop",sloth_slo="checkout-errors",sloth_window="5m"}', value: 0 }],
          },
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'g.test.yml'), stringify(suite, { lineWidth: 0, aliasDuplicateObjects: false }));
  const r = await promtoolTestRules([join(dir, 'g.test.yml')]);
  assert.ok(r.ok, r.output);
});
