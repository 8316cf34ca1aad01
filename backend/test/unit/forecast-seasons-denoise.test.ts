// Nested seasons: the weekly component of hourly data is denoised as a low-rank days x hours matrix, and
// the conformal quantile selection reuses its partition (ascending ranks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decompose, lowRank, seasonalAt } from '../../src/models/forecast/seasons.js';
import { conformalBands, seasonNoiseRatio } from '../../src/models/forecast/conformal.js';
import { select } from '../../src/models/series/stats.js';
import { forecast } from '../../src/models/forecast/forecast.js';
import { rng } from '../../eval/lib/rng.js';

/** Hourly: a daily shape, a weekend with a smaller shape and a lower level, Gaussian noise. */
function weekly(n: number, seed: number): { y: Float64Array; truth: (i: number) => number } {
  const r = rng(seed);
  const truth = (i: number): number => {
    const we = Math.floor(i / 24) % 7 >= 5;
    const day = Math.sin((2 * Math.PI * i) / 24) + 0.3 * Math.sin((4 * Math.PI * i) / 24);
    return (we ? 0.5 : 1) * 40 * day + (we ? -20 : 0);
  };
  return { y: Float64Array.from({ length: n }, (_, i) => 200 + truth(i) + 8 * r.gauss()), truth };
}

test('nested seasons: the denoised weekly component is closer to the true shape than raw phase means', () => {
  let errRaw = 0;
  let errDen = 0;
  for (let s = 0; s < 4; s++) {
    const { y, truth } = weekly(8 * 168, 100 + s);
    const raw = decompose(y, [24, 168], { denoise: false });
    const den = decompose(y, [24, 168]);
    // Compare centred shapes over one week.
    let mt = 0;
    for (let i = 0; i < 168; i++) mt += truth(i) / 168;
    for (let i = 0; i < 168; i++) {
      errRaw += (seasonalAt(raw, i) - (truth(i) - mt)) ** 2;
      errDen += (seasonalAt(den, i) - (truth(i) - mt)) ** 2;
    }
  }
  // Raw phase means over 8 weeks carry ~sigma^2/8 per phase; the low-rank fit removes most of that.
  assert.ok(errDen < 0.6 * errRaw, `denoised ${errDen.toFixed(0)} vs raw ${errRaw.toFixed(0)}`);
});

test('lowRank: keeps a strong rank-2 shape, removes pure noise, leaves full-rank signal alone', () => {
  const q = 24;
  const R = 7;
  const r = rng(5);
  const shape = Float64Array.from({ length: R * q }, (_, k) => (Math.floor(k / q) >= 5 ? 30 : -12) + (Math.floor(k / q) >= 5 ? 20 : 0) * Math.sin((2 * Math.PI * (k % q)) / q));
  const noisy = Float64Array.from(shape, (v) => v + r.gauss());
  const out = lowRank(noisy, q, 1);
  let eIn = 0;
  let eOut = 0;
  let mean = 0;
  for (const v of shape) mean += v / shape.length;
  for (let k = 0; k < shape.length; k++) {
    eIn += (noisy[k]! - shape[k]!) ** 2;
    eOut += (out[k]! - (shape[k]! - mean)) ** 2;
  }
  assert.ok(eOut < 0.5 * eIn, `${eOut} vs ${eIn}`);
  // Noise only: nothing stands above the threshold.
  const noise = Float64Array.from({ length: R * q }, () => r.gauss());
  const none = lowRank(noise, q, 1);
  assert.ok(none.every((v) => Math.abs(v) < 1e-9));
  // No noise level (or a single row): unchanged.
  assert.equal(lowRank(noisy, q, 0), noisy);
  assert.equal(lowRank(Float64Array.from({ length: q }, (_, k) => k), q, 1).length, q);
});

test('select: ascending ranks from the previous rank give the same values as sorting, and leave the array partitioned', () => {
  const r = rng(9);
  const inputs: Float64Array[] = [];
  for (const len of [1, 2, 7, 48, 100, 1001]) {
    inputs.push(Float64Array.from({ length: len }, () => Math.round(r.gauss() * 5) + 0)); // + 0: no -0 (Object.is tells them apart)
    inputs.push(Float64Array.from({ length: len }, () => r.gauss()));
  }
  // Sorted, reversed, constant and two-valued inputs (the pivot rule's and the equal-key cases).
  inputs.push(Float64Array.from({ length: 300 }, (_, i) => i), Float64Array.from({ length: 300 }, (_, i) => -i), new Float64Array(300).fill(3));
  inputs.push(Float64Array.from({ length: 301 }, (_, i) => i % 2));
  for (const a of inputs) {
    const len = a.length;
    const sorted = Float64Array.from(a).sort();
    const ranks = [0, Math.floor(len * 0.1), Math.floor(len * 0.5), Math.floor(len * 0.9), len - 1];
    let from = 0;
    for (const k of ranks) {
      const v = select(a, len, k, from);
      assert.equal(v, sorted[k], `len ${len} rank ${k}`);
      for (let i = 0; i < len; i++) assert.ok(i < k ? a[i]! <= v : i > k ? a[i]! >= v : a[i] === v, `len ${len} rank ${k}: a[${i}] = ${a[i]} on the wrong side of ${v}`);
      from = k;
    }
    assert.deepEqual(Float64Array.from(a).sort(), sorted, 'a permutation of the input');
  }
});

test('season-estimate noise: bands narrowed only when the final seasons use more cycles than validation', () => {
  assert.equal(seasonNoiseRatio(8, 8), 1);
  assert.equal(seasonNoiseRatio(0, 8), 1);
  assert.ok(Math.abs(seasonNoiseRatio(4, 8) - Math.sqrt(1.125 / 1.25)) < 1e-12);
  // End to end: 8 weeks of hourly two-season data, one week ahead: the 95% band covers about 95% (not the
  // ~97% of bands calibrated on 4-cycle validation seasons), and is never zero-width.
  let inside = 0;
  let total = 0;
  for (let s = 0; s < 4; s++) {
    const { y } = weekly(8 * 168 + 168, 300 + s);
    const f = forecast(y.subarray(0, 8 * 168), { horizon: 168, stepSeconds: 3600 });
    for (let j = 0; j < 168; j++) {
      const v = y[8 * 168 + j]!;
      assert.ok(f.hi95[j]! > f.lo95[j]!);
      if (v >= f.lo95[j]! && v <= f.hi95[j]!) inside++;
      total++;
    }
  }
  const cov = inside / total;
  assert.ok(cov > 0.9 && cov < 0.99, `coverage ${cov}`);
});

test('conformal widths: tail shape pooled over all steps, scale per step (steady with few origins)', () => {
  // 12 origins x 168 steps (a one-week horizon on hourly data), Gaussian errors whose spread grows with
  // the step: the 95% half-widths should follow 1.96 sd_j closely at every step, the first ones included
  // (where a quantile of the ~24 errors of one or two steps alone is mostly noise).
  const r = rng(17);
  const K = 12;
  const hv = 168;
  const sd = (j: number): number => 1 + j / 40;
  let worst = 0;
  for (let rep = 0; rep < 5; rep++) {
    const err = Float64Array.from({ length: K * hv }, (_, i) => sd(i % hv) * r.gauss());
    const w = conformalBands({ err, fc: new Float64Array(K * hv).fill(1), lim: new Int32Array(K).fill(hv), K, hv }, new Float64Array(hv).fill(1), { positive: false, level: 1 });
    for (const j of [0, 1, 2, 5, 20, 80, 167]) {
      const rel = (w.hi95[j]! + w.lo95[j]!) / 2 / (1.96 * sd(j));
      worst = Math.max(worst, Math.abs(rel - 1));
    }
    assert.ok(w.lo95.every((x, j) => x >= w.lo80[j]! && x > 0));
  }
  assert.ok(worst < 0.3, `worst relative error of a 95% half-width ${worst.toFixed(2)}`);
});

test('a lone daily season (5-minute data) is denoised too: closer to the true shape, and a sharp daily spike is kept', () => {
  let errRaw = 0;
  let errDen = 0;
  let spikeKept = 0;
  for (let s = 0; s < 6; s++) {
    const r = rng(200 + s);
    // A smooth daily shape of two harmonics, plus a 15-minute job at 02:00 every day.
    const truth = (i: number): number => 30 * Math.sin((2 * Math.PI * i) / 288 + s) + 10 * Math.sin((4 * Math.PI * i) / 288) + (i % 288 >= 24 && i % 288 < 27 ? 60 : 0);
    const y = Float64Array.from({ length: 8 * 288 }, (_, i) => 100 + truth(i) + 6 * r.gauss());
    const raw = decompose(y, [288], { denoise: false });
    const den = decompose(y, [288]);
    assert.ok(den[0]!.denoisedAlone && !raw[0]!.denoisedAlone);
    let mt = 0;
    for (let i = 0; i < 288; i++) mt += truth(i) / 288;
    for (let i = 0; i < 288; i++) {
      errRaw += (seasonalAt(raw, i) - (truth(i) - mt)) ** 2;
      errDen += (seasonalAt(den, i) - (truth(i) - mt)) ** 2;
    }
    if (seasonalAt(den, 25) - seasonalAt(den, 30) > 45) spikeKept++;
  }
  assert.ok(errDen < 0.6 * errRaw, `denoised ${errDen.toFixed(0)} vs raw ${errRaw.toFixed(0)}`);
  assert.equal(spikeKept, 6);
});
