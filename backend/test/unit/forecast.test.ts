import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forecast, fitEts, etsPredict } from '../../src/models/forecast/index.js';
import { rng } from '../../eval/lib/rng.js';

function allFinite(...arrs: Float64Array[]): boolean {
  return arrs.every((a) => a.every((v) => Number.isFinite(v)));
}

test('seasonal series: season detected, ETS with season chosen, intervals cover about as advertised', () => {
  const r = rng(11);
  const n = 2016;
  const H = 288;
  let cover80 = 0;
  let cover95 = 0;
  let total = 0;
  for (let s = 0; s < 4; s++) {
    const y = Float64Array.from({ length: n + H }, (_, i) => 100 + 0.01 * i + 20 * Math.sin((2 * Math.PI * i) / 288) + 2 * r.gauss());
    const f = forecast(y.subarray(0, n), { horizon: H, stepSeconds: 300 });
    assert.equal(f.period, 288);
    assert.match(f.model, /^ETS\(A,(N|A|Ad),A\)\+SNaive$/);
    assert.ok(allFinite(f.mean, f.lo80, f.hi80, f.lo95, f.hi95));
    for (let h = 0; h < H; h++) {
      assert.ok(f.lo95[h]! <= f.lo80[h]! && f.lo80[h]! <= f.mean[h]! && f.mean[h]! <= f.hi80[h]! && f.hi80[h]! <= f.hi95[h]!);
      const a = y[n + h]!;
      if (a >= f.lo80[h]! && a <= f.hi80[h]!) cover80++;
      if (a >= f.lo95[h]! && a <= f.hi95[h]!) cover95++;
      total++;
    }
    // The mean is much better than the seasonal amplitude (i.e. the season is really forecast).
    let mae = 0;
    for (let h = 0; h < H; h++) mae += Math.abs(y[n + h]! - f.mean[h]!);
    assert.ok(mae / H < 4, `mae ${mae / H}`);
  }
  assert.ok(cover80 / total > 0.7 && cover80 / total < 0.92, `80% coverage ${cover80 / total}`);
  assert.ok(cover95 / total > 0.88, `95% coverage ${cover95 / total}`);
});

test('intervals widen with the horizon; a linear trend is followed', () => {
  const r = rng(12);
  const y = Float64Array.from({ length: 300 }, (_, i) => 10 + 0.5 * i + r.gauss());
  const f = forecast(y, { horizon: 50, season: 0 });
  assert.equal(f.period, 0);
  assert.ok(f.hi95[49]! - f.lo95[49]! > f.hi95[0]! - f.lo95[0]!);
  assert.ok(Math.abs(f.mean[49]! - (10 + 0.5 * 349)) < 6, String(f.mean[49]));
});

test('AICc picks no trend for a flat noisy series more often than a trend', () => {
  const r = rng(13);
  let trendless = 0;
  for (let s = 0; s < 10; s++) {
    const y = Float64Array.from({ length: 400 }, () => 50 + r.gauss());
    const f = forecast(y, { horizon: 10, season: 0 });
    if (f.model === 'ETS(A,N,N)') trendless++;
  }
  assert.ok(trendless >= 6, `${trendless}/10`);
});

test('exact ETS variance: SES h-step variance is sigma^2 (1 + (h-1) alpha^2)', () => {
  const r = rng(14);
  const y = Float64Array.from({ length: 200 }, () => r.gauss());
  const fit = fitEts(y, { trend: 'N', period: 0 });
  const { sd } = etsPredict(fit, 5);
  assert.ok(Math.abs(sd[4]! ** 2 - fit.sigma2 * (1 + 4 * fit.alpha ** 2)) < 1e-9);
});

test('bad input: short, constant, NaN-laden and empty series', () => {
  const short = forecast([1, 2, 3, 5], { horizon: 3 });
  assert.equal(short.method, 'theil-sen');
  assert.ok(allFinite(short.mean, short.lo95, short.hi95));
  const one = forecast([4], { horizon: 2 });
  assert.deepEqual([...one.mean], [4, 4]);
  const flat = forecast(new Array(100).fill(3), { horizon: 5 });
  assert.ok(allFinite(flat.mean, flat.lo95, flat.hi95));
  assert.ok(flat.mean.every((v) => Math.abs(v - 3) < 1e-9));
  const gaps = Array.from({ length: 100 }, (_, i) => (i % 7 === 3 ? Number.NaN : i));
  const g = forecast(gaps, { horizon: 5 });
  assert.ok(allFinite(g.mean, g.lo95, g.hi95));
  assert.ok(g.notes.some((n) => /non-finite/.test(n)));
  assert.throws(() => forecast([Number.NaN, Number.NaN], { horizon: 2 }), /no finite values/);
  assert.throws(() => forecast([1, 2], { horizon: 0 }), /horizon/);
  const forced = forecast(Array.from({ length: 30 }, (_, i) => i), { horizon: 5, season: 24 });
  assert.ok(forced.notes.some((n) => /season 24 needs 48/.test(n)));
});
