import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promtoolCheckRules } from '../../src/rules/promtool.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capacity, recommend, capacityRulesYaml, capacityAlertRule } from '../../src/models/capacity/index.js';
import { rng } from '../../eval/lib/rng.js';

const STEP = 300;
const T0 = 1_700_000_000;

test('a disk filling linearly: crossing time within the band, band ordered, growth and headroom right', () => {
  const r = rng(21);
  const n = 2016;
  const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * STEP);
  // 1 GB per day growth from 50 GB, capacity 60 GB: about 10 days left at the end of the 7-day history.
  const vs = Float64Array.from({ length: n }, (_, i) => 50e9 + (1e9 * i * STEP) / 86_400 + 2e7 * r.gauss() - 7e9);
  const c = capacity(ts, vs, { threshold: 60e9, horizonSeconds: 30 * 86_400, season: 0 });
  const expected = (60e9 - vs[n - 1]!) / (1e9 / 86_400);
  assert.ok(c.secondsToThreshold !== null && Math.abs(c.secondsToThreshold - expected) < 0.15 * expected, `${c.secondsToThreshold} vs ${expected}`);
  assert.ok(c.secondsToThresholdLow !== null && c.secondsToThresholdLow <= c.secondsToThreshold!);
  assert.ok(c.secondsToThresholdHigh === null || c.secondsToThresholdHigh >= c.secondsToThreshold!);
  assert.ok(Math.abs(c.growthPerDay - 1e9) < 0.05e9, String(c.growthPerDay));
  assert.ok(Math.abs(c.headroom - (60e9 - vs[n - 1]!)) < 1);
  assert.equal(c.recommendation, 'moderate');
  assert.ok(c.suggestedCapacity >= 60e9);
});

test('a 12-hour hole in the history (the exporter down): filled and not validated on, the crossing time still right', () => {
  const r = rng(22);
  const n = 2016;
  const keep = (i: number): boolean => i < 1500 || i >= 1644;
  const idx = Array.from({ length: n }, (_, i) => i).filter(keep);
  const ts = idx.map((i) => T0 + i * STEP);
  const vs = idx.map((i) => 43e9 + (1e9 * i * STEP) / 86_400 + 3e8 * Math.sin((2 * Math.PI * i) / 288) + 2e7 * r.gauss());
  const c = capacity(ts, vs, { threshold: 60e9, horizonSeconds: 30 * 86_400 });
  assert.ok(c.notes.some((x) => /144 missing point\(s\) interpolated \(1 gap\(s\) longer than 3 steps: filled, and not validated on\)/.test(x)), c.notes.join('; '));
  assert.ok(c.notes.some((x) => /origins clear of long gaps/.test(x)), c.notes.join('; '));
  const expected = (60e9 - c.current) / (1e9 / 86_400);
  assert.ok(c.secondsToThreshold !== null && Math.abs(c.secondsToThreshold - expected) < 0.15 * expected, `${c.secondsToThreshold} vs ${expected}`);
});

test('already past the threshold: zero seconds and aggressive; flat usage far below: null and conservative', () => {
  const ts = Array.from({ length: 200 }, (_, i) => T0 + i * 60);
  const past = capacity(ts, ts.map(() => 95), { threshold: 90 });
  assert.equal(past.secondsToThreshold, 0);
  assert.equal(past.recommendation, 'aggressive');
  const r = rng(22);
  const day = Array.from({ length: 576 }, (_, i) => T0 + i * 300);
  const flat = capacity(day, day.map(() => 20 + r.gauss() * 0.1), { threshold: 90, horizonSeconds: 3600 });
  assert.equal(flat.secondsToThreshold, null);
  assert.equal(flat.recommendation, 'conservative');
  assert.ok(Number.isFinite(flat.growthPerDay));
});

test('direction down (free bytes shrinking) and bad input (NaN, resets of irregular samples)', () => {
  const ts = Array.from({ length: 300 }, (_, i) => T0 + i * 60 + (i % 3) * 5);
  const vs = ts.map((_, i) => (i % 50 === 7 ? Number.NaN : 1000 - i));
  const c = capacity(ts, vs, { threshold: 100, direction: 'down', horizonSeconds: 86_400, season: 0 });
  assert.ok(c.secondsToThreshold !== null && Math.abs(c.secondsToThreshold - (1000 - 299 - 100) * 60) < 3000, String(c.secondsToThreshold));
  assert.ok(c.growthPerDay > 0);
  assert.ok(c.notes.some((n) => /non-finite/.test(n)));
  assert.throws(() => capacity([], [], { threshold: 1 }), /no finite samples/);
  assert.throws(() => capacity([1], [1], { threshold: Number.NaN }), /threshold/);
});

test('no advice from less than one season (a day) of history, unless already past the threshold', () => {
  // Two hours climbing fast (the rising half of a daily cycle) far below the threshold.
  const ts = Array.from({ length: 120 }, (_, i) => T0 + i * 60);
  const c = capacity(ts, ts.map((_, i) => 20 + i * 0.2), { threshold: 90, horizonSeconds: 86_400, season: 0 });
  assert.equal(c.recommendation, 'insufficient_history');
  assert.equal(capacity(ts, ts.map(() => 95), { threshold: 90 }).recommendation, 'aggressive');
});

test('recommendation classes by growth', () => {
  assert.equal(recommend(0.1, null), 'aggressive');
  assert.equal(recommend(0.02, null), 'moderate');
  assert.equal(recommend(0.001, 20 * 86_400), 'moderate');
  assert.equal(recommend(0.001, null), 'conservative');
});


test('predictive alert rules pass promtool check rules; invalid targets name the field', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fs-caprules-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const yaml = capacityRulesYaml([
    { name: 'disk', query: 'node_filesystem_size_bytes{service="db"} - node_filesystem_avail_bytes{service="db"}', threshold: 100e9, withinSeconds: 86_400 },
    { name: 'cpu-frontend', query: 'avg by (service) (rate(container_cpu_usage_seconds_total[5m]))', threshold: 0.9, withinSeconds: 3600, mode: 'predict_linear' },
    { name: 'free', query: 'node_filesystem_free_bytes', threshold: 1e9, direction: 'down', mode: 'foresight' },
    { name: 'memory', query: 'container_memory_working_set_bytes', threshold: '0.9 * container_spec_memory_limit_bytes', withinSeconds: 3600 },
  ]);
  const file = join(dir, 'cap.yml');
  await writeFile(file, yaml);
  const res = await promtoolCheckRules([file]);
  assert.ok(res.ok, res.output);
  assert.match(res.output, /4 rules found/);
  assert.match(yaml, /predict_linear\(container_memory_working_set_bytes\[6h\], 3600\) >= \(0\.9 \* container_spec_memory_limit_bytes\)/);
  assert.match(yaml, /predict_linear\(\(node_filesystem_size_bytes\{service="db"\} - node_filesystem_avail_bytes\{service="db"\}\)\[6h:1m\], 86400\) >= 100000000000/);
  assert.match(yaml, /\(avg by \(service\) \(rate\(container_cpu_usage_seconds_total\[5m\]\)\)\)\[6h:1m\]/);
  assert.match(yaml, /foresight_capacity_seconds_to_threshold\{target="disk"\} < 86400/);
  assert.throws(() => capacityAlertRule({ name: 'x y', query: 'a', threshold: 1 }, 2), /target #2 'x y': field 'name'/);
  assert.throws(() => capacityAlertRule({ name: 'x', query: 'a', threshold: 1, lookback: 'soon' }), /field 'lookback'/);
});
