// A long gap in a history (a target down for hours): cleanSeries flags the points it bridges, the forecast
// redraws them with the seasons' shape and validates only on origins clear of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanSeries } from '../../src/models/series/clean.js';
import { seasonalRefill } from '../../src/models/forecast/forecast.js';
import { forecastSeries } from '../../src/models/forecast/series.js';
import { rng } from '../../eval/lib/rng.js';

const P = 48;
const wave = (i: number): number => 100 + 30 * Math.sin((2 * Math.PI * i) / P);

test('cleanSeries flags the points filled across a gap longer than maxGapSteps, and only those', () => {
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < 400; i++) {
    if ((i >= 200 && i < 260) || i === 300 || i === 301) continue; // a long gap and a short one
    ts.push(i * 60);
    vs.push(wave(i));
  }
  const g = cleanSeries(ts, vs);
  assert.equal(g.values.length, 400);
  assert.equal(g.report.longGaps, 1);
  assert.ok(g.longGapFill);
  const flagged = [...g.longGapFill].flatMap((f, i) => (f ? [i] : []));
  assert.deepEqual(flagged, Array.from({ length: 60 }, (_, k) => 200 + k));
  const clean = cleanSeries(ts.slice(0, 150), vs.slice(0, 150));
  assert.equal(clean.longGapFill, undefined);
});

test('seasonalRefill redraws a bridged run with the season and meets the data at both ends', () => {
  const n = 480;
  const y = Float64Array.from({ length: n }, (_, i) => wave(i));
  const filled = new Uint8Array(n);
  const [a, b] = [300, 372]; // a cycle and a half
  for (let t = a; t < b; t++) {
    filled[t] = 1;
    y[t] = y[a - 1]! + ((y[b]! - y[a - 1]!) * (t - a + 1)) / (b - a + 1);
  }
  const line = Float64Array.from(y);
  const out = seasonalRefill(y, filled, [P]);
  assert.notEqual(out, y, 'a copy');
  assert.deepEqual(y, line, 'the input is left as it was');
  let errLine = 0;
  let errOut = 0;
  for (let t = a; t < b; t++) {
    errLine = Math.max(errLine, Math.abs(line[t]! - wave(t)));
    errOut = Math.max(errOut, Math.abs(out[t]! - wave(t)));
  }
  assert.ok(errLine > 20, `the line is far off the wave (${errLine})`);
  assert.ok(errOut < 3, `the refill follows it (${errOut})`);
  for (let t = 0; t < n; t++) if (!filled[t]) assert.equal(out[t], y[t]);
});

test('a forecast after a day-long gap: validated on origins clear of it, and its band covers the wave as the band without the gap does', () => {
  const r = rng(3);
  const n = 10 * P;
  const noise = Array.from({ length: n }, () => 2 * r.gauss());
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i >= n - 40 - P && i < n - 40) continue; // one cycle missing, ending 40 points before the end
    ts.push(i * 1800);
    vs.push(wave(i) + noise[i]!);
  }
  const h = 12;
  const f = forecastSeries(ts, vs, { horizon: h }).forecast;
  assert.ok(f.notes.some((x) => /gap\(s\) longer than 3 steps/.test(x)), f.notes.join('; '));
  assert.ok(f.notes.some((x) => /origins clear of long gaps/.test(x)), f.notes.join('; '));
  const full = forecastSeries(Array.from({ length: n }, (_, i) => i * 1800), Array.from({ length: n }, (_, i) => wave(i) + noise[i]!), { horizon: h }).forecast;
  for (let j = 0; j < h; j++) {
    const truth = wave(n + j);
    assert.ok(f.lo95[j]! < truth && truth < f.hi95[j]!, `step ${j + 1}: ${truth} outside ${f.lo95[j]}..${f.hi95[j]}`);
    const wGap = f.hi95[j]! - f.lo95[j]!;
    const wFull = full.hi95[j]! - full.lo95[j]!;
    assert.ok(wGap < 2 * wFull && wGap > wFull / 2, `step ${j + 1}: width ${wGap} vs ${wFull} without the gap`);
  }
});

test('a gap longer than all the data: the data after it is used alone, or, with too little after it (a stray timestamp), the input is refused naming the gap', () => {
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < 300; i++) {
    ts.push(1_700_000_000 + 60 * i);
    vs.push(wave(i));
  }
  assert.throws(() => forecastSeries([...ts, 1_900_000_000], [...vs, 5], { horizon: 3 }), (e: Error) => /gap of \d+ steps of 60 s .*2030-.* longer than all the data .*stray timestamp/.test(e.message));
  // 20 old samples, 3 days without any, then 100 samples: forecast from those 100 as if alone.
  const old = ts.slice(0, 20).map((t) => t - 3 * 86_400);
  const r = forecastSeries([...old, ...ts.slice(200)], [...vs.slice(0, 20), ...vs.slice(200)], { horizon: 3 });
  const alone = forecastSeries(ts.slice(200), vs.slice(200), { horizon: 3 });
  assert.ok(r.forecast.notes.some((x) => /longer than all the data: forecast from the 100 points after it/.test(x)), r.forecast.notes.join('; '));
  assert.equal(r.grid.start, ts[200]);
  assert.equal(r.origin, alone.origin);
  assert.deepEqual(Array.from(r.forecast.mean), Array.from(alone.forecast.mean));
});
