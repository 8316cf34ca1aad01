// Small numeric helpers shared by the models. All skip nothing: callers pass finite numbers only.
import { scratchF64 } from './scratch.js';

/** Median of the first `n` values (copies, so the input is left untouched). */
export function median(xs: ArrayLike<number>, n = xs.length): number {
  if (n === 0) return 0;
  const a = scratchF64(n);
  for (let i = 0; i < n; i++) a[i] = xs[i]!;
  return medianInPlace(a, n);
}

/**
 * Median of a[0, n) by selection, reordering a: the value quantileSorted(sorted, 0.5) gives, without
 * the sort (a forecast's season search took two medians of 2,016 values a series: 4% of a batch).
 */
function medianInPlace(a: Float64Array, n: number): number {
  if (n === 0) return 0;
  const lo = (n - 1) >> 1;
  const v = select(a, n, lo);
  if (n & 1) return v;
  let hi = Infinity; // the next value up: the smallest of the part select left above lo
  for (let i = lo + 1; i < n; i++) if (a[i]! < hi) hi = a[i]!;
  return v + (hi - v) * 0.5;
}

/**
 * k-th smallest of a[from, len) (0-based), in place (quickselect, median-of-three pivot, three-way
 * partition). Leaves a partitioned around k (a[i] <= a[k] for i < k, >= for i > k), so a later select
 * of a rank >= k may start at `from` = k.
 */
export function select(a: Float64Array, len: number, k: number, from = 0): number {
  let lo = from;
  let hi = len - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    // Branch-free partition (every element swapped, the boundary moved by the comparison's 0 or 1):
    // on noisy values half the branches of a Hoare partition were mispredicted (48 values: 850 -> 400
    // ns), and the median member selects at every validation origin.
    let s = lo; // [lo, s) < pivot
    for (let i = lo; i <= hi; i++) {
      const v = a[i]!;
      a[i] = a[s]!;
      a[s] = v;
      s += +(v < pivot); // (+true = 1: no branch)
    }
    if (k < s) {
      hi = s - 1;
      continue;
    }
    let e = s; // [s, e) === pivot, (e, hi] > pivot
    for (let i = s; i <= hi; i++) {
      const v = a[i]!;
      a[i] = a[e]!;
      a[e] = v;
      e += +(v === pivot);
    }
    if (k < e) return pivot;
    lo = e;
  }
  return a[k]!;
}

/** Linear-interpolated quantile of an ascending-sorted array (type 7, as R and numpy default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Median absolute deviation scaled by 1.4826 so it estimates sigma for Gaussian data. */
export function mad(xs: ArrayLike<number>, center = median(xs)): number {
  const n = xs.length;
  const d = scratchF64(n);
  for (let i = 0; i < n; i++) d[i] = Math.abs(xs[i]! - center);
  return 1.4826 * medianInPlace(d, n);
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length ? s / xs.length : 0;
}

export function stddev(xs: ArrayLike<number>, m = mean(xs)): number {
  if (xs.length < 2) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Standard normal upper-tail probability P(Z > z), Abramowitz-Stegun 26.2.17 (|error| < 7.5e-8). */
export function normalTail(z: number): number {
  if (z < 0) return 1 - normalTail(-z);
  const t = 1 / (1 + 0.2316419 * z);
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return Math.exp(-0.5 * z * z) * 0.3989422804014327 * poly;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Theil-Sen robust line through (x, y): median pairwise slope. Pairs are subsampled past `maxPoints`. */
export function theilSen(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints = 200): { slope: number; intercept: number } {
  const n = x.length;
  if (n === 0) return { slope: 0, intercept: 0 };
  if (n === 1) return { slope: 0, intercept: y[0]! };
  // Evenly spaced subsample keeps the O(n²) pair count bounded (200 points → ~20k pairs).
  const stride = Math.max(1, Math.ceil(n / maxPoints));
  const idx: number[] = [];
  for (let i = 0; i < n; i += stride) idx.push(i);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  const slopes: number[] = [];
  for (let a = 0; a < idx.length; a++) {
    for (let b = a + 1; b < idx.length; b++) {
      const dx = x[idx[b]!]! - x[idx[a]!]!;
      if (dx !== 0) slopes.push((y[idx[b]!]! - y[idx[a]!]!) / dx);
    }
  }
  const slope = slopes.length ? median(slopes) : 0;
  const resid = Float64Array.from({ length: n }, (_, i) => y[i]! - slope * x[i]!);
  return { slope, intercept: median(resid) };
}
