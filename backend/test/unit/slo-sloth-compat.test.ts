// Sloth compatibility for Sloth specs: Sloth's window names (28d → 4w, 7d → 1w), label precedence (severity
// under alerting.labels), alert names Sloth and promtool accept, and `--input DIR`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sloGroups, type AlertingRule, type RecordingRule } from '../../src/slo/generate.js';
import { expandInputs, loadSpecs, loadSpecsOrThrow } from '../../src/slo/load.js';

const SLOTH = `version: prometheus/v1
service: shop
slos:
  - name: requests
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      name: slo_shop-requests
      labels: { severity: pageteam, team: shop }
      ticket_alert:
        labels: { severity: ticketteam }
`;

const records = (text: string, defaultWindow?: string): string[] => {
  const { slos } = loadSpecsOrThrow([{ file: 's.yml', text }], { defaultWindow });
  return sloGroups(slos[0]!).flatMap((g) => g.rules.map((r) => (r as RecordingRule).record).filter(Boolean));
};

test("Sloth specs keep Sloth's window names: 28d → 4w, 7d → 1w, 30d stays 30d", () => {
  assert.ok(records(SLOTH, '28d').includes('slo:sli_error:ratio_rate4w'));
  assert.ok(records(SLOTH, '7d').includes('slo:sli_error:ratio_rate1w'));
  assert.ok(records(SLOTH, '30d').includes('slo:sli_error:ratio_rate30d'));
  // Our own format says days.
  const ours = 'version: foresight/v1\nslos:\n  - service: a\n    name: b\n    objective: 99\n    window: 28d\n    sli: { raw: { errorRatio: "rate(x[{{.window}}])" } }\n';
  assert.ok(records(ours).includes('slo:sli_error:ratio_rate28d'));
});

test("Sloth's label precedence: severity under alerting.labels applies unless the tier sets its own", () => {
  const { slos } = loadSpecsOrThrow([{ file: 's.yml', text: SLOTH }]);
  const rules = sloGroups(slos[0]!).at(-1)!.rules as AlertingRule[];
  const page = rules.find((r) => r.labels?.foresight_tier === 'page')!;
  const ticket = rules.find((r) => r.labels?.foresight_tier === 'ticket')!;
  assert.equal(page.labels!.severity, 'pageteam');
  assert.equal(ticket.labels!.severity, 'ticketteam');
  assert.equal(page.labels!.team, 'shop');
});

test('alert names Sloth and promtool accept (slo_foo-bar) are accepted; whitespace is not', () => {
  assert.deepEqual(loadSpecs([{ file: 's.yml', text: SLOTH }]).issues.filter((i) => i.level === 'error'), []);
  const bad = loadSpecs([{ file: 's.yml', text: SLOTH.replace('slo_shop-requests', '"slo shop"') }]).issues.filter((i) => i.level === 'error');
  assert.equal(bad[0]?.field, 'alerting.name');
});

test('--input DIR expands to every YAML file below it, sorted', async () => {
  const files = await expandInputs([join(import.meta.dirname, '../../../examples/slo')]);
  assert.ok(files.length >= 5);
  assert.deepEqual(files, [...files].sort());
  assert.ok(files.every((f) => /\.ya?ml$/.test(f)));
});

test('Sloth AlertWindows replace the workbook tiers for SLOs of their period (7d: 4x the workbook factor)', () => {
  const windows = `apiVersion: sloth.slok.dev/v1
kind: AlertWindows
spec:
  sloPeriod: 7d
  page:
    quick: { errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h }
    slow: { errorBudgetPercent: 12.5, shortWindow: 30m, longWindow: 6h }
  ticket:
    quick: { errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d }
    slow: { errorBudgetPercent: 42, shortWindow: 6h, longWindow: 3d }
`;
  const { slos } = loadSpecsOrThrow([{ file: 'w.yml', text: windows }, { file: 's.yml', text: SLOTH }], { defaultWindow: '7d' });
  const page = (sloGroups(slos[0]!).at(-1)!.rules as AlertingRule[]).find((r) => r.labels?.foresight_tier === 'page')!;
  assert.match(page.expr, /\(13\.44 \* 0\.001\)/); // 8% × 168h / 1h; the workbook's 2% would be 3.36
  assert.match(page.expr, /\(3\.5 \* 0\.001\)/); // 12.5% × 168h / 6h
  // Without the windows file: the workbook.
  const plain = loadSpecsOrThrow([{ file: 's.yml', text: SLOTH }], { defaultWindow: '7d' }).slos[0]!;
  assert.match((sloGroups(plain).at(-1)!.rules[0] as AlertingRule).expr, /\(3\.36 \* 0\.001\)/);
});

test('a bad AlertWindows file is an error naming the field', () => {
  const bad = 'apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\nspec:\n  sloPeriod: 7d\n  page:\n    quick: { errorBudgetPercent: 8, shortWindow: 1h, longWindow: 5m }\n';
  const e = loadSpecs([{ file: 'w.yml', text: bad }]).issues.filter((i) => i.level === 'error');
  assert.equal(e[0]?.field, 'spec.page.quick.shortWindow');
});

test('AlertWindows with extra windows get their own ratio rules (12h, 2d, 7d)', () => {
  const { slos } = loadSpecsOrThrow([{ file: 'x.yml', text: readFileSync(join(import.meta.dirname, '../../../examples/slo/sloth-alert-windows.yml'), 'utf8') }]);
  const recs = sloGroups(slos[0]!).flatMap((g) => g.rules.map((r) => (r as RecordingRule).record));
  for (const w of ['10m', '2h', '12h', '2d', '7d']) assert.ok(recs.includes(`slo:sli_error:ratio_rate${w}`), w);
});

test('a YAML list of objects is read as one document per item (OpenSLO tooling writes these)', () => {
  const list = `- apiVersion: openslo/v1
  kind: SLO
  metadata: { name: api }
  spec:
    service: web
    timeWindow: [{ duration: 28d, isRolling: true }]
    budgetingMethod: Occurrences
    indicator:
      metadata: { name: api-errors }
      spec:
        ratioMetric:
          counter: true
          bad: { metricSource: { type: Prometheus, spec: { query: 'http_requests_total{code=~"5.."}' } } }
          total: { metricSource: { type: Prometheus, spec: { query: 'http_requests_total' } } }
    objectives: [{ target: 0.99 }]
`;
  const r = loadSpecs([{ file: 'list.yml', text: list }]);
  assert.deepEqual(r.issues.filter((i) => i.level === 'error'), []);
  assert.deepEqual(r.slos.map((s) => s.id), ['web-api-0']);
});
