// Small order statistics used by the RCA model and its baselines (no dependencies, plain arrays).

export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Ascending copy; a typed array sorts numerically without a comparator callback (several times faster). */
export function sortedCopy(xs: ArrayLike<number>): Float64Array {
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = xs[i]!;
  return out.sort();
}

export function median(xs: ArrayLike<number>): number {
  return quantile(sortedCopy(xs), 0.5);
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

export function std(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / Math.max(1, xs.length - 1));
}

/**
 * Robust location/scale of a baseline: the median, and the widest of three outlier-resistant σ estimates,
 * floored relative to the series' magnitude so flat baselines (error ratio 0, up 1) still give finite z.
 */
export function robustBaseline(xs: ArrayLike<number>, magnitude: number, flatFloor = 0): { median: number; scale: number } {
  const s = sortedCopy(xs);
  const med = quantile(s, 0.5);
  const dev = sortedCopy(s.map((x) => Math.abs(x - med)));
  // For normal data these three estimate the same σ; for quantised data (error counts of 0, 1, 2 per
  // window) the MAD collapses to ~0 while the central 90% still shows the real spread: take the widest.
  const scale = Math.max(
    1.4826 * quantile(dev, 0.5),
    (quantile(s, 0.75) - quantile(s, 0.25)) / 1.349,
    (quantile(s, 0.95) - quantile(s, 0.05)) / 3.29,
  );
  // Floor: 1% of the typical level, or 0.1% of the largest value seen, so a constant series is not infinitely sensitive.
  const floor = Math.max(0.01 * Math.abs(med), 1e-3 * magnitude, 1e-9);
  // A perfectly flat baseline says nothing about noise: then the caller's floor (from peers) applies too.
  return { median: med, scale: Math.max(scale, floor, scale > 0 ? 0 : flatFloor) };
}

/**
 * Theil–Sen line through (t, v): the median of pairwise slopes, robust to outliers in the baseline.
 * Subsamples to at most `maxPoints` so long baselines stay cheap (O(maxPoints²)).
 */
export function theilSen(t: ArrayLike<number>, v: ArrayLike<number>, maxPoints = 120): { slope: number; intercept: number } {
  const n = t.length;
  const stride = Math.max(1, Math.ceil(n / maxPoints));
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < n; i += stride) {
    ts.push(t[i]!);
    vs.push(v[i]!);
  }
  const slopes: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    for (let j = i + 1; j < ts.length; j++) if (ts[j]! !== ts[i]!) slopes.push((vs[j]! - vs[i]!) / (ts[j]! - ts[i]!));
  }
  const slope = slopes.length ? median(slopes) : 0;
  const intercept = median(Array.from({ length: n }, (_, i) => v[i]! - slope * t[i]!));
  return { slope, intercept };
}
