// Several seasons at once (MSTL-style, simplified for speed): each season's component is the per-phase
// mean of the series minus the other seasons' components and minus a centred moving average one season
// long, over the most recent cycles; two passes let the components settle against each other.
// Seasons are found from the data: candidates are the round calendar periods at the series' step
// (hour, day, week), a free autocorrelation search, and the user's hint; a candidate is kept when its
// component explains clearly more of the remaining variance than noise would (phase means over c
// cycles explain about 1/c of pure noise), so hourly data with a weekday/weekend shape keeps both 24
// and 168, and a user's `--season 24` adds to the search instead of replacing it.
import { detectPeriod } from '../series/seasonality.js';

/** Phase index of absolute position i for a component of length p: i mod p (positions are absolute). */
export interface SeasonComponent {
  period: number;
  /** values[i % period] is the component at absolute position i (mean zero). */
  values: Float64Array;
}

/** Centred moving average of length p (2 x p for even p), ends held at the nearest full window. */
export function movingAverage(x: ArrayLike<number>, p: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (p < 2 || n < p + 1) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i]!;
    out.fill(n ? s / n : 0);
    return out;
  }
  const c = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) c[i + 1] = c[i]! + x[i]!;
  const even = p % 2 === 0;
  const half = Math.floor(p / 2);
  const lo = half;
  const hi = n - 1 - half;
  for (let i = lo; i <= hi; i++) {
    if (even) {
      // 2 x p MA: mean of the two p-windows around i.
      const a = (c[i + half]! - c[i - half]!) / p;
      const b = (c[i + half + 1]! - c[i - half + 1]!) / p;
      out[i] = (a + b) / 2;
    } else out[i] = (c[i + half + 1]! - c[i - half]!) / p;
  }
  for (let i = 0; i < lo; i++) out[i] = out[lo]!;
  for (let i = hi + 1; i < n; i++) out[i] = out[hi]!;
  return out;
}

/** Per-phase means of x - MA_p(x) over the last `cycles` cycles, centred to mean zero. */
function phaseMeans(x: Float64Array, p: number, cycles: number, offset: number, ma?: Float64Array): Float64Array {
  const n = x.length;
  const sum = new Float64Array(p);
  const cnt = new Float64Array(p);
  const from = Math.max(0, n - cycles * p);
  // The moving average is needed over the used cycles only (plus one season before them for its window).
  const start = ma ? 0 : Math.max(0, from - p);
  const m = ma ?? movingAverage(x.subarray(start), p);
  for (let i = from; i < n; i++) {
    const k = (i + offset) % p;
    sum[k]! += x[i]! - m[i - start]!;
    cnt[k]!++;
  }
  let mean = 0;
  for (let k = 0; k < p; k++) {
    sum[k] = cnt[k]! ? sum[k]! / cnt[k]! : 0;
    mean += sum[k]!;
  }
  mean /= p;
  for (let k = 0; k < p; k++) sum[k]! -= mean;
  return sum;
}

/**
 * Components for the given seasons (ascending) on `y`, whose first point sits at absolute position
 * `offset` (so components line up with positions past the end of y).
 */
export function decompose(y: ArrayLike<number>, periods: number[], o: { offset?: number; maxCycles?: number } = {}): SeasonComponent[] {
  const offset = o.offset ?? 0;
  const n = y.length;
  const comps: SeasonComponent[] = periods.map((p) => ({ period: p, values: new Float64Array(p) }));
  if (!comps.length) return comps;
  const x = new Float64Array(n);
  const passes = comps.length > 1 ? 2 : 1;
  for (let pass = 0; pass < passes; pass++) {
    for (let k = 0; k < comps.length; k++) {
      for (let i = 0; i < n; i++) {
        let v = y[i]!;
        for (let j = 0; j < comps.length; j++) if (j !== k) v -= comps[j]!.values[(i + offset) % comps[j]!.period]!;
        x[i] = v;
      }
      const p = comps[k]!.period;
      comps[k]!.values = phaseMeans(x, p, Math.min(Math.floor(n / p), o.maxCycles ?? 8), offset);
    }
  }
  return comps;
}

/** Sum of the components at absolute position i. */
export function seasonalAt(comps: SeasonComponent[], i: number): number {
  let s = 0;
  for (const c of comps) s += c.values[i % c.period]!;
  return s;
}

function residualVariance(x: Float64Array, p: number, comp: Float64Array | null, ma: Float64Array): number {
  let s = 0;
  let s2 = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const r = x[i]! - ma[i]! - (comp ? comp[i % p]! : 0);
    s += r;
    s2 += r * r;
  }
  return Math.max(0, s2 / n - (s / n) ** 2);
}

export interface SeasonSearch {
  periods: number[];
  notes: string[];
}

/**
 * Seasons of `y`, ascending. `hint` (a user's season) is always a candidate and is kept with a lower bar;
 * `season: 0` is handled by the caller (no season at all).
 */
export function findSeasons(y: Float64Array, o: { stepSeconds?: number; hint?: number; maxPeriod?: number } = {}): SeasonSearch {
  const n = y.length;
  const notes: string[] = [];
  const step = o.stepSeconds ?? 0;
  const cands = new Set<number>();
  const round = (sec: number): number => {
    const c = sec / step;
    return c >= 2 && Math.abs(c - Math.round(c)) < 0.01 ? Math.round(c) : 0;
  };
  if (step > 0) for (const sec of [3600, 86_400, 604_800]) if (round(sec)) cands.add(round(sec));
  const hint = o.hint && o.hint >= 2 ? Math.round(o.hint) : 0;
  if (hint) cands.add(hint);
  const maxP = o.maxPeriod ?? Infinity;
  const kept: number[] = [];
  let comps: SeasonComponent[] = [];
  const tried = new Set<number>();
  const usable = (p: number): boolean => p >= 2 && p <= maxP && n >= 2 * p && !tried.has(p);
  const queue = [...cands].filter(usable).sort((a, b) => a - b);
  // The free autocorrelation search (the costly part) runs only when no calendar season or hint held.
  let searched = false;
  while (queue.length || !searched) {
    if (!queue.length) {
      searched = true;
      if (kept.length) break;
      const tail = n > 4032 ? y.subarray(n - 4032) : y;
      const snap = step > 0 ? [60, 300, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400, 604_800].map(round).filter((c) => c > 0) : [];
      const free = detectPeriod(tail, { search: true, snap, maxLag: Math.min(1500, tail.length >> 1) });
      if (free && usable(free.period)) queue.push(free.period);
      continue;
    }
    const p = queue.shift()!;
    tried.add(p);
    // Remaining series: y minus the seasons kept so far.
    let x = y;
    if (comps.length) {
      x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = y[i]! - seasonalAt(comps, i);
    }
    const cycles = Math.min(Math.floor(n / p), 8);
    // One moving average of the last `cycles` cycles serves the component and both variances.
    const from = n - cycles * p;
    const tail = x.subarray(from);
    const ma = movingAverage(tail, p);
    const comp = phaseMeans(tail, p, cycles, from % p, ma);
    const v0 = residualVariance(tail, p, null, ma);
    const v1 = residualVariance(tail, p, rotate(comp, from % p), ma);
    const explained = v0 > 0 ? 1 - v1 / v0 : 0;
    // Pure noise: phase means over c cycles explain about 1/c of the variance.
    const bar = p === hint ? Math.max(0.05, 1.2 / cycles) : Math.max(0.12, 1.6 / cycles);
    if (explained >= bar) {
      kept.push(p);
      comps = decompose(y, kept);
      notes.push(`season ${p} steps (explains ${(100 * explained).toFixed(0)}% of what remains)`);
    } else if (p === hint) notes.push(`season hint ${p} steps: weak in the data (explains ${(100 * Math.max(0, explained)).toFixed(0)}%), searched beside it`);
  }
  return { periods: kept, notes };
}

/** comp indexed by absolute position -> indexed by position within a window starting at `shift`. */
function rotate(comp: Float64Array, shift: number): Float64Array {
  const p = comp.length;
  const out = new Float64Array(p);
  for (let k = 0; k < p; k++) out[k] = comp[(k + shift) % p]!;
  return out;
}
