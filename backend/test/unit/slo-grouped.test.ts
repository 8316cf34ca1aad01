// Grouped SLIs (`sum by (service) (…)`): each group alerts on its own, keeping its own labels. Proven with the
// real `promtool test rules` on the full generated rule file and raw counters of two services that both burn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertGroup, generateRuleFiles, type AlertingRule } from '../../src/slo/generate.js';
import { loadSpecsOrThrow } from '../../src/slo/load.js';
import { expand } from '../../src/slo/rule-tests.js';
import { promtoolCheckRules, promtoolTestRules } from '../../src/rules/promtool.js';

const SPEC = `version: foresight/v1
slos:
  - service: shop
    name: requests
    objective: 99.9
    window: 30d
    sli:
      ratio:
        errors: sum by (service) (rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total: sum by (service) (rate(http_requests_total[{{.window}}]))
    alerting:
      name: ShopRequestsBurn
      budget: { enabled: false }
`;

test('a grouped SLI fires one alert per group, each keeping its own service label (promtool)', async (t) => {
  const { slos } = loadSpecsOrThrow([{ file: 'grouped.yml', text: SPEC }]);
  const slo = slos[0]!;
  const files = generateRuleFiles(slos);
  const dir = mkdtempSync(join(tmpdir(), 'slo-grouped-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ruleFile = Object.keys(files)[0]!;
  writeFileSync(join(dir, ruleFile), files[ruleFile]!);
  const check = await promtoolCheckRules([join(dir, ruleFile)]);
  assert.ok(check.ok, check.output);

  // The burn alerts (the no-data alert has its own name and its own test).
  const rules = (alertGroup(slo).rules as AlertingRule[]).filter((r) => r.alert === 'ShopRequestsBurn');
  const expected = (service: string) =>
    rules.map((r) => {
      const labels = { ...r.labels!, service, slo: 'requests' };
      return { exp_labels: labels, exp_annotations: Object.fromEntries(Object.entries(r.annotations ?? {}).map(([k, v]) => [k, expand(v, labels, 0)])) };
    });
  // Both services fail 10% of their requests: far above every burn threshold of a 99.9% objective.
  const input_series = ['a', 'b'].flatMap((s) => [
    { series: `http_requests_total{service="${s}",code="200"}`, values: '0+900x120' },
    { series: `http_requests_total{service="${s}",code="500"}`, values: '0+100x120' },
  ]);
  const suite = {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series,
        alert_rule_test: [{ eval_time: '70m', alertname: 'ShopRequestsBurn', exp_alerts: [...expected('a'), ...expected('b')] }],
      },
    ],
  };
  writeFileSync(join(dir, 'grouped.test.yml'), stringify(suite, { lineWidth: 0, aliasDuplicateObjects: false }));
  const r = await promtoolTestRules([join(dir, 'grouped.test.yml')]);
  assert.ok(r.ok, r.output);
  assert.equal(rules.length, 2, 'page and ticket');
});

test('an ungrouped SLI still gets service and slo from the spec', () => {
  const { slos } = loadSpecsOrThrow([{ file: 'plain.yml', text: SPEC.replace(/sum by \(service\) /g, 'sum') }]);
  const page = alertGroup(slos[0]!).rules[0] as AlertingRule;
  assert.match(page.expr, /"service", "shop", "service", ""\)/);
  assert.match(page.expr, /"slo", "requests", "slo", ""\)/);
});

test('budget-consumed alert (opted in) does not fire on a fresh history, even at 100x burn (promtool, full rules)', async (t) => {
  const spec = SPEC.replace('budget: { enabled: false }', 'budget: { enabled: true }');
  const { slos } = loadSpecsOrThrow([{ file: 'budget.yml', text: spec }]);
  const files = generateRuleFiles(slos);
  const dir = mkdtempSync(join(tmpdir(), 'slo-budget-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ruleFile = Object.keys(files)[0]!;
  writeFileSync(join(dir, ruleFile), files[ruleFile]!);
  const input_series = [
    { series: 'http_requests_total{service="a",code="200"}', values: '0+900x120' },
    { series: 'http_requests_total{service="a",code="500"}', values: '0+100x120' },
  ];
  const suite = {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    tests: [{ interval: '1m', input_series, alert_rule_test: [{ eval_time: '70m', alertname: 'ShopRequestsBurnBudgetConsumed', exp_alerts: [] }] }],
  };
  writeFileSync(join(dir, 'budget.test.yml'), stringify(suite));
  const r = await promtoolTestRules([join(dir, 'budget.test.yml')]);
  assert.ok(r.ok, r.output);
});

test('no budget-consumed alert when every burn alert is disabled', () => {
  const spec = SPEC.replace('budget: { enabled: false }', 'budget: { enabled: true }\n      page: { enabled: false }\n      ticket: { enabled: false }');
  const { slos } = loadSpecsOrThrow([{ file: 'off.yml', text: spec }]);
  assert.equal(alertGroup(slos[0]!).rules.length, 0);
});
