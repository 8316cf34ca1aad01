// Noise scale of a baseline that respects how real metrics look: quantised (counts, 5-minute averages of
// few requests), flat for hours, zero-heavy. (The anomaly detector has similar helpers in models/series;
// kept local so the RCA model stays self-contained until they are unified.)
import { quantile, sortedCopy } from './robust-stats.js';

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
  // collapses to 0 while the central 90% still shows the spread: take the widest.
  const spread = s.length
    ? Math.max(1.4826 * quantile(dev, 0.5), (quantile(s, 0.75) - quantile(s, 0.25)) / 1.349, (quantile(s, 0.95) - quantile(s, 0.05)) / 3.29)
    : 0;
  // Sample-to-sample noise (MAD of differences between neighbours), blind to slow trends and level shifts.
  const diffs: number[] = [];
  for (let i = 1; i < values.length; i++) if (times[i]! - times[i - 1]! <= 3 * step) diffs.push(Math.abs(values[i]! - values[i - 1]!));
  const diffNoise = diffs.length ? (1.4826 * quantile(sortedCopy(diffs), 0.5)) / Math.SQRT2 : 0;
  // Two distinct values (100 and one 80) say nothing about the quantum; three or more (0, 1, 2 errors) do.
  let resolution = 0;
  let distinct = 1;
  const tiny = 1e-9 * Math.max(Math.abs(s[0] ?? 0), Math.abs(s[s.length - 1] ?? 0));
  for (let i = 1; i < s.length; i++) {
    const d = s[i]! - s[i - 1]!;
    if (d <= tiny) continue;
    distinct++;
    if (resolution === 0 || d < resolution) resolution = d;
  }
  if (distinct < 3) resolution = 0;
  return { median, scale: Math.max(spread, diffNoise), resolution, mad: s.length ? 1.4826 * quantile(dev, 0.5) : 0, diff: diffNoise };
}
