// Rule generation: burn factors, NaN-safety, promtool check of every example, and the generated promtool suites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { burnConditions } from '../../src/slo/burn.js';
import { generateRuleFiles, sloGroups, type AlertingRule, type RecordingRule } from '../../src/slo/generate.js';
import { loadSpecsOrThrow } from '../../src/slo/load.js';
import { ruleTestFiles } from '../../src/slo/rule-tests.js';
import { promtoolCheckRules, promtoolTestRules } from '../../src/rules/promtool.js';

const EX = join(import.meta.dirname, '../../../examples/slo');
const allExamples = () => loadSpecsOrThrow(readdirSync(EX).filter((f) => f.endsWith('.yml')).sort().map((f) => ({ file: f, text: readFileSync(join(EX, f), 'utf8') }))).slos;

test('burn factors follow the SRE workbook for 30d and scale with the window', () => {
  assert.deepEqual(burnConditions(30).map((c) => [c.tier, c.long, c.short, c.factor]), [
    ['page', '1h', '5m', 14.4], ['page', '6h', '30m', 6], ['ticket', '1d', '2h', 3], ['ticket', '3d', '6h', 1],
  ]);
  assert.deepEqual(burnConditions(28).map((c) => c.factor), [13.44, 5.6, 2.8, Number((2.8 / 3).toPrecision(12))]);
  assert.deepEqual(burnConditions(7).map((c) => c.factor), [3.36, 1.4, 0.7, Number((0.7 / 3).toPrecision(12))]);
});

test('Sloth-compatible record names, labels and NaN-safe ratios', () => {
  const slo = allExamples().find((s) => s.id === 'checkout-requests-availability')!;
  const [sli, meta, alerts] = sloGroups(slo);
  const records = sli!.rules.map((r) => (r as RecordingRule).record);
  for (const w of ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']) assert.ok(records.includes(`slo:sli_error:ratio_rate${w}`), w);
  const r5 = sli!.rules[0] as RecordingRule;
  assert.match(r5.expr, /> 0\) or on\(\) vector\(0\)$/);
  assert.deepEqual(Object.keys(r5.labels!).filter((k) => k.startsWith('sloth_')).sort(), ['sloth_id', 'sloth_service', 'sloth_slo', 'sloth_window']);
  // The SLO window is computed from summed counts, not from averaged ratios.
  const period = sli!.rules.find((r) => (r as RecordingRule).record === 'slo:sli_error:ratio_rate30d') as RecordingRule;
  assert.match(period.expr, /sum_over_time\(slo:sli_error_events:rate5m\{[^}]+\}\[30d\]\)/);
  assert.doesNotMatch(period.expr, /count_over_time/);
  assert.deepEqual(meta!.rules.map((r) => (r as RecordingRule).record), [
    'slo:objective:ratio', 'slo:error_budget:ratio', 'slo:time_period:days', 'slo:current_burn_rate:ratio',
    'slo:period_burn_rate:ratio', 'slo:period_error_budget_remaining:ratio', 'slo:sli_history_start:timestamp', 'sloth_slo_info',
  ]);
  const page = alerts!.rules[0] as AlertingRule;
  for (const k of ['severity', 'sloth_id', 'foresight_tier', 'foresight_source']) assert.ok(page.labels![k], k);
  // service/slo are never pinned (a grouped SLI keeps its own): the expression adds them only where absent.
  for (const k of ['service', 'slo']) {
    assert.equal(page.labels![k], undefined, k);
    assert.match(page.expr, new RegExp(`"${k}", "[^"]+", "${k}", ""\\)`));
  }
  assert.equal(page.labels!.foresight_tier, 'page');
  assert.match(page.expr, /\(14\.4 \* 0\.01\)/);
  assert.match(page.expr, /\* 3600 >= 100/); // minimum-events guard
  const budget = alerts!.rules.find((r) => (r as AlertingRule).labels?.foresight_alert === 'budget') as AlertingRule;
  assert.match(budget.expr, /\(1 - slo:period_error_budget_remaining:ratio\{[^}]+\}\)/);
  assert.match(budget.expr, /clamp_max\(\(time\(\) - slo:sli_history_start:timestamp\{[^}]+\}\) \/ 2592000, 1\)\n>= 0\.7\n/);
});

test('every generated rule file passes promtool check rules', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = generateRuleFiles(allExamples());
  const paths = Object.entries(files).map(([n, y]) => (writeFileSync(join(dir, n), y), join(dir, n)));
  assert.ok(paths.length >= 10);
  const r = await promtoolCheckRules(paths);
  assert.equal(r.ok, true, r.output);
  assert.equal((r.output.match(/SUCCESS/g) ?? []).length, paths.length);
});

test('promtool check rules rejects a broken file (the check can fail)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bad.yml'), 'groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(rate(y[5m])\n');
  const r = await promtoolCheckRules([join(dir, 'bad.yml')]);
  assert.equal(r.ok, false);
  assert.match(r.output, /bad\.yml/);
});

test('generated promtool suites pass: page on fast burn, ticket on slow burn, nothing when healthy', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tests: string[] = [];
  for (const slo of allExamples()) {
    const f = ruleTestFiles(slo);
    writeFileSync(join(dir, f.alerts.name), f.alerts.yaml);
    writeFileSync(join(dir, f.test.name), f.test.yaml);
    tests.push(join(dir, f.test.name));
  }
  const r = await promtoolTestRules(tests);
  assert.equal(r.ok, true, r.output);
  // The suite must really assert firing alerts, not only absences.
  const checkout = readFileSync(join(dir, 'foresight-slo-checkout-requests-availability.test.yml'), 'utf8');
  assert.match(checkout, /fast burn pages[\s\S]*foresight_tier: page/);
});

test('a generated suite fails when the page threshold is wrong (the suite can fail)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const slo = allExamples().find((s) => s.id === 'checkout-requests-availability')!;
  const f = ruleTestFiles(slo);
  writeFileSync(join(dir, f.alerts.name), f.alerts.yaml.replaceAll('(14.4 * 0.01)', '(1.44 * 0.01)'));
  writeFileSync(join(dir, f.test.name), f.test.yaml);
  const r = await promtoolTestRules([join(dir, f.test.name)]);
  assert.equal(r.ok, false);
  assert.match(r.output, /slow burn opens a ticket, does not page/);
});
