// Several seasons at once (MSTL-style, simplified for speed): each season's component is the per-phase
// mean of the series minus the other seasons' components and minus a centred moving average one season
// long, over the most recent cycles; two passes let the components settle against each other.
// Seasons are found from the data: candidates are the round calendar periods at the series' step
// (hour, day, week), a free autocorrelation search, and the user's hint; a candidate is kept when its
// component explains clearly more of the remaining variance than noise would (phase means over c
// cycles explain about 1/c of pure noise), so hourly data with a weekday/weekend shape keeps both 24
// and 168, and a user's `--season 24` adds to the search instead of replacing it.
import { detectPeriod } from '../series/seasonality.js';
import { symmetricEigen } from '../series/sym-eigen.js';
import { scratchF64 } from '../series/scratch.js';

/** Phase index of absolute position i for a component of length p: i mod p (positions are absolute). */
export interface SeasonComponent {
  period: number;
  /** values[i % period] is the component at absolute position i (mean zero). */
  values: Float64Array;
  /** A lone season denoised as a low-rank matrix: its estimate carries little of the noise of its cycles. */
  denoisedAlone: boolean;
}

/** Points a candidate season is tested on, at least (see findSeasons). */
const TEST_POINTS = 576;

let prefix = new Float64Array(4096);

let maBuffer = new Float64Array(4096);

/** A scratch buffer for a moving average that is used and dropped before the next one is taken. */
function maScratch(n: number): Float64Array {
  if (maBuffer.length < n) maBuffer = new Float64Array(Math.max(n, 2 * maBuffer.length));
  return maBuffer;
}

/**
 * Centred moving average of length p (2 x p for even p), ends held at the nearest full window. Written
 * into `into` when given (long enough; the callers here pass a scratch buffer: a fresh array each time
 * was a fifth of the bytes a forecast allocated), else into a new array.
 */
export function movingAverage(x: ArrayLike<number>, p: number, into?: Float64Array): Float64Array {
  const n = x.length;
  const out = into && into.length >= n ? into.subarray(0, n) : new Float64Array(n);
  if (p < 2 || n < p + 1) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i]!;
    out.fill(n ? s / n : 0);
    return out;
  }
  // Prefix sums in a scratch buffer reused across calls (this runs several times per series).
  if (prefix.length < n + 1) prefix = new Float64Array(Math.max(n + 1, 2 * prefix.length));
  const c = prefix;
  c[0] = 0;
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
  const sum = scratchF64(p);
  const cnt = scratchF64(p);
  const from = Math.max(0, n - cycles * p);
  // The moving average is needed over the used cycles only (plus one season before them for its window).
  const start = ma ? 0 : Math.max(0, from - p);
  const m = ma ?? movingAverage(x.subarray(start), p, maScratch(n - start));
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
export function decompose(y: ArrayLike<number>, periods: number[], o: { offset?: number; maxCycles?: number; denoise?: boolean } = {}): SeasonComponent[] {
  const offset = o.offset ?? 0;
  const n = y.length;
  // A loop and every field from the start, not map() and a field added later: arrays and objects of
  // one shape keep V8 from deoptimising their users (--trace-deopt).
  const comps: SeasonComponent[] = [];
  for (const p of periods) comps.push({ period: p, values: scratchF64(p), denoisedAlone: false });
  if (!comps.length) return comps;
  const x = scratchF64(n);
  const passes = comps.length > 1 ? 2 : 1;
  const maxCycles = o.maxCycles ?? 8;
  const longest = periods[periods.length - 1]!;
  // A season nested in a longer one (24 in 168) is estimated over the same span as the longer one: it
  // then holds everything the cycles share, and the longer one only how they differ.
  const nested = (p: number): boolean => p < longest && longest % p === 0 && longest / p <= MAX_ROWS;
  const denoise = o.denoise ?? true;
  for (let pass = 0; pass < passes; pass++) {
    for (let k = 0; k < comps.length; k++) {
      for (let i = 0; i < n; i++) {
        let v = y[i]!;
        for (let j = 0; j < comps.length; j++) if (j !== k) v -= comps[j]!.values[(i + offset) % comps[j]!.period]!;
        x[i] = v;
      }
      const p = comps[k]!.period;
      const span = denoise && nested(p) ? maxCycles * (longest / p) : maxCycles;
      comps[k]!.values = phaseMeans(x, p, Math.min(Math.floor(n / p), span), offset);
    }
  }
  if (denoise) {
    // A lone season is laid out over a divisor near its square root (288 = 18 x 16): a shape of a few
    // harmonics is low-rank there too.
    // (eval forecast: synthetic 1 h MSIS 3.52 -> 3.38, demo 1 d 4.80 -> 4.68; PetShop, whose histories
    // are mostly too short for a season, 1 h 4.95 -> 4.98 and 1 d 7.92 -> 7.88.)
    const nestedIn = periods.find((p) => nested(p));
    const short = nestedIn ?? (comps.length === 1 ? squareDivisor(longest) : 0);
    if (short) {
      const last = comps[comps.length - 1]!;
      const cycles = Math.min(Math.floor(n / longest), maxCycles);
      const v = lowRank(last.values, short, Math.sqrt(residualVar(y, comps, cycles * longest, offset) / cycles));
      if (!nestedIn && v !== last.values) last.denoisedAlone = true;
      last.values = v;
    }
  }
  return comps;
}

/** The largest divisor of p up to its square root (0 when p is prime or too short to split). */
function squareDivisor(p: number): number {
  let best = 0;
  for (let q = 2; q * q <= p; q++) if (p % q === 0) best = q;
  return best >= 3 ? best : 0;
}

/** A long season is split into at most this many cycles of a shorter one for low-rank denoising. */
const MAX_ROWS = 64;

/** Variance of y minus its seasons and a moving average (one longest season), over the last `span` points. */
function residualVar(y: ArrayLike<number>, comps: SeasonComponent[], span: number, offset: number): number {
  const n = y.length;
  const from = Math.max(0, n - span);
  const x = scratchF64(n - from);
  for (let i = from; i < n; i++) {
    let v = y[i]!;
    for (const c of comps) v -= c.values[(i + offset) % c.period]!;
    x[i - from] = v;
  }
  const ma = movingAverage(x, comps[comps.length - 1]!.period, maScratch(x.length));
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const r = x[i]! - ma[i]!;
    s += r;
    s2 += r * r;
  }
  return x.length ? Math.max(0, s2 / x.length - (s / x.length) ** 2) : 0;
}

/**
 * Low-rank denoising of a long season's component (what its cycles of a shorter season do not share):
 * laid out as a matrix of rows = consecutive short cycles (e.g. 7 days x 24 hours), it keeps only the
 * singular directions above the noise of per-phase means (Gavish & Donoho's hard threshold for a known
 * noise level `noiseSd`). Weekday/weekend shapes are a few such directions; the rest is estimation noise
 * that would otherwise be forecast every week.
 */
export function lowRank(values: Float64Array, q: number, noiseSd: number): Float64Array {
  const p = values.length;
  const R = p / q;
  if (!(R >= 2) || !(noiseSd > 0)) return values;
  // Row a holds phases [a q, (a + 1) q) of the long season: since q divides it, column c is phase c of
  // the short season in every row. The eigenvectors are taken of the smaller Gram matrix (A A^T when
  // R <= q, else A^T A): the same singular values, at (min(R, q))^3 cost. M is A or A^T laid out densely
  // as s x t, s the smaller side.
  const byRows = R <= q;
  const s = byRows ? R : q;
  const t = byRows ? q : R;
  const M = scratchF64(s * t);
  for (let a = 0; a < R; a++) {
    for (let c = 0; c < q; c++) {
      if (byRows) M[a * t + c] = values[a * q + c]!;
      else M[c * t + a] = values[a * q + c]!;
    }
  }
  const G = scratchF64(s * s);
  for (let a = 0; a < s; a++) {
    for (let b = a; b < s; b++) {
      let sum = 0;
      for (let c = 0; c < t; c++) sum += M[a * t + c]! * M[b * t + c]!;
      G[a * s + b] = sum;
      G[b * s + a] = sum;
    }
  }
  const { vals, vecs } = symmetricEigen(G, s);
  const beta = s / t;
  const lambda = Math.sqrt(2 * (beta + 1) + (8 * beta) / (beta + 1 + Math.sqrt(beta * beta + 14 * beta + 1)));
  const tau = lambda * Math.sqrt(t) * noiseSd;
  const keep: number[] = [];
  for (let i = 0; i < s; i++) if (Math.sqrt(Math.max(0, vals[i]!)) > tau) keep.push(i);
  if (keep.length === s) return values;
  // Projection onto the kept singular vectors of the small side: U_k U_k^T M, back in the season's layout.
  const P = scratchF64(s * t);
  const proj = scratchF64(t);
  for (const i of keep) {
    proj.fill(0);
    for (let a = 0; a < s; a++) {
      const u = vecs[a * s + i]!;
      for (let c = 0; c < t; c++) proj[c]! += u * M[a * t + c]!;
    }
    for (let a = 0; a < s; a++) {
      const u = vecs[a * s + i]!;
      for (let c = 0; c < t; c++) P[a * t + c]! += u * proj[c]!;
    }
  }
  const out = scratchF64(p);
  for (let a = 0; a < R; a++) {
    for (let c = 0; c < q; c++) out[a * q + c] = byRows ? P[a * t + c]! : P[c * t + a]!;
  }
  let mean = 0;
  for (let k = 0; k < p; k++) mean += out[k]!;
  mean /= p;
  for (let k = 0; k < p; k++) out[k]! -= mean;
  return out;
}

/** Sum of the components at absolute position i. */
export function seasonalAt(comps: SeasonComponent[], i: number): number {
  let s = 0;
  for (const c of comps) s += c.values[i % c.period]!;
  return s;
}

/** The seasonal sum at positions [0, len), computed once for callers that read it at every position. */
export function seasonalSum(comps: SeasonComponent[], len: number): Float64Array {
  const out = scratchF64(len);
  for (const c of comps) {
    const p = c.period;
    const v = c.values;
    for (let i = 0, k = 0; i < len; i++) {
      out[i]! += v[k]!;
      if (++k === p) k = 0;
    }
  }
  return out;
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
  // Components of the kept seasons, recomputed only when another candidate needs them (after the last
  // candidate they would be thrown away).
  let stale = false;
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
    if (stale) {
      // The search only needs what the kept seasons explain: no denoising here (it costs more than it changes).
      comps = decompose(y, kept, { denoise: false });
      stale = false;
    }
    // Remaining series: y minus the seasons kept so far.
    let x = y;
    if (comps.length) {
      const S = seasonalSum(comps, n);
      x = scratchF64(n);
      for (let i = 0; i < n; i++) x[i] = y[i]! - S[i]!;
    }
    // The last 8 cycles, or as many as make TEST_POINTS. 8 cycles of a short period are few points (96 of
    // 12-step hours at 5 minutes), and the share that noise explains scatters widely there: 8 of 100
    // Gaussian noise series kept an hourly season, and one of 15% of the variance was missed in 21 of
    // 100; now 0 and 2 (unit test). A cycle whose phase drifts can pass over 8 cycles and fail over
    // more: the level+ar(p) member follows those. Eval: spurious seasons gone from 3 of 40 synthetic
    // series, whose truth has none; PetShop 1 h MSIS 4.897 -> 4.775, 1 d 7.884 -> 7.915 (MASE 0.982 ->
    // 0.995, with large swings both ways between series); synthetic 1 h 3.385 -> 3.402 (those 3
    // series' bands widened).
    const cycles = Math.min(Math.floor(n / p), Math.max(8, Math.ceil(TEST_POINTS / p)));
    // One moving average of the last `cycles` cycles serves the component and both variances.
    const from = n - cycles * p;
    const tail = x.subarray(from);
    const ma = movingAverage(tail, p, maScratch(tail.length));
    const comp = phaseMeans(tail, p, cycles, from % p, ma);
    const v0 = residualVariance(tail, p, null, ma);
    const v1 = residualVariance(tail, p, rotate(comp, from % p), ma);
    const explained = v0 > 0 ? 1 - v1 / v0 : 0;
    // Pure noise: phase means over c cycles explain about 1/c of the variance.
    const bar = p === hint ? Math.max(0.05, 1.2 / cycles) : Math.max(0.12, 1.6 / cycles);
    if (explained >= bar) {
      kept.push(p);
      stale = true;
      notes.push(`season ${p} steps (explains ${(100 * explained).toFixed(0)}% of what remains)`);
    } else if (p === hint) notes.push(`season hint ${p} steps: weak in the data (explains ${(100 * Math.max(0, explained)).toFixed(0)}%), searched beside it`);
  }
  return { periods: kept, notes };
}

/** comp indexed by absolute position -> indexed by position within a window starting at `shift`. */
function rotate(comp: Float64Array, shift: number): Float64Array {
  const p = comp.length;
  const out = scratchF64(p);
  for (let k = 0; k < p; k++) out[k] = comp[(k + shift) % p]!;
  return out;
}
