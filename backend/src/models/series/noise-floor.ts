// The data's resolution floor, shared by the online anomaly detector and the batch root-cause model.
// One idea in both: a deviation is never judged against a scale finer than what the data can show, i.e. the
// larger of (a) the quantum, the smallest non-zero step between values (counts, rounded exports), and
// (b) the typical size of a sample-to-sample difference (noise the level-based spread misses).
// The detector keeps the two as running state (updated per sample, below); the batch form computes them
// from a whole baseline. Pure functions of numbers; no absolute constant touches the values, so both stay
// scale invariant.

/** The floor itself: the larger of the quantum and the typical neighbour difference. */
export function resolutionFloor(quantum: number, typicalDiff: number): number {
  return quantum > typicalDiff ? quantum : typicalDiff;
}

/** Online quantum: the smallest non-zero |difference| seen so far (`d` is the new |difference|; 0 = none yet). */
export function nextQuantum(quantum: number, d: number): number {
  return d > 0 && (quantum === 0 || d < quantum) ? d : quantum;
}

/** Relative difference below which two data-scaled quantities count as equal. */
const TIE = 1e-9;

/**
 * Online typical |difference|: a running median by multiplicative steps (up 5% when the new difference is
 * larger, down 4.76% when smaller), started at the first non-zero difference. Equal within rounding counts
 * as equal: on quantised data d often equals the median exactly, and the same series times 3.7 must not
 * tip the other way (scale invariance).
 */
export function nextTypicalDiff(typical: number, d: number): number {
  if (typical === 0) return d > 0 ? d : 0;
  return typical * (d > typical * (1 + TIE) ? 1.05 : d < typical * (1 - TIE) ? 0.9524 : 1);
}

export interface BatchResolution {
  /**
   * Smallest non-zero step between distinct values; 0 with fewer than 3 distinct values (100 and a single
   * 80 say nothing about the quantum; 0, 1, 2 errors do).
   */
  quantum: number;
  /** Sample-to-sample noise: 1.4826 × the median |difference| between neighbours / √2 (a σ estimate). */
  typicalDiff: number;
  floor: number;
}

/**
 * Batch form over a baseline: `sorted` is the values in ascending order; `values`/`times` in time order;
 * neighbours further apart than `maxGap` (a gap in the data) are not differenced.
 */
export function batchResolution(sorted: ArrayLike<number>, values: ArrayLike<number>, times: ArrayLike<number>, maxGap: number): BatchResolution {
  let quantum = 0;
  let distinct = 1;
  const n = sorted.length;
  const tiny = n ? 1e-9 * Math.max(Math.abs(sorted[0]!), Math.abs(sorted[n - 1]!)) : 0;
  for (let i = 1; i < n; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d <= tiny) continue;
    distinct++;
    if (quantum === 0 || d < quantum) quantum = d;
  }
  if (distinct < 3) quantum = 0;
  const diffs: number[] = [];
  for (let i = 1; i < values.length; i++) if (times[i]! - times[i - 1]! <= maxGap) diffs.push(Math.abs(values[i]! - values[i - 1]!));
  const typicalDiff = diffs.length ? (1.4826 * medianOf(diffs)) / Math.SQRT2 : 0;
  return { quantum, typicalDiff, floor: resolutionFloor(quantum, typicalDiff) };
}

function medianOf(xs: number[]): number {
  const s = Float64Array.from(xs).sort();
  const pos = (s.length - 1) / 2;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
}
