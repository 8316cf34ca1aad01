// Seasonality is detected, not assumed: autocorrelation of the linearly detrended series at candidate lags
// (daily/weekly in steps, plus a bounded search for other peaks). A period is reported only if its
// autocorrelation is a local peak and clears max(minAcf, 3/sqrt(n)), and the data hold >= 2 full cycles
// (candidates) or >= 3 with the ACF at twice the lag confirming it (free search).
import { median, select } from './stats.js';
import { scratchF64 } from './scratch.js';

export interface PeriodResult {
  /** Period in steps. */
  period: number;
  acf: number;
}

export interface DetectPeriodOptions {
  /** Candidate periods in steps tried first (e.g. one day and one week at the series' step). */
  candidates?: number[];
  /** Also search every lag in [minLag, maxLag] for the strongest peak (bounded to keep it cheap). */
  search?: boolean;
  minLag?: number;
  maxLag?: number;
  minAcf?: number;
  /** Round periods (in steps) a free-search result within 3% snaps to when their ACF is about as high. */
  snap?: number[];
}

function detrend(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  // Least squares, not Theil-Sen: over whole cycles a seasonal wave biases the median of pairwise slopes.
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += i;
    sy += values[i]!;
    sxx += i * i;
    sxy += i * values[i]!;
  }
  const den = n * sxx - sx * sx;
  const slope = den > 0 ? (n * sxy - sx * sy) / den : 0;
  const intercept = (sy - slope * sx) / n;
  const out = scratchF64(n);
  for (let i = 0; i < n; i++) out[i] = values[i]! - (intercept + slope * i);
  // Winsorise at 5 robust sigmas so a single spike in the window cannot swamp the autocorrelation.
  const c = median(out);
  const dev = scratchF64(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(out[i]! - c);
  const s = 1.4826 * select(dev, n, n >> 1);
  if (s > 0) for (let i = 0; i < n; i++) out[i] = Math.min(c + 5 * s, Math.max(c - 5 * s, out[i]!));
  return out;
}

/** Autocorrelation at `lag`, normalised per overlapping pair (so a true period is a peak even at lags
 * near n/2, where the plain estimator shrinks by (n - lag) / n). `denom` is sum(y^2). */
export function acfAt(y: Float64Array, lag: number, denom: number): number {
  let s = 0;
  const n = y.length;
  for (let i = lag; i < n; i++) s += y[i]! * y[i - lag]!;
  return denom > 0 && n > lag ? (s / (n - lag)) / (denom / n) : 0;
}

export function detectPeriod(values: ArrayLike<number>, o: DetectPeriodOptions = {}): PeriodResult | null {
  const n = values.length;
  if (n < 8) return null;
  const y = detrend(values);
  let denom = 0;
  for (let i = 0; i < n; i++) denom += y[i]! * y[i]!;
  if (denom <= 1e-12 * n) return null; // constant (after trend): no seasonality
  const threshold = Math.max(o.minAcf ?? 0.3, 3 / Math.sqrt(n));
  const isPeak = (lag: number, a: number): boolean => {
    const d = Math.max(1, Math.round(lag / 20));
    return a >= acfAt(y, lag - d, denom) - 0.02 && a >= acfAt(y, Math.min(n - 1, lag + d), denom) - 0.02;
  };
  let best: PeriodResult | null = null;
  for (const c of o.candidates ?? []) {
    const lag = Math.round(c);
    if (lag < 2 || lag * 2 > n) continue;
    const a = acfAt(y, lag, denom);
    if (a > threshold && isPeak(lag, a) && (!best || a > best.acf + 0.02)) best = { period: lag, acf: a };
  }
  if (best) return best;
  if (o.search === false) return null;
  const minLag = Math.max(2, o.minLag ?? 4);
  // A free-search period needs 3 cycles in the data (2 for the candidates above): long lags of a
  // random walk show strong but meaningless autocorrelation.
  const maxLag = Math.min(Math.floor(n / 3), o.maxLag ?? 1500);
  // Full resolution up to 4f lags, then a coarse scan on f-step block means (refined at full resolution),
  // so a long series costs O(n * 4f + (n/f) * (maxLag/f)) instead of O(n * maxLag).
  const f = n > 600 ? Math.ceil(n / 500) : 1;
  const fineTo = f > 1 ? Math.min(maxLag, 4 * f) : maxLag;
  const fine = scanPeaks(y, denom, minLag, fineTo, threshold, false);
  // (no candidate matched, so the free search decides)
  let found: PeriodResult | null = fine.best;
  if (f > 1 && fineTo < maxLag && !(found && found.acf > 0.6)) {
    const m = Math.floor(n / f);
    const yd = scratchF64(m);
    for (let i = 0; i < m; i++) {
      let a = 0;
      for (let j = 0; j < f; j++) a += y[i * f + j]!;
      yd[i] = a / f;
    }
    let dd = 0;
    for (let i = 0; i < m; i++) dd += yd[i]! * yd[i]!;
    const coarse = scanPeaks(yd, dd, Math.max(2, Math.floor(fineTo / f)), Math.floor(maxLag / f), threshold, fine.dipped);
    if (coarse.best) {
      let bl = 0;
      let ba = -Infinity;
      // Refine on the full series; multiples of the lag sharpen a flat peak (200 vs 201 steps).
      let bs = -Infinity;
      for (let lag = Math.max(minLag, coarse.best.period * f - f); lag <= Math.min(maxLag, coarse.best.period * f + f); lag++) {
        const a = acfAt(y, lag, denom);
        let sum = a;
        let k = 2;
        for (; k <= 4 && k * lag <= n >> 1; k++) sum += acfAt(y, k * lag, denom);
        if (sum / (k - 1) > bs) {
          bs = sum / (k - 1);
          ba = a;
          bl = lag;
        }
      }
      if (ba > threshold && (!found || ba > found.acf + 0.05)) found = { period: bl, acf: ba };
    }
  }
  // Confirm: a real period repeats, so the ACF at twice the lag is high too.
  if (found && 2 * found.period < n && acfAt(y, 2 * found.period, denom) < threshold / 2) found = null;
  // A period one step off a round one (61 vs 60 minutes) would drift through the phase buckets.
  if (found) {
    for (const sl of o.snap ?? []) {
      const lag = Math.round(sl);
      if (lag === found.period || lag < 2 || lag * 2 > n || Math.abs(lag - found.period) > 0.03 * lag + 1e-9) continue;
      const a = acfAt(y, lag, denom);
      if (a >= found.acf - 0.05) found = { period: lag, acf: a };
    }
  }
  return found;
}

/** Robust slope per step of a series with period `period` (steps): median of seasonal differences / period. */
export function seasonalSlope(values: ArrayLike<number>, period: number): number {
  const n = values.length;
  if (period < 1 || n <= period) return 0;
  const d = new Float64Array(n - period);
  for (let i = period; i < n; i++) d[i - period] = (values[i]! - values[i - period]!) / period;
  return median(d);
}

/** First strong ACF peak in [from, to) after the ACF has dipped below the threshold. */
function scanPeaks(y: Float64Array, denom: number, from: number, to: number, threshold: number, dippedInit: boolean): { best: PeriodResult | null; dipped: boolean } {
  let best: PeriodResult | null = null;
  if (from >= to) return { best, dipped: dippedInit };
  let prev = acfAt(y, from - 1, denom);
  let cur = acfAt(y, from, denom);
  let dipped = dippedInit || cur < threshold;
  for (let lag = from; lag < to; lag++) {
    const next = acfAt(y, lag + 1, denom);
    if (cur < threshold) dipped = true;
    if (dipped && cur > threshold && cur >= prev && cur >= next) {
      if (!best || cur > best.acf + 0.05) best = { period: lag, acf: cur };
      if (best.acf > 0.6) break; // the first strong peak is the fundamental period; multiples follow
    }
    prev = cur;
    cur = next;
  }
  return { best, dipped };
}
