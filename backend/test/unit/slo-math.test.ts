// The generated recording rules evaluated by promtool on raw counters: the SLO-window ratio follows summed counts
// when traffic is uneven (averaging 5m ratios would not), and zero traffic records 0, never NaN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { generateRuleFiles } from '../../src/slo/generate.js';
import { loadSpecsOrThrow } from '../../src/slo/load.js';
import { promtoolTestRules } from '../../src/rules/promtool.js';

const SPEC = `version: foresight/v1
slos:
  - service: shop
    name: uneven
    objective: 99
    sli:
      ratio:
        errors: sum(rate(req_total{svc="uneven",code="500"}[{{.window}}]))
        total: sum(rate(req_total{svc="uneven"}[{{.window}}]))
  - service: shop
    name: idle
    objective: 99
    sli:
      ratio:
        errors: sum(rate(req_total{svc="idle",code="500"}[{{.window}}]))
        total: sum(rate(req_total{svc="idle"}[{{.window}}]))
`;
const ids = (name: string) => `sloth_id="shop-${name}", sloth_service="shop", sloth_slo="${name}"`;

function suite(expect: { uneven: number; averaged: number; idleRatio: number; idleRemaining: number }) {
  return {
    rule_files: ['rules.yml'],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: [
          // Busy first hour (100 req/min, no errors), then a quiet hour with 1 req/min, all failing:
          // 60 errors in 6060 requests ≈ 1%, while the 5m ratios are 0 for an hour and 1 for an hour (≈ 50%).
          { series: 'req_total{svc="uneven",code="200"}', values: '0+100x60 6000+0x60' },
          { series: 'req_total{svc="uneven",code="500"}', values: '0+0x60 1+1x60' },
          // Counters that never move: no traffic at all.
          { series: 'req_total{svc="idle",code="200"}', values: '5+0x120' },
          { series: 'req_total{svc="idle",code="500"}', values: '0+0x120' },
        ],
        promql_expr_test: [
          { expr: `slo:sli_error:ratio_rate30d{${ids('uneven')}} < bool 0.05`, eval_time: '120m', exp_samples: [{ labels: `{${ids('uneven')}, sloth_window="30d"}`, value: expect.uneven }] },
          { expr: `avg_over_time(slo:sli_error:ratio_rate5m{${ids('uneven')}}[30d]) > bool 0.3`, eval_time: '120m', exp_samples: [{ labels: `{${ids('uneven')}, sloth_window="5m"}`, value: expect.averaged }] },
          { expr: `slo:sli_error:ratio_rate5m{${ids('idle')}}`, eval_time: '120m', exp_samples: [{ labels: `slo:sli_error:ratio_rate5m{${ids('idle')}, sloth_window="5m"}`, value: expect.idleRatio }] },
          { expr: `slo:period_error_budget_remaining:ratio{${ids('idle')}}`, eval_time: '120m', exp_samples: [{ labels: `slo:period_error_budget_remaining:ratio{${ids('idle')}, sloth_window="30d"}`, value: expect.idleRemaining }] },
        ],
      },
    ],
  };
}

async function runSuite(expect: Parameters<typeof suite>[0]) {
  const dir = mkdtempSync(join(tmpdir(), 'slo-math-'));
  try {
    const files = generateRuleFiles(loadSpecsOrThrow([{ file: 'm.yml', text: SPEC }]).slos);
    writeFileSync(join(dir, 'rules.yml'), `groups:\n${Object.values(files).map((y) => y.split('\n').filter((l) => !l.startsWith('#') && l !== 'groups:').join('\n')).join('\n')}`);
    writeFileSync(join(dir, 'test.yml'), stringify(suite(expect)));
    return await promtoolTestRules([join(dir, 'test.yml')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('uneven traffic: window ratio from summed counts (~1%), not averaged ratios (~50%); zero traffic → 0, budget 1', async () => {
  const r = await runSuite({ uneven: 1, averaged: 1, idleRatio: 0, idleRemaining: 1 });
  assert.equal(r.ok, true, r.output);
});

test('the same suite fails when expecting NaN-poisoned or averaged results (it can fail)', async () => {
  const r = await runSuite({ uneven: 0, averaged: 1, idleRatio: 0, idleRemaining: 1 });
  assert.equal(r.ok, false);
  const r2 = await runSuite({ uneven: 1, averaged: 1, idleRatio: 1, idleRemaining: 0 });
  assert.equal(r2.ok, false);
});
