// Noise scale of a baseline that respects how real metrics look: quantised (counts, 5-minute averages of
// few requests), flat for hours, zero-heavy. The resolution floor is models/series/noise-floor.ts, shared
// with the anomaly detector.
import { quantile, sortedCopy } from './robust-stats.js';
import { batchResolution } from '../../models/series/noise-floor.js';

export interface Noise {
  median: number;
  /** Widest of the robust spread estimates and the sample-to-sample noise (0 for a constant baseline). */
  scale: number;
  /** Smallest non-zero step between distinct values: the data's resolution (0 with fewer than 3 distinct values). */
  resolution: number;
  /** 1.4826 × the median absolute deviation alone: the estimate least moved by a past incident in the baseline. */
  mad: number;
  /** Sample-to-sample noise alone. */
  diff: number;
}

export function noiseScale(values: number[], times: number[], step: number): Noise {
  const s = sortedCopy(values);
  const median = quantile(s, 0.5);
  const dev = sortedCopy(s.map((x) => Math.abs(x - median)));
  // For normal data these estimate the same σ; for quantised data (0, 1, 2 errors per window) the MAD
  // collapses to 0 while the central 90% still shows the spread: take the widest. The central 80% keeps a
  // level the clean baseline sits at a tenth of the time or more from scoring as an alarm (z ≤ 2.56) when
  // it is too rare to widen the quartiles.
  const spread = s.length
    ? Math.max(
        1.4826 * quantile(dev, 0.5),
        (quantile(s, 0.75) - quantile(s, 0.25)) / 1.349,
        (quantile(s, 0.9) - quantile(s, 0.1)) / 2.563,
        (quantile(s, 0.95) - quantile(s, 0.05)) / 3.29,
      )
    : 0;
  // The data's resolution (quantum) and sample-to-sample noise: the same floor the anomaly detector keeps online.
  const res = batchResolution(s, values, times, 3 * step);
  const diffNoise = res.typicalDiff;
  const resolution = res.quantum;
  return { median, scale: Math.max(spread, diffNoise), resolution, mad: s.length ? 1.4826 * quantile(dev, 0.5) : 0, diff: diffNoise };
}
