// The online anomaly detector on fixtures that show each behaviour of real metrics from issue 13
// (scale, quantised series, saturated scores, coarse seasons, warm-up in time, events, useless input is
// covered in models-cli.test.ts). Checked against the previous detector (eval/lib/previous-detector.ts):
// it fails each of 1-6 (scores differ by up to 0.59 under x1e-9 and a constant start gives 168 alarms;
// 64 alarms on the idle CPU and 99 on the stepping counter; 34 alarms and 10 scores >= 0.99 on four
// weeks of noise; 96 alarms on the square wave; the warm-up spike scores 0; the ramp is missed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnlineAnomalyDetector, SENSITIVITIES, groupAnomalies, scoreForWait, waitForScore, type AnomalyOptions } from '../../src/models/anomaly/index.js';
import { rng } from '../../eval/lib/rng.js';
import { realisticCorpus } from '../../eval/lib/realistic.js';

const T0 = 1_700_006_400; // a UTC midnight
const DAY = 86_400;

function run(ts: (i: number) => number, y: ArrayLike<number>, o: AnomalyOptions = {}): { scores: number[]; anomaly: boolean[]; alarms: number[]; d: OnlineAnomalyDetector } {
  const d = new OnlineAnomalyDetector(o);
  const scores: number[] = [];
  const anomaly: boolean[] = [];
  const alarms: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const r = d.update(ts(i), y[i]!);
    assert.ok(Number.isFinite(r.score) && r.score >= 0 && r.score <= 1, `score at ${i}: ${r.score}`);
    scores.push(r.score);
    anomaly.push(r.anomaly);
    if (r.alarm) alarms.push(i);
  }
  return { scores, anomaly, alarms, d };
}
const every = (step: number) => (i: number): number => T0 + i * step;

test('1. scale: scores and alarms are bit-identical for the series x2^-30, x1e-9, x3.7, x0.3, x123.456 and x1e12; a noise-free start does not make every later wiggle alarm', () => {
  const r = rng(1);
  const n = 6 * 288;
  const y = Float64Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 288) + r.gauss() * 2 + (i === 1200 ? 40 : 0));
  const base = run(every(300), y);
  // Also a quantised CPU series and a noisy square wave (float32 profiles, quantum and median-step ties).
  const r2 = rng(11);
  const cpu = Float64Array.from({ length: n }, (_, i) => Math.round(30 + 8 * Math.sin((2 * Math.PI * i) / 288) + r2.gauss() * 2 + (i === 1300 ? 30 : 0)));
  const sq = Float64Array.from({ length: n }, (_, i) => ((i % 72) < 12 ? 60 : 12) * (1 + 0.02 * r2.gauss()));
  const others = [cpu, sq].map((s) => ({ s, base: run(every(300), s) }));
  for (const k of [2 ** -30, 1e-9, 3.7, 0.3, 123.456, 1e12]) {
    const o = run(every(300), Float64Array.from(y, (v) => v * k));
    // Bit-identical, not just close: x * 3.7 rounds differently from x, and the score must not care.
    assert.deepEqual(o.scores, base.scores, `scores differ at x${k}`);
    assert.deepEqual(o.alarms, base.alarms, `alarms differ at x${k}`);
    for (const { s, base: b } of others) {
      const q = run(every(300), Float64Array.from(s, (v) => v * k));
      assert.deepEqual(q.scores, b.scores, `scores of the quantised / square series differ at x${k}`);
      assert.deepEqual(q.anomaly, b.anomaly);
    }
  }
  assert.ok(base.alarms.includes(1200), 'the spike alarms');
  assert.ok(others[0]!.base.alarms.includes(1300), 'the CPU spike alarms');
  // All-zero for two days, then spikes of the same size every few hours: at most the first ones alarm.
  const z = Float64Array.from({ length: 5 * 288 }, (_, i) => (i >= 576 && i % 36 === 0 ? 3 : 0));
  const zr = run(every(300), z);
  assert.ok(zr.alarms.length <= 2, `alarms on recurring spikes after a zero warm-up: ${zr.alarms}`);
  // A constant start, then +-1 wiggles: not hundreds of alarms.
  const c = Float64Array.from({ length: 5 * 288 }, (_, i) => (i < 576 ? 7 : 7 + (i % 7 === 0 ? 1 : i % 11 === 0 ? -1 : 0)));
  assert.ok(run(every(300), c).alarms.length <= 2);
});

test('1b. scale invariance on quantised data: |z| exactly on a threshold (2 quanta over a 1-quantum floor) is decided alike at every scale', () => {
  // Two series of the synthetic eval corpus where it happened (integer CPU %, Poisson error counts): 150
  // and 101 scores differed under x3.7 and x1e-9 before the thresholds got a tie margin.
  const corpus = realisticCorpus({ seed: 13, perCell: 3 });
  for (const id of ['cpu_quantised/outage/0', 'errors_zero_heavy/drift/1']) {
    const s = corpus.find((c) => c.id === id)!;
    const score = (k: number): number[] => {
      const d = new OnlineAnomalyDetector();
      return Array.from(s.values, (v, i) => d.score(s.ts[i]!, v * k));
    };
    const base = score(1);
    for (const k of [1e-9, 3.7]) assert.deepEqual(score(k), base, `${id} x${k}`);
  }
});

test('2. quantised: CPU % in whole percents (about 24 distinct values) raises at most a couple of alarms a week', () => {
  const r = rng(2);
  const n = 14 * 288;
  const y = Float64Array.from({ length: n }, (_, i) => Math.round(30 + 8 * Math.sin((2 * Math.PI * i) / 288) + r.gauss() * 2));
  assert.ok(new Set(y).size <= 40);
  const o = run(every(300), y);
  const afterWarm = o.alarms.filter((i) => i >= 288);
  assert.ok(afterWarm.length <= 4, `alarms in 13 days: ${afterWarm.length}`);
  // Idle CPU at 2 % that reads 3 % now and then: the quantum is the noise, not an anomaly.
  const r2 = rng(8);
  const idle = Float64Array.from({ length: n }, () => 2 + (r2() < 0.02 ? 1 : 0));
  assert.equal(run(every(300), idle).alarms.filter((i) => i >= 288).length, 0);
  // A counter stepping by one unit per scrape now and then: one step never alarms.
  const steps = Float64Array.from({ length: n }, (_, i) => 1000 + Math.floor(i / 97));
  assert.equal(run(every(300), steps).alarms.filter((i) => i >= 288).length, 0);
});

test('3. scores are calibrated, not saturated: on clean noise few points score near 1, alarms per week follow the sensitivity', () => {
  const r = rng(3);
  const n = 28 * 288; // four weeks at 5 min
  const y = Float64Array.from({ length: n }, () => 100 + r.gauss() * 5 * (r() < 0.05 ? 3 : 1));
  const counts = SENSITIVITIES.map((s) => run(every(300), y, { sensitivity: s.name }).alarms.filter((i) => i >= 288).length);
  const [high, medium, low] = counts as [number, number, number];
  assert.ok(high >= medium && medium >= low, `high ${high} >= medium ${medium} >= low ${low}`);
  assert.ok(medium <= 8, `medium: ${medium} alarms in ~4 weeks (target ~1/week)`);
  assert.ok(high <= 60, `high: ${high} alarms in ~4 weeks (target ~1/day)`);
  const sc = run(every(300), y).scores;
  assert.ok(sc.filter((s) => s >= 0.99).length <= 3, 'scores do not pile up at 1');
  // The score means a waiting time: it maps back and forth.
  assert.ok(Math.abs(scoreForWait(waitForScore(0.42)) - 0.42) < 1e-12);
  assert.ok(Math.abs(SENSITIVITIES[1]!.score - scoreForWait(7 * DAY)) < 1e-12);
});

test('4. seasons at the data resolution: an hourly square wave on 1-minute data and a weekly rhythm are learned, not flagged', () => {
  const r = rng(4);
  const n = 3 * 1440;
  const sq = Float64Array.from({ length: n }, (_, i) => ((i % 60) < 10 ? 80 : 20) + r.gauss());
  const o = run(every(60), sq);
  assert.ok(o.d.seasons.includes(3600) || o.d.seasons.includes(86_400), `seasons ${o.d.seasons}`);
  const late = o.alarms.filter((i) => i >= 1440);
  assert.ok(late.length <= 2, `square wave edges alarmed ${late.length} times after day 1`);
  // Weekday traffic with quiet weekends, three weeks at 5 minutes: the third weekend is normal.
  const m = 21 * 288;
  const tr = Float64Array.from({ length: m }, (_, i) => {
    const dow = Math.floor((T0 + i * 300) / DAY + 4) % 7;
    const wk = dow === 0 || dow === 6 ? 0.4 : 1;
    return wk * (500 + 200 * Math.sin((2 * Math.PI * i) / 288)) + r.gauss() * 10;
  });
  const w = run(every(300), tr);
  assert.ok(w.d.seasons.includes(604_800), `weekly season found: ${w.d.seasons}`);
  const third = w.alarms.filter((i) => i >= 14 * 288);
  assert.ok(third.length <= 2, `alarms in week 3: ${third}`);
});

test('4b. a daily on/off square wave (2 h on, 5-minute data, 10 series) is learned: no alarms after day 3', () => {
  let late = 0;
  for (let seed = 0; seed < 10; seed++) {
    const r = rng(50 + seed);
    const base = 5 + 15 * r();
    const hi = base * (3 + 3 * r());
    const y = Float64Array.from({ length: 14 * 288 }, (_, i) => ((i % 288) < 24 ? hi : base) + base * 0.03 * r.gauss());
    late += run(every(300), y).alarms.filter((i) => i >= 3 * 288).length;
  }
  // (the detector before this fix raised 39 here, the one of the previous session 143)
  assert.ok(late <= 3, `alarms on days 4-14 of 10 square waves: ${late}`);
});

test('4c. heteroscedastic season: a square wave whose high state is 3-6x noisier (multiplicative noise) is not flagged in its high state', () => {
  // One scale for the whole day made every high state look like 3-6 sigma of noise: the detector before
  // the scale by phase raised 14 alarms here (days 4-14, 10 series).
  let late = 0;
  for (let seed = 0; seed < 10; seed++) {
    const r = rng(70 + seed);
    const base = 5 + 15 * r();
    const hi = base * (3 + 3 * r());
    const period = seed % 2 ? 6 * 288 / 24 : 288; // 6-hour or daily batch
    const on = seed % 2 ? 12 : 24;
    const y = Float64Array.from({ length: 14 * 288 }, (_, i) => ((i % period) < on ? hi : base) * (1 + 0.02 * r.gauss()));
    late += run(every(300), y).alarms.filter((i) => i >= 3 * 288).length;
  }
  assert.ok(late <= 3, `alarms on days 4-14 of 10 heteroscedastic square waves: ${late}`);
});

test('5. warm-up is time, not points: 1-minute data gets its daily season; a gross anomaly inside the warm-up still alarms', () => {
  const r = rng(5);
  const n = 4 * 1440;
  const y = Float64Array.from({ length: n }, (_, i) => 100 + 40 * Math.sin((2 * Math.PI * i) / 1440) + r.gauss() * 2 + (i === 180 ? 600 : 0));
  const o = run(every(60), y);
  assert.ok(o.alarms.includes(180), 'a gross spike 3 hours after start alarms');
  assert.ok(o.d.seasons.includes(86_400), `daily season found on 1-minute data: ${o.d.seasons}`);
  assert.ok(o.alarms.filter((i) => i >= 2 * 1440).length <= 1, `the daily rhythm is not flagged: ${o.alarms}`);
  const w = new OnlineAnomalyDetector({ warmupSeconds: 3600 });
  for (let i = 0; i < 30; i++) w.update(T0 + i * 60, 1);
  assert.equal(w.ready, false);
  for (let i = 30; i < 70; i++) w.update(T0 + i * 60, 1);
  assert.equal(w.ready, true, 'ready after an hour of 1-minute data');
});

test('6. events: one alarm per episode; a level shift alarms once and becomes normal within adaptSeconds; a slow drift is caught', () => {
  const r = rng(6);
  const n = 6 * 288;
  const noise = (): number => r.gauss() * 2;
  // A 3-point spike: one alarm.
  const sp = Float64Array.from({ length: n }, (_, i) => 100 + noise() + (i >= 800 && i < 803 ? 40 : 0));
  const a = run(every(300), sp);
  assert.deepEqual(a.alarms.filter((i) => i >= 288), [800]);
  // A permanent shift: one alarm, and quiet again within adaptSeconds (1 h) + closeAfterSeconds (10 min).
  const sh = Float64Array.from({ length: n }, (_, i) => 100 + noise() + (i >= 800 ? 25 : 0));
  const b = run(every(300), sh);
  assert.deepEqual(b.alarms.filter((i) => i >= 288), [800]);
  const quietFrom = 800 + Math.ceil((3600 + 600) / 300) + 1;
  assert.ok(b.anomaly.slice(quietFrom).every((x) => !x), 'the new level is normal');
  // A ramp of 10 sigma over 4 hours (slower ramps are caught less often: see `npm run eval anomaly`).
  const dr = Float64Array.from({ length: n }, (_, i) => 100 + noise() + (i >= 800 ? Math.min(20, (20 * (i - 800)) / 48) : 0));
  const c = run(every(300), dr);
  assert.ok(c.alarms.some((i) => i >= 800 && i < 848), `drift alarms during the ramp: ${c.alarms}`);
  // minDurationSeconds: a one-point spike does not open an episode that must last 10 minutes.
  const md = run(every(300), sp.map((v, i) => (i === 800 ? v : i > 800 && i < 803 ? 100 : v)), { minDurationSeconds: 600 });
  assert.ok(!md.alarms.includes(800));
});

test('6b. an incident that ends: one alarm each, no second alarm when the values come back, no daily echo', () => {
  // A low ratio (0.3% errors, 3% noise, and a series with a daily rhythm) with bursts of 15-60 min at
  // 30-200x. The episode was held open past the burst by the drift test's memory of it, re-based at
  // adaptSeconds on a residual average still full of the burst, so the return to normal alarmed, the
  // recovery alarmed again (drift), and the re-base taught the daily profile a hole that alarmed at the
  // same time every day: 24 alarms outside the bursts on these 4 series before, none now.
  const bursts: [number, number, number][] = [[870, 6, 0.3], [1057, 12, 0.6], [1300, 7, 0.25], [1761, 10, 0.12], [2066, 3, 0.17], [2400, 12, 0.5]];
  const n = 10 * 288;
  let outside = 0;
  for (const seed of [1, 2, 3, 4]) {
    const r = rng(100 + seed);
    const daily = seed % 2 === 0;
    const y = Float64Array.from({ length: n }, (_, i) => {
      const b = bursts.find(([s0, len]) => i >= s0 && i < s0 + len);
      const base = 0.003 * (daily ? 1 + 0.4 * Math.sin((2 * Math.PI * i) / 288) : 1);
      return b ? b[2] * (1 + 0.05 * r.gauss()) : base * (1 + 0.03 * r.gauss());
    });
    const o = run(every(300), y);
    for (const [s0, len] of bursts) assert.ok(o.alarms.some((i) => i >= s0 && i < s0 + len), `burst at ${s0} alarmed (seed ${seed}): ${o.alarms}`);
    outside += o.alarms.filter((i) => i >= 2 * 288 && !bursts.some(([s0, len]) => i >= s0 && i < s0 + len)).length;
  }
  assert.equal(outside, 0, 'alarms outside the bursts');
});

test('gross jump after a short warm-up: 20 noisy 1-second points, then 20x, is flagged within 2 points', () => {
  // The live case: a latency series at 1 s step with a 19 s warm-up. On 1-second data a once-a-week
  // deviation is p ~ 1e-6 per point, which a tail fitted to 20 noisy residuals cannot vouch for; the
  // gross test (far outside every residual seen) must flag it anyway.
  let missed = 0;
  for (let seed = 0; seed < 40; seed++) {
    const r = rng(1000 + seed);
    const d = new OnlineAnomalyDetector({ warmupSeconds: 19 });
    const cv = 0.1 + 0.3 * r(); // 10-40 % noise
    let i = 0;
    for (; i < 20; i++) {
      // Noisy, with now and then a value 2-3x off (a slow scrape under load).
      const v = 0.05 * (1 + cv * r.gauss()) * (r() < 0.1 ? 2 + r() : 1);
      d.update(T0 + i, Math.max(v, 0.001));
    }
    assert.equal(d.ready, true, 'warm-up of 19 s is over');
    let flagged = false;
    for (let k = 0; k < 2; k++, i++) flagged ||= d.update(T0 + i, 0.05 * 20 * (1 + cv * 0.3 * r.gauss())).anomaly;
    if (!flagged) missed++;
  }
  assert.equal(missed, 0, `20x jumps not flagged within 2 points: ${missed}/40`);
  // The same jump seen through a 4-point rate() window (5.75x, 10.5x, 15.25x, 20x): flagged by the time it is whole.
  let late = 0;
  for (let seed = 0; seed < 40; seed++) {
    const r = rng(2000 + seed);
    const d = new OnlineAnomalyDetector({ warmupSeconds: 19 });
    const cv = 0.1 + 0.3 * r();
    let i = 0;
    for (; i < 20; i++) d.update(T0 + i, Math.max(0.05 * (1 + cv * r.gauss()) * (r() < 0.1 ? 2 + r() : 1), 0.001));
    let flagged = false;
    for (let k = 0; k < 4; k++, i++) flagged ||= d.update(T0 + i, 0.05 * (1 + (19 * (k + 1)) / 4) * (1 + cv * 0.3 * r.gauss())).anomaly;
    if (!flagged) late++;
  }
  // Known gap: when the warm-up's first value is itself 2-3x off, the level-only model's level (4 h time
  // constant = 14,400 points at 1 s) stays near it and the scale is inflated; 5 of these 40 are then
  // missed (24 before the record stopped learning a ramp's own first steps).
  assert.ok(late <= 6, `ramped 20x jumps not flagged within 4 points: ${late}/40`);
  // The gross test does not fire on recurring jumps of the same size (a square wave's edges).
  const sq = Float64Array.from({ length: 600 }, (_, i) => (Math.floor(i / 30) % 2 ? 20 : 1) * (1 + 0.02 * Math.sin(i)));
  assert.ok(run(every(1), sq, { warmupSeconds: 19 }).alarms.length <= 2, 'recurring edges alarm at most at first');
});

test('state: < 4 KB, survives JSON exactly and continues identically; bad state is named', () => {
  const r = rng(7);
  const y = Float64Array.from({ length: 3000 }, (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / 288) + r.gauss());
  const a = new OnlineAnomalyDetector();
  for (let i = 0; i < 2000; i++) a.score(T0 + i * 300, y[i]!);
  const json = JSON.stringify(a);
  assert.ok(json.length < 4096, `state ${json.length} bytes`);
  const b = OnlineAnomalyDetector.fromJSON(JSON.parse(json));
  for (let i = 2000; i < 3000; i++) assert.equal(b.score(T0 + i * 300, y[i]!), a.score(T0 + i * 300, y[i]!));
  assert.throws(() => OnlineAnomalyDetector.fromJSON({ v: 1, season: 'x' }), /anomaly state: field 'v'/);
  assert.throws(() => new OnlineAnomalyDetector({ sensitivity: 'loud' as 'low' }), /sensitivity/);
});

test('state size: at most 3.5 KB at 1 s, 15 s, 1 min and 5 min steps with hourly, daily and weekly seasons all learned', () => {
  // Every candidate profile is kept (60 + 288 + 168 buckets at 1 s), plus the scale by phase: float32
  // profiles made 3,996-4,003 B on 1 s to 1 min data, against the 4 KB limit.
  let max = 0;
  for (const step of [1, 15, 60, 300]) {
    const r = rng(step);
    const d = new OnlineAnomalyDetector({ sensitivity: 'high', warmupSeconds: 2 * DAY });
    const n = Math.round((15 * DAY) / step);
    for (let i = 0; i < n; i++) {
      const t = T0 + i * step;
      const x = 1234.5678 * (1 + 0.3 * Math.sin((2 * Math.PI * t) / DAY) + 0.1 * Math.sin((2 * Math.PI * t) / 3600) + (Math.floor(t / DAY) % 7 >= 5 ? 0.2 : 0) + 0.05 * r.gauss());
      d.score(t, x);
    }
    const st = d.toJSON();
    assert.equal(st.profiles.length, 3, `all three seasons kept at ${step} s`);
    const json = JSON.stringify(st);
    max = Math.max(max, json.length);
    // and it survives JSON exactly
    const b = OnlineAnomalyDetector.fromJSON(JSON.parse(json));
    assert.equal(JSON.stringify(b), json, `state at ${step} s round-trips`);
  }
  assert.ok(max <= 3584, `largest state ${max} B`);
});

test('bad input: NaN/Inf and timestamps that do not advance are skipped; gaps are fine', () => {
  const d = new OnlineAnomalyDetector();
  for (let i = 0; i < 100; i++) d.update(T0 + i * 300, 7 + (i % 2));
  for (const v of [Number.NaN, Infinity, -Infinity]) {
    const s = d.update(T0 + 100 * 300, v);
    assert.equal(s.skipped, true);
    assert.equal(s.score, 0);
    assert.equal(s.anomaly, false);
  }
  assert.equal(d.update(T0 + 50 * 300, 7).skipped, true);
  const g = new OnlineAnomalyDetector();
  const r = rng(5);
  let t = T0;
  for (let i = 0; i < 600; i++) {
    t += 300 * (1 + (r() < 0.2 ? r.int(1, 5) : 0));
    const u = g.update(t, 10 + r.gauss());
    assert.ok(Number.isFinite(u.score) && Number.isFinite(u.lower) && Number.isFinite(u.upper));
  }
});

test('anomalies of one component that overlap in time form one finding', () => {
  const ev = [
    { labels: { __name__: 'latency', service: 'checkout' }, t: 1000, score: 0.6, detectors: ['point' as const] },
    { labels: { __name__: 'errors', service: 'checkout' }, t: 1300, score: 0.95, detectors: ['drift' as const] },
    { labels: { __name__: 'latency', service: 'checkout' }, t: 1600, score: 0.7, detectors: ['point' as const] },
    { labels: { __name__: 'latency', service: 'cart' }, t: 1100, score: 0.55, detectors: ['drift' as const] },
    { labels: { __name__: 'latency', service: 'checkout' }, t: 9000, score: 0.6, detectors: ['point' as const] },
  ];
  const f = groupAnomalies(ev, { gapSeconds: 600 });
  assert.equal(f.length, 3);
  const first = f.find((x) => x.component === 'service=checkout' && x.start === 1000)!;
  assert.equal(first.members.length, 2);
  assert.equal(first.severity, 'critical');
  assert.deepEqual(first.detectors.sort(), ['drift', 'point']);
  assert.equal(first.end, 1600);
});

/** Poisson count (Knuth), seeded. */
function poisson(r: () => number, lam: number): number {
  let k = 0;
  let p = Math.exp(-lam);
  let s = p;
  const u = r();
  while (u > s) {
    k++;
    p *= lam / k;
    s += p;
  }
  return k;
}

test('a start of near-equal values does not leave the scale too small: an error ratio of small counts (0, 1/900, 2/910, ...) started at any time of day raises no episode', () => {
  // A ratio of small counts over a 45 s rate window at a 15 s step, primed with 2 h and a 585 s warm-up (as
  // the companion does). Its first windows hold one error each, so the first values differ by ~1e-6 (1/903 vs
  // 1/905) while the series moves by ~1e-3. The scale was learned clipped at 4x a scale starting from 0 and
  // was still 100x too small when scoring began: the first scored point opened an episode whose model, frozen,
  // never learned its noise (the drift test kept it open for most of the 2 h on 19 of 24 starts).
  const bad: string[] = [];
  for (let h = 0; h < 24; h++) {
    const r = rng(100 + h);
    const n = 2 * 240 + 3;
    const req = Array.from({ length: n }, () => Math.round(300 + 10 * r.gauss()));
    const err = Array.from({ length: n }, (_, i) => (i < 6 ? (i % 3 === 0 ? 1 : 0) : poisson(r, 0.3)));
    const d = new OnlineAnomalyDetector({ warmupSeconds: 585 });
    let inEpisode = 0;
    for (let i = 3; i < n; i++) {
      const e = err[i]! + err[i - 1]! + err[i - 2]!;
      const q = req[i]! + req[i - 1]! + req[i - 2]!;
      if (d.update(T0 + h * 3600 + 420 + i * 15, e / q).anomaly) inEpisode++;
    }
    if (inEpisode > 12) bad.push(`start ${h}:07 UTC: ${inEpisode} of ${n - 3} points in an episode`);
  }
  assert.deepEqual(bad, []);
});

test('a zero-heavy series of isolated spikes (no season) adopts no season from its first cycles, so it does not alarm where a spike seen once fails to recur', () => {
  // 2 h at 15 s of an error ratio with no season: 15 min of zeros, then 1-error windows (~1/180, three points
  // each) at random. A season was chosen when it beat the level-only model by 30% on errors measured over
  // different points (the level-only EW over a day from the first point, the season's mean since its first
  // cycle) and clipped at each model's own scale; the hourly profile had learned the first hour's spikes
  // and predicted the zeros exactly, so it won on 58 of 96 starts and then alarmed at zero values where a
  // learned spike did not recur. Judged on the same points, clipped alike, it should rarely win.
  let seasonal = 0;
  let zeroAlarms = 0;
  for (let h = 0; h < 96; h++) {
    const r = rng(300 + h);
    const n = 2 * 240 + 3;
    const req = Array.from({ length: n }, () => Math.round(60 + 5 * r.gauss()));
    const err = Array.from({ length: n }, (_, i) => (i < 60 ? 0 : poisson(r, 0.02)));
    const d = new OnlineAnomalyDetector({ warmupSeconds: 585 });
    for (let i = 3; i < n; i++) {
      const e = err[i]! + err[i - 1]! + err[i - 2]!;
      const u = d.update(T0 + h * 900 + 420 + i * 15, e / (req[i]! + req[i - 1]! + req[i - 2]!));
      if (e === 0 && u.score >= d.threshold) zeroAlarms++;
    }
    if (d.seasons.length) seasonal++;
  }
  assert.ok(seasonal <= 5, `${seasonal} of 96 starts adopted a season on seasonless spikes`);
  assert.ok(zeroAlarms <= 10, `${zeroAlarms} points at the series' usual value 0 scored at the threshold`);
});
