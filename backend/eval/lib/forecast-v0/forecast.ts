// FROZEN copy of the forecaster before issue 15 (commit a757793), kept only so `npm run eval forecast`
// can print the previous version beside the current one. Do not edit.
// Automatic forecasting on a regular grid: detect the season (unless given), fit the additive ETS family
// (N / A / Ad trend, with the season when one is present) and keep the lowest AICc. Short history
// (< 12 points, or < 2 seasons when a season is forced) falls back to a robust Theil-Sen line with
// regression prediction intervals; a single point gives a flat forecast with a zero-width interval.
// Non-finite values inside the input are linearly interpolated first (and noted), never propagated.
import { detectPeriod } from './seasonality.js';
import { mad, normalQuantile, theilSen } from '../../../src/models/series/stats.js';
import { etsPredict, fitEts, type EtsFit, type TrendKind } from './ets.js';

export interface ForecastOptions {
  horizon: number;
  /** Season length in steps: undefined = detect it, 0 = no season. */
  season?: number;
  /** Seconds per step; lets detection try one day and one week first. */
  stepSeconds?: number;
  /** With a season, average ETS with seasonal-naive (default true). */
  combine?: boolean;
  /** Trend variants to try (default all three). */
  trends?: TrendKind[];
}

export interface Forecast {
  model: string;
  method: 'ets' | 'theil-sen' | 'naive';
  period: number;
  params: { alpha: number; beta: number; gamma: number; phi: number };
  aicc: number;
  /** One-step residual standard deviation. */
  sigma: number;
  n: number;
  mean: Float64Array;
  lo80: Float64Array;
  hi80: Float64Array;
  lo95: Float64Array;
  hi95: Float64Array;
  notes: string[];
}

export const Z80 = normalQuantile(0.9);
export const Z95 = normalQuantile(0.975);
const MIN_ETS_POINTS = 12;
const FIT_CYCLES = 4;
const MIN_FIT = 1000;

function fillNonFinite(values: ArrayLike<number>, notes: string[]): Float64Array {
  const y = Float64Array.from(values as ArrayLike<number>);
  let bad = 0;
  let last = -1;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) {
      bad++;
      continue;
    }
    if (last >= 0 && i - last > 1) for (let j = last + 1; j < i; j++) y[j] = y[last]! + ((y[i]! - y[last]!) * (j - last)) / (i - last);
    else if (last < 0) for (let j = 0; j < i; j++) y[j] = y[i]!;
    last = i;
  }
  if (last < 0) return new Float64Array(0);
  for (let j = last + 1; j < y.length; j++) y[j] = y[last]!;
  if (bad) notes.push(`${bad} non-finite value(s) interpolated`);
  return y;
}

function bands(mean: Float64Array, sd: Float64Array): Pick<Forecast, 'lo80' | 'hi80' | 'lo95' | 'hi95'> {
  const h = mean.length;
  const lo80 = new Float64Array(h), hi80 = new Float64Array(h), lo95 = new Float64Array(h), hi95 = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    lo80[i] = mean[i]! - Z80 * sd[i]!;
    hi80[i] = mean[i]! + Z80 * sd[i]!;
    lo95[i] = mean[i]! - Z95 * sd[i]!;
    hi95[i] = mean[i]! + Z95 * sd[i]!;
  }
  return { lo80, hi80, lo95, hi95 };
}

/** Robust line: Theil-Sen slope, MAD residual scale, OLS-style widening with distance from the data. */
export function theilSenForecast(y: Float64Array, horizon: number, notes: string[] = []): Forecast {
  const n = y.length;
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const { slope, intercept } = theilSen(x, y);
  const resid = Float64Array.from({ length: n }, (_, i) => y[i]! - (intercept + slope * i));
  const sigma = n > 2 ? mad(resid, 0) : 0;
  const xbar = (n - 1) / 2;
  let sxx = 0;
  for (let i = 0; i < n; i++) sxx += (i - xbar) ** 2;
  const mean = new Float64Array(horizon);
  const sd = new Float64Array(horizon);
  for (let h = 1; h <= horizon; h++) {
    const xi = n - 1 + h;
    mean[h - 1] = intercept + slope * xi;
    sd[h - 1] = sigma * Math.sqrt(1 + 1 / n + (sxx > 0 ? (xi - xbar) ** 2 / sxx : 0));
  }
  return {
    model: n === 1 ? 'naive' : 'theil-sen', method: n === 1 ? 'naive' : 'theil-sen', period: 0,
    params: { alpha: 0, beta: 0, gamma: 0, phi: 1 }, aicc: Infinity, sigma, n, mean, ...bands(mean, sd), notes,
  };
}

export function forecast(values: ArrayLike<number>, o: ForecastOptions): Forecast {
  const horizon = Math.floor(o.horizon);
  if (!(horizon >= 1)) throw new Error(`forecast: horizon must be a positive integer (got ${o.horizon})`);
  const notes: string[] = [];
  const y = fillNonFinite(values, notes);
  const n = y.length;
  if (n === 0) throw new Error('forecast: the series has no finite values');
  if (n < MIN_ETS_POINTS) {
    notes.push(`short history (${n} < ${MIN_ETS_POINTS} points): robust linear fallback`);
    return theilSenForecast(y, horizon, notes);
  }
  let period = 0;
  if (o.season !== undefined) {
    period = Math.max(0, Math.round(o.season));
    if (period === 1) period = 0;
    if (period && n < 2 * period) {
      notes.push(`season ${period} needs ${2 * period} points, have ${n}: season dropped`);
      period = 0;
    }
  } else {
    const tail = n > 4032 ? y.subarray(n - 4032) : y;
    const step = o.stepSeconds ?? 0;
    const candidates = step > 0 ? [86_400 / step, 604_800 / step].filter((c) => c >= 2 && Math.abs(c - Math.round(c)) < 0.01) : [];
    const snap = step > 0 ? [60, 300, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400, 604_800].map((p) => p / step).filter((c) => c >= 2 && Math.abs(c - Math.round(c)) < 0.01) : [];
    const found = detectPeriod(tail, { candidates, search: true, snap, maxLag: Math.min(1500, tail.length >> 1) });
    if (found) {
      period = found.period;
      notes.push(`season detected: ${period} steps (acf ${found.acf.toFixed(2)})`);
    }
  }
  const trends = o.trends ?? ['N', 'A', 'Ad'];
  // Fit on the recent past only (FIT_CYCLES seasons, at least MIN_FIT points): the season's shape and
  // amplitude drift, old cycles mostly add cost, and the start states come from the window's first cycles.
  const keep = period ? Math.max(FIT_CYCLES * period, MIN_FIT) : Math.max(MIN_FIT, 0);
  const fitY = y.length > keep && keep > 0 ? y.subarray(y.length - keep) : y;
  if (fitY.length < y.length) notes.push(`fitted on the last ${fitY.length} of ${y.length} points`);
  let best: EtsFit | null = null;
  for (const trend of trends) {
    const fit = fitEts(fitY, { trend, period });
    if (!best || fit.aicc < best.aicc) best = fit;
  }
  if (!best) throw new Error('forecast: no trend variant to fit');
  const { mean, sd } = etsPredict(best, horizon);
  let model = `ETS(A,${best.trend},${best.period ? 'A' : 'N'})`;
  // With a season, average with the seasonal-naive path (the last cycle repeated): a combination that
  // follows amplitude changes ETS' smoothed season lags behind (measured in eval/forecast.eval.ts).
  // Its sd is bounded by the average of the two sds (correlation <= 1); seasonal-naive's error variance
  // is the in-sample variance of y_t - y_{t-m}, times the number of cycles ahead.
  if (best.period && o.combine !== false) {
    const m = best.period;
    let s1 = 0;
    let s2 = 0;
    let c = 0;
    for (let i = Math.max(m, n - fitY.length); i < n; i++) {
      const d = y[i]! - y[i - m]!;
      s1 += d;
      s2 += d * d;
      c++;
    }
    const vSn = c > 1 ? Math.max(0, (s2 - (s1 * s1) / c) / (c - 1)) : 0;
    for (let i = 0; i < horizon; i++) {
      mean[i] = 0.5 * mean[i]! + 0.5 * y[n - m + (i % m)]!;
      sd[i] = 0.5 * sd[i]! + 0.5 * Math.sqrt(vSn * (Math.floor(i / m) + 1));
    }
    model += '+SNaive';
  }
  return {
    model, method: 'ets', period: best.period,
    params: { alpha: best.alpha, beta: best.beta, gamma: best.gamma, phi: best.phi },
    aicc: best.aicc, sigma: Math.sqrt(best.sigma2), n: fitY.length, mean, ...bands(mean, sd), notes,
  };
}
