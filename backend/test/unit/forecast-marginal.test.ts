import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forecast } from '../../src/models/forecast/index.js';
import { fitBand, normalisedQuantiles, orderStats } from '../../src/models/forecast/conformal.js';
import { bandNote, chooseBand, mixBounds, windowIsCurrent, windowQuantiles } from '../../src/models/forecast/marginal.js';
import { rng } from '../../eval/lib/rng.js';

/** Reference: the value of each rank in a sorted copy. */
function byRank(a: Float64Array, len: number, r: number[]): number[] {
  const s = a.slice(0, len).sort();
  return r.map((k) => s[k]!);
}

test('orderStats: four ranks, equal ones and the extremes, match a sort (ties included)', () => {
  const r = rng(3);
  for (const len of [1, 2, 5, 40, 288, 1001]) {
    for (let t = 0; t < 5; t++) {
      // Rounded values: many ties.
      const a = Float64Array.from({ length: len }, () => Math.round(10 * r.gauss()));
      const ranks = [Math.floor(0.025 * len), Math.floor(0.1 * len), Math.floor(0.9 * len), len - 1 - Math.floor(0.025 * len)].map((k) => Math.min(len - 1, k));
      const want = byRank(a, len, ranks);
      const out = new Float64Array(4);
      orderStats(a.slice(), len, Int32Array.from(ranks), out);
      assert.deepEqual(Array.from(out), want, `len ${len}`);
    }
  }
  const a = Float64Array.of(5, 1, 4, 2, 3);
  const out = new Float64Array(4);
  orderStats(a, 5, Int32Array.of(0, 0, 4, 4), out);
  assert.deepEqual(Array.from(out), [1, 1, 5, 5]);
});

test('windowQuantiles: the 2.5/10/90/97.5% order statistics of the last W values only, rounded outwards', () => {
  const r = rng(5);
  const a = Float64Array.from({ length: 1000 }, () => r.gauss());
  // The window's values are a shuffled 1..288 (outside it: huge values that must not count).
  const vals = Array.from({ length: 288 }, (_, i) => i + 1).sort(() => r.uniform(-1, 1));
  for (let i = 0; i < 288; i++) a[600 + i] = vals[i]!;
  a[599] = -1e9;
  a[888] = 1e9;
  const out = new Float64Array(4);
  windowQuantiles(a, 888, 288, out);
  // ranks of 289 * p (minus 1), floored below and ceiled above: 6, 27, 260, 281 -> values 7, 28, 261, 282
  assert.deepEqual(Array.from(out), [7, 28, 261, 282]);
  // A window longer than the history uses what there is.
  windowQuantiles(Float64Array.of(3, 1, 2), 3, 288, out);
  assert.deepEqual(Array.from(out), [1, 1, 3, 3]);
});

test('mixBounds: a blend is the average of the conformal and marginal bounds (plus the season), and the mean stays inside', () => {
  const mean = Float64Array.of(10, 10);
  const S = Float64Array.of(0, 0, 0, 1, 2); // n = 3: the season ahead is 1, 2
  const mk = (): { lo80: Float64Array; hi80: Float64Array; lo95: Float64Array; hi95: Float64Array } => ({ lo95: Float64Array.of(6, 6), lo80: Float64Array.of(8, 8), hi80: Float64Array.of(12, 12), hi95: Float64Array.of(14, 14) });
  const mq = Float64Array.of(2, 4, 14, 20);
  const b = mk();
  mixBounds(['blend', 'blend'], mean, mq, S, 3, b);
  assert.deepEqual(Array.from(b.lo95), [(6 + 3) / 2, (6 + 4) / 2]);
  assert.deepEqual(Array.from(b.hi95), [(14 + 21) / 2, (14 + 22) / 2]);
  const m = mk();
  mixBounds(['marginal', 'marginal'], mean, mq, S, 3, m);
  assert.deepEqual(Array.from(m.lo80), [5, 6]);
  assert.deepEqual(Array.from(m.hi80), [15, 16]);
  const c = mk();
  mixBounds(['conformal', 'conformal'], mean, mq, S, 3, c);
  assert.deepEqual(c, mk());
  // Per step: the first conformal, the second marginal.
  const p = mk();
  mixBounds(['conformal', 'marginal'], mean, mq, S, 3, p);
  assert.deepEqual(Array.from(p.hi95), [14, 22]);
  // Marginal bounds entirely above the mean: the lower bounds stop at the mean.
  const hiMq = Float64Array.of(30, 31, 40, 50);
  const x = mk();
  mixBounds(['marginal', 'marginal'], mean, hiMq, S, 3, x);
  assert.deepEqual(Array.from(x.lo95), [10, 10]);
});

test('fitBand with a split: each half gets its own band (a calm first half is narrower than a wild second)', () => {
  const r = rng(9);
  const K = 100;
  const hv = 6;
  const err = new Float64Array(K * hv);
  for (let k = 0; k < K; k++) for (let j = 0; j < hv; j++) err[k * hv + j] = (k < 50 ? 1 : 5) * r.gauss();
  const v = { err, fc: new Float64Array(K * hv).fill(100), lim: new Int32Array(K).fill(hv), K, hv };
  const all = fitBand(v, hv, { positive: false, level: 100 }, 50);
  assert.ok(all.halves);
  const [early, late] = all.halves;
  const width = (b: { z: Float64Array; step: Float64Array }): number => (b.z[0]! + b.z[3]!) * b.step[0]!;
  assert.ok(width(late) > 3 * width(early), `early ${width(early)}, late ${width(late)}`);
  assert.ok(width(all) > width(early) && width(all) < width(late));
  // The same as fitting the rows alone.
  const alone = normalisedQuantiles(v, err, hv, new Float64Array(K * hv + 1), 0, 50);
  assert.deepEqual(Array.from(alone.z), Array.from(early.z));
  assert.equal(fitBand(v, hv, { positive: false, level: 100 }).halves, null);
});

test('spiky noise around a level (latency-like): the band comes from the values\' own recent distribution, and covers', () => {
  const r = rng(21);
  const n = 600;
  const H = 12;
  let chose = 0;
  let cover = 0;
  let total = 0;
  let widthOurs = 0;
  for (let s = 0; s < 12; s++) {
    // Lognormal noise with rare large spikes: errors around any point forecast are skewed and heavy-tailed.
    const y = Float64Array.from({ length: n + H }, () => 50 * Math.exp(0.3 * r.gauss()) + (r.uniform(0, 1) < 0.03 ? r.uniform(100, 400) : 0));
    const f = forecast(y.subarray(0, n), { horizon: H, stepSeconds: 300 });
    if (f.notes.some((x) => x.startsWith('band ('))) chose++;
    for (let h = 0; h < H; h++) {
      assert.ok(f.lo95[h]! <= f.lo80[h]! && f.lo80[h]! <= f.mean[h]! && f.mean[h]! <= f.hi80[h]! && f.hi80[h]! <= f.hi95[h]!);
      if (y[n + h]! >= f.lo95[h]! && y[n + h]! <= f.hi95[h]!) cover++;
      widthOurs += f.hi95[h]! - f.lo95[h]!;
      total++;
    }
  }
  // (On iid noise both bands estimate the same distribution, so either may win a validation.)
  assert.ok(chose >= 3, `a marginal or blended band on ${chose} of 12 series`);
  assert.ok(cover / total > 0.88, `95% coverage ${cover / total}`);
  assert.ok(Number.isFinite(widthOurs));
});

test('after a level shift the window\'s quantiles are not used: the band stays at the new level', () => {
  const r = rng(8);
  const n = 600;
  const H = 12;
  let guarded = 0;
  for (let s = 0; s < 6; s++) {
    // Noise around 100 that the validation finds best described by its own quantiles, then a step to
    // 200 for the last 20 points (a deploy, a traffic shift).
    const y = Float64Array.from({ length: n }, (_, i) => (i < n - 20 ? 100 : 200) + r.uniform(0, 1) + (r.uniform(0, 1) < 0.03 ? r.uniform(5, 20) : 0));
    const f = forecast(y, { horizon: H, stepSeconds: 300 });
    if (f.notes.some((x) => /left the range of the last 288 \(a level shift\?\)/.test(x))) guarded++;
    for (let h = 0; h < H; h++) assert.ok(f.lo95[h]! > 150 && f.mean[h]! > 190, `series ${s}, step ${h + 1}: ${f.lo95[h]} .. ${f.mean[h]} (${f.notes.join('; ')})`);
  }
  assert.ok(guarded >= 1, `the guard was needed on ${guarded} of 6 series`);
  // On noise that keeps its level the window stays current.
  const a = Float64Array.from({ length: 400 }, () => r.uniform(0, 1));
  const mq = new Float64Array(4);
  windowQuantiles(a, 400, 288, mq);
  assert.ok(windowIsCurrent(a, 400, 288, mq));
  a.fill(5, 376);
  assert.ok(!windowIsCurrent(a, 400, 288, mq));
  // Values filled in across a gap do not count: the last 24 observed ones do.
  const filled = new Uint8Array(400).fill(1, 376);
  assert.ok(windowIsCurrent(a, 400, 288, mq, filled));
});

test('a random walk keeps the band around the forecast (it does not revert: no window quantiles)', () => {
  const r = rng(23);
  let x = 100;
  const y = Float64Array.from({ length: 600 }, () => (x += r.gauss()));
  const f = forecast(y, { horizon: 12, stepSeconds: 300 });
  assert.ok(!f.notes.some((n) => n.startsWith('band (')), f.notes.join('; '));
});

/** Validation errors of forecast paths fc (K origins x hv) against y. */
function validation(y: Float64Array, origins: number[], hv: number, fcAt: (o: number, j: number) => number): { err: Float64Array; fc: Float64Array; lim: Int32Array; K: number; hv: number } {
  const K = origins.length;
  const err = new Float64Array(K * hv);
  const fc = new Float64Array(K * hv);
  const lim = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    const o = origins[k]!;
    lim[k] = Math.min(hv, y.length - o);
    for (let j = 0; j < lim[k]!; j++) {
      fc[k * hv + j] = fcAt(o, j);
      err[k * hv + j] = y[o + j]! - fc[k * hv + j]!;
    }
  }
  return { err, fc, lim, K, hv };
}

test('chooseBand: a noisy forecaster of a steady series loses to the values\' own quantiles; an exact one of a trend keeps its band', () => {
  const r = rng(31);
  const n = 800;
  const hv = 12;
  const origins = Array.from({ length: 150 }, (_, k) => 400 + Math.floor((400 * k) / 150));
  const S = new Float64Array(n + hv);
  // Steady: y ~ N(100, 1); the forecasts are off by N(0, 3) at each origin: errors sd ~3.2, values sd 1.
  const y = Float64Array.from({ length: n }, () => 100 + r.gauss());
  const offs = new Map(origins.map((o) => [o, 3 * r.gauss()]));
  const v = validation(y, origins, hv, (o) => 100 + offs.get(o)!);
  const band = fitBand(v, hv, { positive: true, level: 100 }, origins.length >> 1);
  assert.deepEqual(chooseBand(y, y, S, origins, v, band, 288, hv), new Array(hv).fill('marginal'));
  // Trend: y = i / 10 + N(0, 1), forecast exactly the trend: the window's quantiles lag ~14 behind.
  const t = Float64Array.from({ length: n }, (_, i) => i / 10 + r.gauss());
  const vt = validation(t, origins, hv, (o, j) => (o + j) / 10);
  const bt = fitBand(vt, hv, { positive: true, level: 40 }, origins.length >> 1);
  assert.deepEqual(chooseBand(t, t, S, origins, vt, bt, 288, hv), new Array(hv).fill('conformal'));
  // Too few origins to cross-fit: the conformal band.
  const few = origins.slice(0, 6);
  const vf = validation(y, few, hv, (o) => 100 + offs.get(o)!);
  assert.deepEqual(chooseBand(y, y, S, few, vf, fitBand(vf, hv, { positive: true, level: 100 }, 3), 288, hv), new Array(hv).fill('conformal'));
});

test('bandNote: runs of one kind per step, in words', () => {
  assert.equal(bandNote(['conformal', 'conformal', 'blend', 'blend', 'blend'], 288), "band (chosen by its interval score in validation): steps 1-2: around the forecast; steps 3-5: the average of the band around the forecast and the last 288 values' own quantiles");
  assert.equal(bandNote(['marginal'], 100), "band (chosen by its interval score in validation): step 1: the last 100 values' own quantiles");
});
