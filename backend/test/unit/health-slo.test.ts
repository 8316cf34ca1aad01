import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthServiceFor } from '../../src/api/health.js';
import { parseHealthConfig } from '../../src/health/config.js';
import type { PromReader } from '../../src/health/ports.js';
import { scoreFromPrometheus } from '../../src/health/scorer.js';
import { sloCategory, sloIndicators } from '../../src/health/slo-indicators.js';
import { loadSpecsOrThrow } from '../../src/slo/load.js';
import { SloRepository } from '../../src/slo/store.js';
import { openStore } from '../../src/store/db.js';

const SPEC = `version: foresight/v1
slos:
  - { service: checkout, name: requests, objective: 99.9, sli: { ratio: { errors: 'sum(rate(slo_errors{service="checkout"}[{{.window}}]))', total: 'sum(rate(slo_total{service="checkout"}[{{.window}}]))' } } }
  - { service: checkout, name: up, objective: 99, sli: { availability: { metric: slo_up, selector: '{service="checkout"}' } } }
  - { service: payments, name: latency, objective: 99, sli: { latency: { metric: slo_h, selector: '{service="payments"}', threshold: 0.5 } } }
`;
const slos = loadSpecsOrThrow([{ file: 'h.yml', text: SPEC }]).slos;

// Only errors and availability are configured, both without an SLO: the learned baseline is the fallback.
const cfg = parseHealthConfig({
  components: ['checkout', 'cart'],
  categories: {
    errors: [{ name: 'error_ratio', query: 'err{service="{{component}}"}', betterWhen: 'lower' }],
    availability: [{ name: 'up', query: 'up_ratio{service="{{component}}"}', betterWhen: 'higher' }],
    performance: [],
    resources: [],
    custom: [],
  },
});

/** Prometheus stand-in: the SLO's error ratio is `sloErr` (absent when undefined); configured indicators sit at their baseline. */
function prom(sloErr: number | undefined, sloUpErr = 0): PromReader & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    query: async (expr: string) => {
      queries.push(expr);
      if (expr.includes('slo_errors')) return sloErr === undefined ? [] : [{ labels: {}, timestamp: 0, value: sloErr }];
      if (expr.includes('slo_up')) return [{ labels: {}, timestamp: 0, value: sloUpErr }];
      if (expr.startsWith('err{')) return [{ labels: {}, timestamp: 0, value: 0.004 }];
      if (expr.startsWith('up_ratio{')) return [{ labels: {}, timestamp: 0, value: 1 }];
      return [];
    },
    queryRange: async (expr: string) => {
      queries.push(expr);
      const v = expr.startsWith('err{') ? 0.004 : 1;
      const n = 30;
      return [{ labels: {}, timestamps: Float64Array.from({ length: n }, (_, i) => i * 300), values: Float64Array.from({ length: n }, (_, i) => v * (1 + 0.01 * (i % 3))) }];
    },
  };
}

const cat = (h: Awaited<ReturnType<typeof scoreFromPrometheus>>, component: string, category: string) =>
  h.components.find((c) => c.component === component)!.categories.find((c) => c.category === category)!;

test('slo indicators: matched by service, category by SLI kind, budget = 1 − objective, burn-rate window', () => {
  assert.deepEqual(slos.map(sloCategory), ['errors', 'availability', 'performance']);
  const ind = sloIndicators(slos, 'checkout');
  assert.deepEqual(ind.map((i) => [i.category, i.indicator.name, i.sloId]), [
    ['errors', 'slo:requests', 'checkout-requests'],
    ['availability', 'slo:up', 'checkout-up'],
  ]);
  assert.ok(Math.abs(ind[0]!.indicator.slo! - 0.001) < 1e-12);
  assert.equal(ind[0]!.indicator.betterWhen, 'lower');
  assert.match(ind[0]!.indicator.query, /slo_errors\{service="checkout"\}\[1h\]/);
  assert.deepEqual(sloIndicators(slos, 'cart'), []);
});

test('scorer: a component with an SLO is judged against it; others fall back to the baseline', async () => {
  // 0.5% errors against a 0.1% budget: 5× burn → the errors category fails although the baseline is normal.
  const h = await scoreFromPrometheus(prom(0.005), cfg, { now: 100_000, slos });
  const errs = cat(h, 'checkout', 'errors');
  assert.deepEqual(errs.indicators.map((i) => [i.name, i.basis]), [['slo:requests', 'slo']]);
  assert.equal(errs.score, 0);
  assert.match(errs.indicators[0]!.detail, /against SLO ≤ 1\.00e-3 \(5× the budget\)/);
  const avail = cat(h, 'checkout', 'availability');
  assert.deepEqual(avail.indicators.map((i) => [i.name, i.basis, i.score]), [['slo:up', 'slo', 100]]);
  // cart has no SLO: the same error ratio is judged by its learned baseline and is fine.
  const cartErrs = cat(h, 'cart', 'errors');
  assert.deepEqual(cartErrs.indicators.map((i) => i.basis), ['baseline']);
  assert.ok(cartErrs.score! >= 90, `cart errors ${cartErrs.score}`);
  assert.deepEqual(h.errors, []);

  // Within budget the SLO keeps the category healthy (0.05% of 0.1% = half the budget → 90).
  const ok = await scoreFromPrometheus(prom(0.0005), cfg, { now: 100_000, slos });
  assert.equal(cat(ok, 'checkout', 'errors').score, 90);
});

test('scorer: an SLO whose query gives nothing leaves the category to the configured indicator', async () => {
  const p = prom(undefined);
  const h = await scoreFromPrometheus(p, cfg, { now: 100_000, slos });
  assert.deepEqual(cat(h, 'checkout', 'errors').indicators.map((i) => [i.name, i.basis]), [['error_ratio', 'baseline']]);
  assert.ok(p.queries.some((q) => q.includes('slo_errors')), 'the SLO was tried first');
  const none = await scoreFromPrometheus(prom(0.005), cfg, { now: 100_000 });
  assert.deepEqual(cat(none, 'checkout', 'errors').indicators.map((i) => i.basis), ['baseline'], 'no SLOs given: baseline');
});

test('health service reads the SLOs stored by the companion on every run', async () => {
  const store = openStore(':memory:');
  try {
    const ctx = { config: { health: { components: ['checkout'], categories: cfg.categories } }, prom: prom(0.005), store };
    const svc = healthServiceFor(ctx);
    let snap = await svc.runOnce(100_000);
    assert.equal(snap.components[0]!.categories.find((c) => c.category === 'errors')!.indicators[0]!.basis, 'baseline');
    new SloRepository(store).save([{ file: 'h.yml', text: SPEC }]);
    snap = await svc.runOnce(100_060);
    const errs = snap.components[0]!.categories.find((c) => c.category === 'errors')!;
    assert.equal(errs.indicators[0]!.name, 'slo:requests');
    assert.equal(errs.score, 0);
  } finally {
    store.close();
  }
});
