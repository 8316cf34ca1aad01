// Automatic forecasting on a regular grid. With enough history (>= 24 points) the seasons are found
// from the data (several at once; a user's season is a hint added to the search) and a small ensemble
// chosen by rolling-origin backtests on the series' own history gives the forecast, with intervals
// calibrated on those backtests' errors (ensemble.ts). Shorter histories use the ETS family by AICc
// (12-23 points) or a robust Theil-Sen line (< 12) with model-based intervals. Intervals never have
// zero width. Non-finite values inside the input are linearly interpolated first (and noted); values
// beyond +-1e100 are refused (ForecastInputError), and a result is never returned with a NaN in it.
import { detectPeriod } from '../series/seasonality.js';
import { mad, median, normalQuantile, theilSen } from '../series/stats.js';
import { ensembleForecast, trainLength } from './ensemble.js';
import { etsPredict, fitEts, type EtsFit, type TrendKind } from './ets.js';
import { decompose, findSeasons } from './seasons.js';
import { scratchF64, withScratch } from '../series/scratch.js';
import { forEachFilledRun } from '../series/clean.js';

/** Invalid input for a forecast (the message says what and why); callers map it to a clear error. */
export class ForecastInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForecastInputError';
  }
}

/** Largest magnitude accepted: squares and sums of squares of such values stay finite. */
export const MAX_ABS_VALUE = 1e100;

export interface ForecastOptions {
  horizon: number;
  /** Season length in steps: undefined = detect it, 0 = no season. */
  season?: number;
  /** Seconds per step; lets detection try one day and one week first. */
  stepSeconds?: number;
  /** Short-history path only (12-23 points): with a season, average ETS with seasonal-naive (default true). */
  combine?: boolean;
  /** Trend variants to try (default all three). */
  trends?: TrendKind[];
  /**
   * 1 where a value was not observed but filled in (across a long gap), one per value: validation skips
   * origins whose check would run on them, so intervals and the model choice are judged on data only.
   */
  filled?: Uint8Array;
}

export interface Forecast {
  model: string;
  method: 'ets' | 'theil-sen' | 'naive' | 'ensemble';
  /** Main season in steps (the shortest kept; 0 = none); `seasons` lists them all. */
  period: number;
  seasons: number[];
  /** Ensemble members combined (the model itself for the short-history paths). */
  members: string[];
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
const MIN_ENSEMBLE_POINTS = 24;
/** Longer histories are cut to their most recent part (30 days at 5 minutes). */
const MAX_POINTS = 8640;

function allFinite(a: Float64Array): boolean {
  // x - x is 0 for finite x and NaN for +-Infinity and NaN (cheaper than a callback per value).
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += a[i]! - a[i]!;
  return acc === 0;
}

function fillNonFinite(values: ArrayLike<number>, notes: string[]): Float64Array {
  // A finite Float64Array is used as it is (the models only read it): no copy per series in a batch.
  if (values instanceof Float64Array && allFinite(values)) return values;
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

/**
 * Smallest honest spread for a series: a tenth of its typical step-to-step change, else a sliver of its
 * level. Typical: the mean change, but at most 3x the median one, so that rare large spikes do not set it
 * (values of 10-11 with 2% spikes to 1,000 had a mean change of 37, which forced a band of 5-16 around
 * 10.5; now 9.9-11.2). On Gaussian noise the mean change is 1.2x the median one: unchanged there.
 */
function spreadFloor(y: Float64Array): number {
  let d = 0;
  const diffs = scratchF64(Math.max(0, y.length - 1));
  for (let i = 1; i < y.length; i++) {
    diffs[i - 1] = Math.abs(y[i]! - y[i - 1]!);
    d += diffs[i - 1]!;
  }
  let a = 0;
  for (let i = 0; i < y.length; i++) a += Math.abs(y[i]!);
  a /= Math.max(1, y.length);
  const typical = y.length > 1 ? Math.min(d / (y.length - 1), 3 * median(diffs)) : 0;
  return Math.max(typical / 10, 1e-6 * a, 1e-12);
}

/** Robust line: Theil-Sen slope, MAD residual scale, OLS-style widening with distance from the data. */
export function theilSenForecast(y: Float64Array, horizon: number, notes: string[] = []): Forecast {
  const n = y.length;
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const { slope, intercept } = theilSen(x, y);
  const resid = Float64Array.from({ length: n }, (_, i) => y[i]! - (intercept + slope * i));
  let sigma = n > 2 ? mad(resid, 0) : 0;
  // Never a zero-width interval: with too few points (or a perfect line) the residual scale says nothing,
  // so the spread of the values themselves (or, for one value, 5% of it) stands in, and the note says so.
  if (!(sigma > 0)) {
    let s = 0;
    for (let i = 1; i < n; i++) s += Math.abs(y[i]! - y[i - 1]!);
    const typical = n > 1 ? s / (n - 1) : 0;
    sigma = Math.max(typical, 0.05 * Math.abs(y[n - 1]!), spreadFloor(y));
    notes.push(`interval from a rough spread (${n} point${n === 1 ? '' : 's'} say little about the noise)`);
  }
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
  const name = n === 1 ? 'naive' : 'theil-sen';
  return {
    model: name, method: name, period: 0, seasons: [], members: [name],
    params: { alpha: 0, beta: 0, gamma: 0, phi: 1 }, aicc: Infinity, sigma, n, mean, ...bands(mean, sd), notes,
  };
}

/** Checks every value is within range; names the first offending position. */
function checkRange(values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && Math.abs(v) > MAX_ABS_VALUE) {
      throw new ForecastInputError(`value ${v} at position ${i + 1} is beyond +-${MAX_ABS_VALUE}: too large to forecast without overflow (rescale the series, e.g. to other units)`);
    }
  }
}

/** Final guard: a result with a non-finite number is an error, never an answer. */
function checkFinite(f: Forecast): Forecast {
  for (const k of ['mean', 'lo80', 'hi80', 'lo95', 'hi95'] as const) {
    const a = f[k];
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i]!)) throw new ForecastInputError(`forecast: the ${k} at step ${i + 1} is not finite (values too large or too extreme to forecast)`);
    }
  }
  return f;
}

/** Widens any interval narrower than `floor` (half-width) around its mean. */
function applyFloor(f: Forecast, floor: number): void {
  for (let i = 0; i < f.mean.length; i++) {
    const m = f.mean[i]!;
    if (f.hi80[i]! - m < floor) f.hi80[i] = m + floor;
    if (m - f.lo80[i]! < floor) f.lo80[i] = m - floor;
    if (f.hi95[i]! - f.hi80[i]! < floor / 2) f.hi95[i] = f.hi80[i]! + floor / 2;
    if (f.lo80[i]! - f.lo95[i]! < floor / 2) f.lo95[i] = f.lo80[i]! - floor / 2;
  }
}

export function forecast(values: ArrayLike<number>, o: ForecastOptions): Forecast {
  // Temporaries come from one scratch area for the whole call (series/scratch.ts); what is returned is not.
  return withScratch(() => forecastIn(values, o));
}

function forecastIn(values: ArrayLike<number>, o: ForecastOptions): Forecast {
  const horizon = Math.floor(o.horizon);
  if (!(horizon >= 1)) throw new ForecastInputError(`forecast: horizon must be a positive integer (got ${o.horizon})`);
  if (o.season !== undefined && !(Number.isFinite(o.season) && o.season >= 0)) throw new ForecastInputError(`forecast: season must be a non-negative number of steps (got ${o.season})`);
  checkRange(values);
  const notes: string[] = [];
  if (o.filled && o.filled.length !== values.length) throw new ForecastInputError(`forecast: ${o.filled.length} filled-in flags for ${values.length} values`);
  let y = fillNonFinite(values, notes);
  if (y.length === 0) throw new ForecastInputError('forecast: the series has no finite values');
  let filled = o.filled;
  if (y.length > MAX_POINTS) {
    notes.push(`used the last ${MAX_POINTS} of ${y.length} points`);
    filled = filled?.subarray(y.length - MAX_POINTS);
    y = y.subarray(y.length - MAX_POINTS);
  }
  const n = y.length;
  let f: Forecast;
  if (n < MIN_ETS_POINTS) {
    notes.push(`short history (${n} < ${MIN_ETS_POINTS} points): robust linear fallback`);
    f = theilSenForecast(y, horizon, notes);
  } else if (n < MIN_ENSEMBLE_POINTS) {
    notes.push(`short history (${n} < ${MIN_ENSEMBLE_POINTS} points): ETS by AICc, model-based intervals`);
    f = shortForecast(y, horizon, o, notes);
  } else {
    f = ensemble(y, horizon, o, filled, notes);
  }
  applyFloor(f, spreadFloor(y));
  if (y.every((v) => v >= 0) && holdAtZero(f)) f.notes.push('the history has no negative value: lower bounds below 0 are raised to 0');
  return checkFinite(f);
}

/**
 * Raises lower bounds below 0 to 0 where the mean is at or above 0; whether any was. For a series with
 * no negative value in its history (rates, bytes, latencies, counts), that part of a band only widens it
 * (eval: PetShop 1 h MSIS 4.775 -> 4.750, 1 d 7.915 -> 7.863, coverage unchanged). A step whose mean is
 * below 0 (a trend through zero) is the model's own claim and is left as it is.
 */
function holdAtZero(f: Forecast): boolean {
  let any = false;
  for (let i = 0; i < f.mean.length; i++) {
    if (!(f.mean[i]! >= 0)) continue;
    if (f.lo95[i]! < 0) {
      f.lo95[i] = 0;
      any = true;
    }
    if (f.lo80[i]! < 0) f.lo80[i] = 0;
  }
  return any;
}

/**
 * y with each run flagged in `filled` (a straight line across a long gap) given the seasons' shape: the
 * line plus the seasonal component there, less the line joining that component's values at the run's two
 * ends (so the run still meets the data at both). A line across hours of a daily pattern left the model's
 * seasonal states and level wrong after the gap, and its validation errors were judged against the line.
 * The component is the seasons' phase means (decompose) over y with each run first redrawn as the cycle
 * before it (the longest season reaching back from the run's start, joined to both ends): phase means over
 * the lines themselves flattened the shape (a day-long gap), and the cycle before alone, used as the fill,
 * copied its noise. (Eval, 1 h forecasts after a 6 h gap ending 2 h before the origin, all sets: MSIS
 * 4.15 with the line, 4.04 with the cycle before, 4.00 with this; a 24 h gap: 6.39, 3.53, 3.62.)
 * Always a copy.
 */
export function seasonalRefill(y: Float64Array, filled: Uint8Array, seasons: number[]): Float64Array {
  const copied = Float64Array.from(y);
  forEachFilledRun(filled, (a, b) => {
    let P = 0;
    for (const p of seasons) if (a - 1 - p >= 0 && p > P) P = p;
    if (!P) return;
    const d0 = copied[a - 1]! - copied[a - 1 - P]!;
    for (let t = a; t < b; t++) copied[t] = copied[t - P]! + d0;
    const miss = copied[b]! - (copied[b - P]! + d0);
    for (let t = a; t < b; t++) copied[t]! += (miss * (t - a + 1)) / (b - a + 1);
  });
  const comps = decompose(copied, seasons);
  const S = (t: number): number => {
    let v = 0;
    for (const c of comps) v += c.values[t % c.period]!;
    return v;
  };
  const out = Float64Array.from(y);
  forEachFilledRun(filled, (a, b) => {
    const s0 = S(a - 1);
    const s1 = S(b);
    for (let t = a; t < b; t++) out[t]! += S(t) - (s0 + ((s1 - s0) * (t - a + 1)) / (b - a + 1));
  });
  return out;
}

/** `filled`: o.filled for y (cut as y is). */
function ensemble(y0: Float64Array, horizon: number, o: ForecastOptions, filled: Uint8Array | undefined, notes: string[]): Forecast {
  const n = y0.length;
  let y = y0;
  let seasons: number[] = [];
  if (o.season === 0) notes.push('no season (season 0 given)');
  else {
    const hint = o.season !== undefined && Math.round(o.season) >= 2 ? Math.round(o.season) : undefined;
    if (hint && n < 2 * hint) notes.push(`season hint ${hint} needs ${2 * hint} points, have ${n}: searched without it`);
    const found = findSeasons(y, { stepSeconds: o.stepSeconds, hint: hint && n >= 2 * hint ? hint : undefined });
    seasons = found.periods;
    notes.push(...found.notes);
  }
  if (filled && seasons.length) y = seasonalRefill(y, filled, seasons);
  let r = ensembleForecast(y, horizon, seasons, { filled });
  const hint = o.season !== undefined && o.season !== 0 ? Math.round(o.season) : 0;
  if (hint && seasons.includes(hint)) {
    // A hint, not a cage: when the data alone gives other seasons, both are validated on the same
    // origins and the better one is used.
    const plain = findSeasons(y, { stepSeconds: o.stepSeconds });
    if (plain.periods.join(',') !== seasons.join(',')) {
      const r0 = ensembleForecast(y, horizon, plain.periods, { train: r.train, filled });
      if (r0.validationMae < r.validationMae) {
        notes.push(`season hint ${hint}: the seasons found without it (${plain.periods.join(', ') || 'none'}) validated better (MAE ${r0.validationMae.toPrecision(3)} vs ${r.validationMae.toPrecision(3)}) and were used`);
        // The forecast is then exactly the automatic one (fitted on its own train part).
        r = trainLength(n, plain.periods) === r.train ? r0 : ensembleForecast(y, horizon, plain.periods, { filled });
      }
    }
  }
  seasons = r.seasons;
  notes.push(...r.notes);
  notes.push(`ensemble (${r.combine}) of ${r.members.join(', ')}, chosen on ${r.origins} rolling origins (validation MAE ${r.validationMae.toPrecision(3)})`);
  const e = r.ets;
  return {
    model: r.members.length === 1 ? r.members[0]! : `${r.combine}(${r.members.join(' | ')})`,
    method: 'ensemble', period: seasons[0] ?? 0, seasons, members: r.members,
    params: e ? { alpha: e.alpha, beta: e.beta, gamma: e.gamma, phi: e.phi } : { alpha: 0, beta: 0, gamma: 0, phi: 1 },
    aicc: e ? e.aicc : Infinity, sigma: e ? Math.sqrt(e.sigma2) : r.validationMae * 1.25, n,
    mean: r.mean, lo80: r.lo80, hi80: r.hi80, lo95: r.lo95, hi95: r.hi95, notes,
  };
}

/** The ETS family by AICc (with seasonal-naive averaging when a season fits twice), for 12-23 points. */
function shortForecast(y: Float64Array, horizon: number, o: ForecastOptions, notes: string[]): Forecast {
  const n = y.length;
  let period = 0;
  if (o.season !== undefined) {
    period = Math.max(0, Math.round(o.season));
    if (period === 1) period = 0;
    if (period && n < 2 * period) {
      notes.push(`season ${period} needs ${2 * period} points, have ${n}: season dropped`);
      period = 0;
    }
  } else {
    const found = detectPeriod(y, { search: true });
    if (found && n >= 2 * found.period) {
      period = found.period;
      notes.push(`season detected: ${period} steps (acf ${found.acf.toFixed(2)})`);
    }
  }
  const trends = o.trends ?? ['N', 'A', 'Ad'];
  let best: EtsFit | null = null;
  for (const trend of trends) {
    const fit = fitEts(y, { trend, period });
    if (!best || fit.aicc < best.aicc) best = fit;
  }
  if (!best) throw new ForecastInputError('forecast: no trend variant to fit');
  const { mean, sd } = etsPredict(best, horizon);
  let model = `ETS(A,${best.trend},${best.period ? 'A' : 'N'})`;
  if (best.period && o.combine !== false) {
    const m = best.period;
    let s1 = 0;
    let s2 = 0;
    let c = 0;
    for (let i = m; i < n; i++) {
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
    model, method: 'ets', period: best.period, seasons: best.period ? [best.period] : [], members: [model],
    params: { alpha: best.alpha, beta: best.beta, gamma: best.gamma, phi: best.phi },
    aicc: best.aicc, sigma: Math.sqrt(best.sigma2), n, mean, ...bands(mean, sd), notes,
  };
}
