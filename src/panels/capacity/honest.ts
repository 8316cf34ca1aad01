// What a forecast may honestly show (pure, so tests check it exactly):
// - the horizon never exceeds the history it rests on (a week ahead needs a week of history); the rest is
//   cut, and the panel says how much more history the full horizon needs;
// - the y range is set by the data, the threshold and the 80% band; the 95% band is clipped to it and
//   the clipping is reported;
// - a quantity never seen below zero keeps its bands at or above zero;
// - no capacity advice from less than one season (a day) of history.
import type { Forecast } from '@foresight/contract';

export const SEASON_MS = 86_400_000;

export interface HonestForecast {
  /** the forecast with future points past the supported horizon removed, bands floored where needed */
  fc: Forecast;
  historyMs: number;
  /** horizon the companion forecast, and the part of it the history supports (ms) */
  horizonMs: number;
  shownHorizonMs: number;
  /** more history needed for the full horizon (ms), 0 if none */
  moreHistoryForHorizonMs: number;
  /** more history needed before capacity advice is given (ms), 0 if none */
  moreHistoryForAdviceMs: number;
  yRange: [number, number] | null;
  /** the 95% band reaches outside yRange (its extreme value), null if it fits */
  clipped95: { low: number | null; high: number | null } | null;
}

const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

export function honestForecast(
  input: Forecast,
  o: { threshold: number | null; min?: number; max?: number; seasonMs?: number } = { threshold: null }
): HonestForecast {
  const season = o.seasonMs ?? SEASON_MS;
  const histIdx = input.history.flatMap((v, i) => (finite(v) ? [i] : []));
  const firstHist = histIdx.length ? input.timestamps[histIdx[0]!]! : null;
  const lastHist = histIdx.length ? input.timestamps[histIdx[histIdx.length - 1]!]! : null;
  const historyMs = firstHist !== null && lastHist !== null ? lastHist - firstHist : 0;
  const futIdx = input.forecast.flatMap((v, i) => (finite(v) && !finite(input.history[i]) ? [i] : []));
  const origin = lastHist ?? (futIdx.length ? input.timestamps[futIdx[0]!]! : 0);
  const horizonMs = futIdx.length ? input.timestamps[futIdx[futIdx.length - 1]!]! - origin : 0;
  const shownHorizonMs = Math.min(horizonMs, historyMs);
  const keep = input.timestamps.map((t, i) => finite(input.history[i]) || t - origin <= shownHorizonMs);
  const nonNegative = histIdx.length > 0 && histIdx.every((i) => (input.history[i] as number) >= 0);
  const floor = (v: number | null) => (v === null ? null : nonNegative ? Math.max(0, v) : v);
  const pick = <T>(a: T[]) => a.filter((_, i) => keep[i]);
  const fc: Forecast = {
    ...input,
    timestamps: pick(input.timestamps),
    history: pick(input.history),
    forecast: pick(input.forecast),
    lo80: pick(input.lo80).map(floor),
    hi80: pick(input.hi80),
    lo95: pick(input.lo95).map(floor),
    hi95: pick(input.hi95),
  };
  const inRange = [
    ...fc.history,
    ...fc.forecast,
    ...fc.lo80,
    ...fc.hi80,
    ...(finite(o.threshold) ? [o.threshold] : []),
  ].filter(finite);
  let yRange: [number, number] | null = null;
  if (inRange.length) {
    let lo = Math.min(...inRange);
    let hi = Math.max(...inRange);
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.05;
    lo = nonNegative ? Math.max(0, lo - pad) : lo - pad;
    hi = hi + pad;
    if (finite(o.min)) {
      lo = o.min;
    }
    if (finite(o.max)) {
      hi = o.max;
    }
    if (hi <= lo) {
      hi = lo + 1;
    }
    yRange = [lo, hi];
  }
  let clipped95: HonestForecast['clipped95'] = null;
  if (yRange) {
    const lows = fc.lo95.filter(finite);
    const highs = fc.hi95.filter(finite);
    const minLow = lows.length ? Math.min(...lows) : null;
    const maxHigh = highs.length ? Math.max(...highs) : null;
    const low = minLow !== null && minLow < yRange[0] ? minLow : null;
    const high = maxHigh !== null && maxHigh > yRange[1] ? maxHigh : null;
    if (low !== null || high !== null) {
      clipped95 = { low, high };
    }
  }
  return {
    fc,
    historyMs,
    horizonMs,
    shownHorizonMs,
    moreHistoryForHorizonMs: Math.max(0, horizonMs - historyMs),
    moreHistoryForAdviceMs: Math.max(0, season - historyMs),
    yRange,
    clipped95,
  };
}

/** 90061000 → "1 d 1 h", 5400000 → "1 h 30 min", 90000 → "2 min" (whole minutes, rounded up). */
export function spanText(ms: number): string {
  const min = Math.ceil(ms / 60_000);
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  const parts = [d ? `${d} d` : '', h ? `${h} h` : '', m && !d ? `${m} min` : ''].filter(Boolean);
  return parts.join(' ') || '0 min';
}
