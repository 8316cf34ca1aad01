import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/db.js';
import { Registry } from 'prom-client';
import { parseHealthConfig, fillTemplate } from '../../src/health/config.js';
import { HealthHistory } from '../../src/health/history.js';
import { createHealthMetrics } from '../../src/health/exporter.js';
import { toHealthScoreDto } from '../../src/health/contract-shape.js';
import { scoreComponent, scoreSystem } from '../../src/models/health/index.js';


const health = (component: string, errorRatio: number) =>
  scoreComponent({ component, indicators: { errors: [{ name: 'error_ratio', value: errorRatio, betterWhen: 'lower', slo: 0.01 }] } });

test('config: defaults are conventional metric families, never the demo\'s; bad fields are named', () => {
  const c = parseHealthConfig(undefined);
  assert.equal(c.componentLabel, 'service');
  assert.equal(c.discovery, undefined, 'no discovery query: components come from labels');
  const all = Object.values(c.categories).flat();
  assert.ok(all.every((i) => !i.query.includes('demo_') && i.query.includes('{{selector}}')), 'every default is narrowed by the component selector');
  assert.ok(c.categories.errors.some((i) => i.query.includes('http_requests_total')));
  assert.ok(c.categories.resources.some((i) => i.query.includes('node_filesystem_avail_bytes')));
  assert.ok(c.categories.availability.some((i) => i.query.startsWith('min(avg_over_time(up{')));
  const custom = parseHealthConfig({ categories: { custom: [{ name: 'orders', query: 'rate(orders_total{job="{{component}}"}[5m])', betterWhen: 'higher' }] } });
  assert.equal(custom.categories.custom[0]!.name, 'orders');
  assert.equal(custom.categories.errors.length, c.categories.errors.length, 'unspecified categories keep their defaults');
  assert.throws(() => parseHealthConfig({ categories: { errors: [{ name: 'e', query: 'up', betterWhen: 'lower' }] } }), /health\.categories\.errors\.0\.query: must contain the \{\{selector\}\} or \{\{component\}\} placeholder/);
  assert.throws(() => parseHealthConfig({ weights: { uptime: 1 } }), /health\.weights: Unrecognized key/);
  assert.throws(() => parseHealthConfig({ categories: { availability: [{ name: 'a', query: '{{component}}', betterWhen: 'higher', slo: 99.9 }] } }), /slo of a higher-is-better indicator/);
  assert.equal(fillTemplate('x{service="{{component}}"}', 'a"b\\c'), 'x{service="a\\"b\\\\c"}');
  assert.equal(fillTemplate('x{{{selector}}}', 'a"b', 'job'), 'x{job="a\\"b"}');
});

test('history keeps scores per component and the system, and prunes by age', () => {
  const store = openStore(':memory:');
  try {
    const h = new HealthHistory(store);
    h.record(scoreSystem([health('a', 0), health('b', 0.02)]), 1000);
    h.record(scoreSystem([health('a', 0.05), health('b', 0.02)]), 2000);
    assert.deepEqual(h.scores('a', 0).map((x) => x.t), [1000, 2000]);
    assert.ok(h.scores('a', 0)[0]!.score > h.scores('a', 0)[1]!.score);
    assert.equal(h.scores('__system__', 0).length, 2);
    assert.equal(h.latest('b')!.component, 'b');
    assert.equal(h.prune(1500), 3);
    assert.equal(h.scores('a', 0).length, 1);
  } finally {
    store.close();
  }
});

test('exporter publishes foresight_health_* and drops vanished components', async () => {
  const reg = new Registry();
  const m = createHealthMetrics(reg);
  m.update(scoreSystem([health('a', 0), health('b', 0.02)]));
  let text = await reg.metrics();
  assert.match(text, /foresight_health_score\{component="a"\} 100/);
  assert.match(text, /foresight_health_category_score\{component="b",category="errors"\} 40/);
  assert.match(text, /foresight_health_system_score \d/);
  m.update(scoreSystem([health('a', 0)]));
  text = await reg.metrics();
  assert.doesNotMatch(text, /component="b"/);
  assert.equal(createHealthMetrics(reg) !== undefined, true, 'a second exporter on the same registry reuses the gauges');
});

test('contract shape: trend in points over the window, ms history, unknown score omitted', () => {
  const c = { ...health('a', 0.005), slopePerHour: -2 };
  const dto = toHealthScoreDto(c, [{ t: 0, score: 90 }, { t: 7200, score: 86 }])!;
  assert.equal(dto.trend, -4);
  assert.equal(dto.history[1]!.time, 7_200_000);
  assert.equal(dto.categories.find((k) => k.name === 'performance')!.score, null);
  assert.equal(toHealthScoreDto(scoreComponent({ component: 'x', indicators: {} }), []), undefined);
});
