// Capacity: when does a resource cross its threshold, with what uncertainty, and what to do about it.
// The forecast (backtest-chosen ensemble; robust line for short history) gives a mean path and a 95% band. Time to threshold is the
// first step where the mean path crosses; its interval runs from the first crossing of the pessimistic
// band edge (hi95 for an upward threshold) to the first crossing of the optimistic edge (lo95), which is
// null when that edge never crosses within the horizon. Growth per day is a robust (Theil-Sen) slope of
// the recent history, so one spike does not change the recommendation.
import { cleanSeries, interpolationNote } from '../series/clean.js';
import { theilSen } from '../series/stats.js';
import { forecast, type Forecast } from '../forecast/forecast.js';

/** 'insufficient_history': less than one season (a day) of history and not yet past the threshold. */
export type Recommendation = 'aggressive' | 'moderate' | 'conservative' | 'insufficient_history';

export interface CapacityOptions {
  threshold: number;
  /** 'up': usage grows towards the threshold (disk, memory); 'down': a free amount shrinks towards it. */
  direction?: 'up' | 'down';
  /** Forecast horizon in seconds (default 7 days). */
  horizonSeconds?: number;
  /** Season in steps (undefined = detect, 0 = none). */
  season?: number;
  step?: number;
}

export interface CapacityResult {
  current: number;
  threshold: number;
  /** threshold - current (up) or current - threshold (down); negative when already past. */
  headroom: number;
  /** headroom / |threshold| (0 when the threshold is 0). */
  headroomRatio: number;
  /** Robust growth per day in the direction of the threshold (units per day). */
  growthPerDay: number;
  /** Growth per day relative to |current| (0.02 = 2%/day). */
  growthRatioPerDay: number;
  /** Seconds until the mean forecast crosses; 0 when already crossed; null when not within the horizon. */
  secondsToThreshold: number | null;
  /** Earliest / latest plausible crossing from the 95% band (latest null = not within the horizon). */
  secondsToThresholdLow: number | null;
  secondsToThresholdHigh: number | null;
  horizonSeconds: number;
  recommendation: Recommendation;
  /** Capacity that would keep the 95% upper band below 80% of it over the horizon (up only). */
  suggestedCapacity: number;
  forecast: Forecast;
  stepSeconds: number;
  notes: string[];
}

const DAY = 86_400;

function firstCrossing(path: Float64Array, threshold: number, up: boolean): number {
  for (let i = 0; i < path.length; i++) if (up ? path[i]! >= threshold : path[i]! <= threshold) return i;
  return -1;
}

/** Growth class: > 5%/day or crossing within 7 days: aggressive; > 1%/day or within 30 days: moderate. */
export function recommend(growthRatioPerDay: number, secondsToThreshold: number | null): Recommendation {
  if (growthRatioPerDay > 0.05 || (secondsToThreshold !== null && secondsToThreshold < 7 * DAY)) return 'aggressive';
  if (growthRatioPerDay > 0.01 || (secondsToThreshold !== null && secondsToThreshold < 30 * DAY)) return 'moderate';
  return 'conservative';
}

export function capacity(ts: ArrayLike<number>, vs: ArrayLike<number>, o: CapacityOptions): CapacityResult {
  if (!Number.isFinite(o.threshold)) throw new Error(`capacity: threshold must be a finite number (got ${o.threshold})`);
  const up = (o.direction ?? 'up') === 'up';
  const grid = cleanSeries(ts, vs, { step: o.step });
  const n = grid.values.length;
  if (n === 0) throw new Error('capacity: the series has no finite samples');
  const step = grid.step;
  const horizonSeconds = o.horizonSeconds ?? 7 * DAY;
  const horizon = Math.max(1, Math.min(100_000, Math.ceil(horizonSeconds / step)));
  const notes: string[] = [];
  if (grid.report.dropped) notes.push(`${grid.report.dropped} non-finite sample(s) dropped`);
  if (grid.report.interpolated) notes.push(interpolationNote(grid.report));
  // Long gaps flagged, as forecastSeries does: filled with the seasons' shape and not validated on.
  const fc = forecast(grid.values, { horizon, season: o.season, stepSeconds: step, filled: grid.longGapFill });
  notes.push(...fc.notes);
  const current = grid.values[n - 1]!;
  const headroom = up ? o.threshold - current : current - o.threshold;
  // Recent robust slope: last 7 days or the whole history if shorter.
  const recent = Math.min(n, Math.max(2, Math.ceil((7 * DAY) / step)));
  const x = Float64Array.from({ length: recent }, (_, i) => i * step);
  const slope = theilSen(x, grid.values.subarray(n - recent)).slope; // units per second
  const growthPerDay = (up ? slope : -slope) * DAY;
  const growthRatioPerDay = current !== 0 ? growthPerDay / Math.abs(current) : 0;
  const toSec = (i: number): number | null => (i < 0 ? null : (i + 1) * step);
  let secondsToThreshold: number | null;
  let low: number | null;
  let high: number | null;
  if (headroom <= 0) {
    secondsToThreshold = 0;
    low = 0;
    high = 0;
  } else {
    secondsToThreshold = toSec(firstCrossing(fc.mean, o.threshold, up));
    low = toSec(firstCrossing(up ? fc.hi95 : fc.lo95, o.threshold, up));
    high = toSec(firstCrossing(up ? fc.lo95 : fc.hi95, o.threshold, up));
  }
  let peak = current;
  for (let i = 0; i < fc.hi95.length; i++) peak = Math.max(peak, fc.hi95[i]!);
  return {
    current, threshold: o.threshold, headroom,
    headroomRatio: o.threshold !== 0 ? headroom / Math.abs(o.threshold) : 0,
    growthPerDay, growthRatioPerDay,
    secondsToThreshold, secondsToThresholdLow: low, secondsToThresholdHigh: high,
    horizonSeconds: horizon * step,
    // No advice from less than one season: the rising half of a daily cycle reads as fast growth.
    recommendation: headroom > 0 && (n - 1) * step < DAY ? 'insufficient_history' : recommend(growthRatioPerDay, secondsToThreshold),
    suggestedCapacity: up ? Math.max(o.threshold, peak / 0.8) : o.threshold,
    forecast: fc, stepSeconds: step, notes,
  };
}
