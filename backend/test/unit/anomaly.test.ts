import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnlineAnomalyDetector, groupAnomalies, bandZ } from '../../src/models/anomaly/index.js';
import { rng } from '../../eval/lib/rng.js';

const STEP = 300;
const T0 = 1_700_000_000 - (1_700_000_000 % 86_400);
function seasonal(seed: number, n: number, f: (i: number, x: number) => number = (_i, x) => x): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, (_, i) => f(i, 100 + 20 * Math.sin((2 * Math.PI * i) / 288) + 2 * r.gauss()));
}

test('warm-up is explicit: no score and no alarm before warmupPoints, then the daily period is detected', () => {
  const d = new OnlineAnomalyDetector({ warmupPoints: 576 });
  const y = seasonal(1, 700, (i, x) => (i === 100 ? x + 500 : x));
  for (let i = 0; i < 576; i++) {
    const r = d.update(T0 + i * STEP, y[i]!);
    assert.equal(r.warmup, i < 575, `point ${i}`);
    assert.equal(r.score, 0);
    assert.equal(r.anomaly, false);
  }
  assert.equal(d.ready, true);
  assert.equal(d.periodSeconds, 86_400);
});

test('no period is reported for white noise (seasonality is detected, not assumed)', () => {
  const r = rng(2);
  const d = new OnlineAnomalyDetector({ warmupPoints: 576 });
  for (let i = 0; i < 600; i++) d.update(T0 + i * STEP, 50 + r.gauss());
  assert.equal(d.periodSeconds, 0);
});

test('a spike, a level shift and a variance change are flagged with agreeing detectors; clean stretches are quiet', () => {
  const n = 2016 * 2;
  const y = seasonal(3, n, (i, x) => (i === 1500 ? x + 20 : i >= 2500 && i < 3000 ? x + 8 : i >= 3500 && i < 3600 ? 100 + (x - 100) * 1 + rng(i).gauss() * 8 : x));
  const d = new OnlineAnomalyDetector();
  const flagged: number[] = [];
  const det = new Map<number, string[]>();
  for (let i = 0; i < n; i++) {
    const r = d.update(T0 + i * STEP, y[i]!);
    assert.ok(r.score >= 0 && r.score <= 1 && Number.isFinite(r.score));
    assert.ok(Number.isFinite(r.lower) && Number.isFinite(r.upper));
    if (r.anomaly) {
      flagged.push(i);
      det.set(i, r.detectors);
      assert.ok(r.detectors.length > 0, `point ${i} flagged without detectors`);
      assert.notEqual(r.severity, 'none');
    }
  }
  assert.ok(flagged.includes(1500), 'spike flagged');
  assert.ok(det.get(1500)!.includes('seasonal'));
  assert.ok(flagged.some((i) => i >= 2500 && i < 2512), 'level shift flagged within an hour');
  assert.ok(flagged.some((i) => i >= 3500 && i < 3600), 'variance change flagged');
  const falseAlarms = flagged.filter((i) => !(i === 1500 || (i >= 2500 && i < 2530) || (i >= 3000 && i < 3010) || (i >= 3500 && i < 3700)));
  assert.ok(falseAlarms.length <= 3, `false alarms: ${falseAlarms.join(',')}`);
});

test('state is small, survives toJSON/fromJSON exactly and continues identically', () => {
  const y = seasonal(4, 1500);
  const a = new OnlineAnomalyDetector();
  for (let i = 0; i < 1000; i++) a.score(T0 + i * STEP, y[i]!);
  const json = JSON.stringify(a);
  assert.ok(json.length < 4096, `state ${json.length} bytes`);
  const b = OnlineAnomalyDetector.fromJSON(JSON.parse(json));
  for (let i = 1000; i < 1500; i++) assert.equal(b.score(T0 + i * STEP, y[i]!), a.score(T0 + i * STEP, y[i]!));
  assert.throws(() => OnlineAnomalyDetector.fromJSON({ v: 1, season: 'x' }), /anomaly state: field/);
});

test('bad input: NaN, repeated/out-of-order timestamps and constant series never give NaN or crash', () => {
  const d = new OnlineAnomalyDetector({ warmupPoints: 20 });
  for (let i = 0; i < 100; i++) {
    const r = d.update(T0 + i * STEP, 7);
    assert.equal(r.score, 0);
  }
  const nan = d.update(T0 + 100 * STEP, Number.NaN);
  assert.equal(nan.skipped, true);
  assert.equal(nan.score, 0);
  const back = d.update(T0 + 50 * STEP, 7);
  assert.equal(back.skipped, true);
  const jump = d.update(T0 + 101 * STEP, 70);
  assert.ok(jump.anomaly, 'a change on a constant series is anomalous');
  assert.ok(Number.isFinite(jump.upper));
  // Irregular timestamps (gaps) are fine.
  const g = new OnlineAnomalyDetector({ warmupPoints: 30 });
  const r = rng(5);
  let t = T0;
  for (let i = 0; i < 300; i++) {
    t += STEP * (1 + (r() < 0.2 ? r.int(1, 5) : 0));
    assert.ok(Number.isFinite(g.score(t, 10 + r.gauss())));
  }
  assert.throws(() => new OnlineAnomalyDetector({ warmupPoints: 2 }), /warmupPoints/);
});

test('score is calibrated: a 1e-4 two-sided tail on one detector maps to the threshold', () => {
  assert.ok(Math.abs(bandZ(0.5) - 4.3) < 0.2, String(bandZ(0.5)));
});

test('anomalies of one component that overlap in time form one finding', () => {
  const ev = [
    { labels: { __name__: 'latency', service: 'checkout' }, t: 1000, score: 0.6, detectors: ['seasonal' as const] },
    { labels: { __name__: 'errors', service: 'checkout' }, t: 1300, score: 0.95, detectors: ['ewma' as const] },
    { labels: { __name__: 'latency', service: 'checkout' }, t: 1600, score: 0.7, detectors: ['seasonal' as const] },
    { labels: { __name__: 'latency', service: 'cart' }, t: 1100, score: 0.55, detectors: ['cusum' as const] },
    { labels: { __name__: 'latency', service: 'checkout' }, t: 9000, score: 0.6, detectors: ['seasonal' as const] },
  ];
  const f = groupAnomalies(ev, { gapSeconds: 600 });
  assert.equal(f.length, 3);
  const first = f.find((x) => x.component === 'service=checkout' && x.start === 1000)!;
  assert.equal(first.members.length, 2);
  assert.equal(first.severity, 'critical');
  assert.deepEqual(first.detectors.sort(), ['ewma', 'seasonal']);
  assert.equal(first.end, 1600);
});
