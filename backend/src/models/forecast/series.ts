// One path from raw samples to a forecast, shared by `foresight forecast` (one series or a long CSV of
// many) and the companion's scheduler: samples are cleaned onto a regular grid, checked, and forecast.
// A single distinct timestamp has no spacing to learn a step from: it is refused unless a step is given.
// Pure: no I/O (callers read files or Prometheus and report progress).
import { cleanSeries, forEachFilledRun, interpolationNote, type RegularSeries } from '../series/clean.js';
import { forecast, ForecastInputError, MAX_ABS_VALUE, type Forecast } from './forecast.js';

export interface SeriesForecastOptions {
  /** Steps ahead. */
  horizon: number;
  /** Season hint in steps (0 = no season; undefined = found from the data). */
  season?: number;
  /** Seconds per step; default: the median spacing of the samples. */
  step?: number;
}

export interface SeriesForecast {
  grid: RegularSeries;
  /** Unix seconds of the last grid point (the forecast's step 1 is origin + step). */
  origin: number;
  forecast: Forecast;
}

export function forecastSeries(ts: ArrayLike<number>, vs: ArrayLike<number>, o: SeriesForecastOptions): SeriesForecast {
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i]!;
    if (Number.isFinite(v) && Math.abs(v) > MAX_ABS_VALUE) {
      throw new ForecastInputError(`sample ${i + 1} has value ${v}, beyond +-${MAX_ABS_VALUE}: too large to forecast without overflow (rescale the series)`);
    }
  }
  if (o.step !== undefined && !(Number.isFinite(o.step) && o.step > 0)) throw new ForecastInputError(`step must be a positive number of seconds (got ${o.step})`);
  const cleaned = regularGrid(ts, vs, o.step) ?? cleanSeries(ts, vs, o.step ? { step: o.step } : {});
  if (cleaned.values.length === 0) throw new ForecastInputError('no sample with a finite value');
  const cut = cleaned.longGapFill ? afterGap(cleaned) : null;
  const grid = cut?.grid ?? cleaned;
  if (grid.values.length === 1 && !o.step) {
    throw new ForecastInputError('a single timestamp gives no spacing to learn the step from: give the step (--step SECONDS) or more samples');
  }
  const fc = forecast(grid.values, { horizon: o.horizon, season: o.season, stepSeconds: grid.step, filled: grid.longGapFill });
  const pre: string[] = [];
  const rep = grid.report;
  if (rep.dropped) pre.push(`${rep.dropped} non-finite sample(s) dropped`);
  if (rep.unsorted) pre.push('samples were not in time order: sorted by timestamp');
  if (rep.duplicates) pre.push(`${rep.duplicates} sample(s) at a timestamp already seen: the last one there kept`);
  if (rep.interpolated) pre.push(interpolationNote(rep));
  if (cut) pre.push(cut.note);
  if (pre.length) fc.notes.unshift(...pre);
  return { grid, origin: grid.start + (grid.values.length - 1) * grid.step, forecast: fc };
}

/** Points after a gap a forecast is made from, when the data before the gap is left out. */
const MIN_AFTER_GAP = 24;

const iso = (t: number): string => new Date(Math.round(t * 1000)).toISOString();

/**
 * A gap longer than all the data (most often a stray timestamp, or a series that came back long after it
 * went away) would have the forecast made of the fill across it. The data after it is used alone when
 * it holds MIN_AFTER_GAP points (the ensemble's minimum), with a note; else the input is refused, naming
 * the gap. Null when there is no such gap.
 */
function afterGap(g: RegularSeries): { grid: RegularSeries; note: string } | null {
  const f = g.longGapFill!;
  let filled = 0;
  let longest = 0;
  let at = 0;
  forEachFilledRun(f, (a, b) => {
    filled += b - a;
    if (b - a > longest) [longest, at] = [b - a, a];
  });
  const observed = f.length - filled;
  if (longest <= observed) return null;
  const end = at + longest; // the first point after the gap
  const gap = `a gap of ${longest + 1} steps of ${g.step} s (${iso(g.start + (at - 1) * g.step)} to ${iso(g.start + end * g.step)})`;
  if (f.length - end < MIN_AFTER_GAP) {
    throw new ForecastInputError(`${gap} is longer than all the data (${observed} points), and ${f.length - end} point(s) follow it: check for a stray timestamp, or give only the samples before it`);
  }
  const rest = f.subarray(end);
  const grid: RegularSeries = { start: g.start + end * g.step, step: g.step, values: g.values.subarray(end), report: g.report };
  if (rest.includes(1)) grid.longGapFill = rest;
  return { grid, note: `${gap} is longer than all the data: forecast from the ${f.length - end} points after it` };
}

/** Fast path for samples already on a regular grid (sorted, evenly spaced, all finite): no cleaning. */
function regularGrid(ts: ArrayLike<number>, vs: ArrayLike<number>, step?: number): RegularSeries | null {
  const n = ts.length;
  if (n < 2 || vs.length !== n) return null;
  const d = ts[1]! - ts[0]!;
  if (!(d > 0) || (step !== undefined && Math.abs(d - step) > 1e-9 * d)) return null;
  if (!Number.isFinite(vs[0]!) || !Number.isFinite(ts[0]!)) return null;
  for (let i = 1; i < n; i++) {
    if (Math.abs(ts[i]! - ts[i - 1]! - d) > 1e-6 * d || !Number.isFinite(vs[i]!)) return null;
  }
  return { start: ts[0]!, step: d, values: Float64Array.from(vs), report: { input: n, dropped: 0, duplicates: 0, unsorted: false, counterResets: 0, interpolated: 0, longGaps: 0 } };
}

export interface BatchItem {
  key: string;
  ts: ArrayLike<number>;
  values: ArrayLike<number>;
}

export type BatchResult = { key: string; ok: true; result: SeriesForecast } | { key: string; ok: false; error: string };

/**
 * Forecasts many series in one go; a bad series yields an error entry and does not stop the others.
 * `progress(done, total)` is called after every series.
 */
export function forecastMany(items: BatchItem[], o: SeriesForecastOptions, progress?: (done: number, total: number) => void): BatchResult[] {
  const out: BatchResult[] = [];
  items.forEach((it, i) => {
    try {
      out.push({ key: it.key, ok: true, result: forecastSeries(it.ts, it.values, o) });
    } catch (e) {
      out.push({ key: it.key, ok: false, error: (e as Error).message });
    }
    progress?.(i + 1, items.length);
  });
  return out;
}
