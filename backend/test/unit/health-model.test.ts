import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreComponent, scoreSystem, scoreIndicator, grade, trend, type Indicator } from '../../src/models/health/index.js';

const steady = (level: number, n = 50) => Array.from({ length: n }, (_, i) => level * (1 + 0.02 * Math.sin(i)));

test('meeting every SLO gives an A; burning the error budget costs the errors category', () => {
  const ok = scoreComponent({
    component: 'checkout',
    indicators: {
      availability: [{ name: 'up', value: 1, betterWhen: 'higher', slo: 0.99 }],
      performance: [{ name: 'p95', value: 0.1, betterWhen: 'lower', slo: 0.5 }],
      errors: [{ name: 'error_ratio', value: 0.0001, betterWhen: 'lower', slo: 0.01 }],
      resources: [{ name: 'cpu', value: 0.3, betterWhen: 'lower', saturation: true }],
    },
  });
  assert.equal(ok.grade, 'A');
  const bad = scoreComponent({
    component: 'checkout',
    indicators: {
      availability: [{ name: 'up', value: 1, betterWhen: 'higher', slo: 0.99 }],
      performance: [{ name: 'p95', value: 0.1, betterWhen: 'lower', slo: 0.5 }],
      errors: [{ name: 'error_ratio', value: 0.05, betterWhen: 'lower', slo: 0.01 }],
      resources: [{ name: 'cpu', value: 0.3, betterWhen: 'lower', saturation: true }],
    },
  });
  assert.ok(bad.score! < ok.score! - 15, `${bad.score} vs ${ok.score}`);
  const errors = bad.categories.find((c) => c.category === 'errors')!;
  assert.equal(errors.score, 0); // 5× the budget
  assert.match(bad.recommendations[0]!, /^errors costs [\d.]+ points: error_ratio 0.05 against SLO ≤ 0.01 \(5× the budget\)/);
});

test('weights renormalise over categories with data; an empty component is unknown, not 100', () => {
  const h = scoreComponent({ component: 'db', indicators: { errors: [{ name: 'e', value: 0, betterWhen: 'lower', slo: 0.01 }] } });
  assert.equal(h.categories.find((c) => c.category === 'errors')!.weight, 1);
  assert.equal(h.score, 100);
  const none = scoreComponent({ component: 'x', indicators: { errors: [{ name: 'e', value: undefined, betterWhen: 'lower', slo: 0.01 }] } });
  assert.equal(none.score, undefined);
  assert.equal(none.grade, undefined);
  assert.match(none.categories.find((c) => c.category === 'errors')!.note!, /e: no current value/);
  assert.match(none.recommendations.join(' '), /no category has data/);
  assert.throws(() => scoreComponent({ component: 'x', indicators: {} }, { weights: { errors: -1 } }), /health weights.errors: must be a finite number ≥ 0/);
});

test('without an SLO the learned baseline judges; saturation judges ratios near their limit', () => {
  const usual: Indicator = { name: 'p95', value: 0.2, betterWhen: 'lower', baseline: steady(0.2) };
  const slow: Indicator = { ...usual, value: 0.6 };
  const a = scoreIndicator(usual);
  const b = scoreIndicator(slow);
  assert.ok('score' in a && 'score' in b);
  if ('score' in a && 'score' in b) {
    assert.equal(a.basis, 'baseline');
    assert.ok(a.score > 95 && b.score < 20, `${a.score} ${b.score}`);
  }
  const disk = scoreIndicator({ name: 'disk', value: 0.95, betterWhen: 'lower', baseline: steady(0.95), saturation: true });
  assert.ok('score' in disk && disk.basis === 'saturation' && disk.score < 20);
  const young = scoreIndicator({ name: 'p95', value: 0.2, betterWhen: 'lower', baseline: [0.2, 0.2] });
  assert.ok('missing' in young && /fewer than 10 points/.test(young.missing));
});

test('grades, trend from the slope, and the system score pulled toward the worst component', () => {
  assert.deepEqual([95, 85, 75, 65, 10].map(grade), ['A', 'B', 'C', 'D', 'F']);
  const falling = Array.from({ length: 12 }, (_, i) => ({ t: i * 600, score: 95 - 2 * i }));
  assert.equal(trend(falling, undefined).trend, 'degrading');
  assert.equal(trend(falling.map((p) => ({ ...p, score: 70 + 2 * (p.t / 600) })), undefined).trend, 'improving');
  assert.equal(trend(falling.map((p) => ({ ...p, score: 80 + (p.t % 1200 ? 1 : -1) })), undefined).trend, 'stable');
  assert.equal(trend(falling.slice(0, 2), undefined).trend, 'stable');
  const mk = (component: string, v: number) =>
    scoreComponent({ component, indicators: { errors: [{ name: 'e', value: v, betterWhen: 'lower', slo: 0.01 }] } });
  const sys = scoreSystem([mk('a', 0), mk('b', 0), mk('c', 0.03)]);
  assert.equal(sys.worst, 'c');
  assert.ok(sys.score! < 75, `one failing component shows at the top: ${sys.score}`);
});
