// Forecasts after a gap in the history (a scrape target down for hours): 1 h ahead, the history's samples
// in a block of G hours ending E hours before the origin removed. "this version" goes through
// forecastSeries as the CLI and the scheduler do (the gap filled with the seasons' shape, validation
// origins that would check on the fill skipped); "a straight line" forecasts the same grid as it was
// before that (the gap bridged by a line, and judged on it); "no gap" the full history. MSIS (95%) and
// coverage on the same scale as the main tables.
import { forecast } from '../../src/models/forecast/forecast.js';
import { forecastSeries } from '../../src/models/forecast/series.js';
import { cleanSeries } from '../../src/models/series/clean.js';
import type { EvalSeries } from './forecastData.js';
import { table } from './metrics.js';

const SCENARIOS: [number, number][] = [[2, 1], [6, 2], [6, 10], [24, 3]]; // [gap hours, hours from its end to the origin]

interface Acc { n: number; msis: number; cov: number; pts: number }

const newAcc = (): Acc => ({ n: 0, msis: 0, cov: 0, pts: 0 });

/**
 * Adds one forecast's 95% interval score (per scored step, over `scale`) and coverage to `a`: steps
 * `at[k]` of `f` against actual values `y[k]`.
 */
function addScore(a: Acc, f: { lo95: Float64Array; hi95: Float64Array }, at: number[], y: number[], scale: number): void {
  let t = 0;
  for (let k = 0; k < at.length; k++) {
    const lo = f.lo95[at[k]!]!, hi = f.hi95[at[k]!]!, v = y[k]!;
    t += hi - lo + 40 * (Math.max(0, lo - v) + Math.max(0, v - hi));
    if (v >= lo && v <= hi) a.cov++;
  }
  a.n++;
  a.msis += t / at.length / scale;
  a.pts += at.length;
}

const cell = (x: Acc): string => `${(x.msis / x.n).toFixed(3)} (${((100 * x.cov) / x.pts).toFixed(1)}%)`;

/** The main tables' 1 h forecasts of a series: origin (history length) and steps. */
export type HourOrigins = (s: EvalSeries) => { origin: number; h: number }[];

/**
 * One table row per scenario and set (ALL pooled), `scale(hist, s)` the MSIS scale of a history, at the
 * 1 h origins `hour` gives.
 */
export function gapTable(all: EvalSeries[], scale: (hist: Float64Array, s: EvalSeries) => number, hour: HourOrigins): string {
  const rows: (string | number)[][] = [];
  for (const [gapH, endH] of SCENARIOS) {
    const acc = new Map<string, Acc[]>();
    for (const s of all) {
      const G = Math.max(4, Math.round((gapH * 3600) / s.step)), E = Math.round((endH * 3600) / s.step);
      for (const { origin: o, h } of hour(s)) {
        const g1 = o - E, g0 = g1 - G;
        if (g0 < o / 2) continue; // the gap in the later half of the history, where validation runs
        const hist = s.values.subarray(0, o);
        const ts: number[] = [], vs: number[] = [];
        for (let i = 0; i < o; i++) if (i < g0 || i >= g1) (ts.push(s.ts[i]!), vs.push(hist[i]!));
        const grid = cleanSeries(ts, vs, { step: s.step });
        const sc = scale(hist, s);
        const fcs = [
          forecastSeries(ts, vs, { horizon: h }).forecast,
          forecast(grid.values, { horizon: h, stepSeconds: s.step }),
          forecast(hist, { horizon: h, stepSeconds: s.step }),
        ];
        const at = Array.from({ length: h }, (_, i) => i);
        const y = Array.from(s.values.subarray(o, o + h));
        for (const key of [s.set, 'ALL']) {
          let a = acc.get(key);
          if (!a) acc.set(key, (a = fcs.map(newAcc)));
          fcs.forEach((f, v) => addScore(a[v]!, f, at, y, sc));
        }
      }
    }
    for (const [set, a] of [...acc].sort(([x], [y]) => Number(x === 'ALL') - Number(y === 'ALL'))) {
      rows.push([`${gapH} h, ending ${endH} h before`, set, String(a[0]!.n), cell(a[0]!), cell(a[1]!), cell(a[2]!), `${(a[0]!.msis / a[1]!.msis).toFixed(2)}x`]);
    }
  }
  return table(['gap', 'set', 'forecasts', 'this version: MSIS (95% cov)', 'a straight line', 'no gap', 'ratio to the line'], rows);
}

/**
 * Real holes: series whose own data is missing in places (PetShop's sparse invocation latencies), at the
 * main tables' 1 h origins. "this version" forecasts the samples there are through forecastSeries; "a
 * straight line" the same grid filled by lines, as before. Steps whose actual value is missing are not
 * scored. The MSIS scale is taken on the line-filled history (the same for both).
 */
export function realGapTable(all: EvalSeries[], scale: (hist: Float64Array, s: EvalSeries) => number, hour: HourOrigins): string {
  const acc = [newAcc(), newAcc()];
  let flaggedForecasts = 0;
  for (const s of all) {
    for (const { origin: o, h } of hour(s)) {
      const ts: number[] = [], vs: number[] = [];
      for (let i = 0; i < o; i++) if (Number.isFinite(s.values[i]!)) (ts.push(s.ts[i]!), vs.push(s.values[i]!));
      const grid = cleanSeries(ts, vs, { step: s.step });
      const observed: number[] = [];
      for (let i = 0; i < h; i++) if (Number.isFinite(s.values[o + i]!)) observed.push(i);
      if (!observed.length || grid.values.length < 24) continue;
      if (grid.longGapFill) flaggedForecasts++;
      const sc = scale(grid.values, s);
      // Both forecast from the last sample there is, `shift` steps before the origin when the values just
      // before it are missing: the hour scored is then steps shift + 1 .. shift + h.
      const shift = Math.round((s.ts[o - 1]! - (grid.start + (grid.values.length - 1) * s.step)) / s.step);
      const H = h + shift;
      const fcs = [forecastSeries(ts, vs, { horizon: H }).forecast, forecast(grid.values, { horizon: H, stepSeconds: s.step })];
      const at = observed.map((i) => i + shift);
      const y = observed.map((i) => s.values[o + i]!);
      fcs.forEach((f, v) => addScore(acc[v]!, f, at, y, sc));
    }
  }
  return table(['series', 'forecasts (with a gap over 3 steps)', 'this version: MSIS (95% cov)', 'a straight line', 'ratio'], [[`${all.length} PetShop series with 10-70% missing`, `${acc[0]!.n} (${flaggedForecasts})`, cell(acc[0]!), cell(acc[1]!), `${(acc[0]!.msis / acc[1]!.msis).toFixed(2)}x`]]);
}
