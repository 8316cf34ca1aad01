// Threshold rules users run today, as flaggers for the anomaly eval. Each gets the timestamps, the
// values (NaN = missing) and the index from which points are scored (the points before are history
// every method may learn from). All windows are in time (the series' median step), not fixed points.
export type Flagger = (ts: Float64Array, values: Float64Array, scoredFrom: number) => Uint8Array;

export function stepOf(ts: Float64Array): number {
  const d: number[] = [];
  for (let i = 1; i < Math.min(ts.length, 200); i++) d.push(ts[i]! - ts[i - 1]!);
  d.sort((a, b) => a - b);
  return d.length ? d[d.length >> 1]! : 60;
}

/** Static z-score: mean / sd of the history before `scoredFrom`, flag |z| >= 3. */
export const staticZ: Flagger = (_ts, values, from) => {
  let m = 0;
  let c = 0;
  for (let i = 0; i < from; i++) if (Number.isFinite(values[i])) { m += values[i]!; c++; }
  m /= Math.max(1, c);
  let v = 0;
  for (let i = 0; i < from; i++) if (Number.isFinite(values[i])) v += (values[i]! - m) ** 2;
  const sd = Math.sqrt(v / Math.max(1, c - 1));
  return Uint8Array.from(values, (x, i) => (i >= from && Number.isFinite(x) && Math.abs(x - m) >= 3 * sd && Math.abs(x - m) > 0 ? 1 : 0));
};

/**
 * Mean and sd over the trailing `w` points (PromQL `avg_over_time` / `stddev_over_time`, missing points
 * skipped), handed to `flag` for each finite point from `start` on; the flags it returns.
 */
function rollingFlags(values: Float64Array, w: number, start: number, flag: (i: number, mean: number, sd: number) => boolean): Uint8Array {
  const flags = new Uint8Array(values.length);
  let s = 0;
  let s2 = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isFinite(x)) { s += x; s2 += x * x; c++; }
    if (i >= w && Number.isFinite(values[i - w])) { s -= values[i - w]!; s2 -= values[i - w]! ** 2; c--; }
    if (i < start || !Number.isFinite(x) || c < 2) continue;
    const mean = s / c;
    flags[i] = flag(i, mean, Math.sqrt(Math.max(0, s2 / c - mean * mean))) ? 1 : 0;
  }
  return flags;
}

/** Rolling 3-sigma, PromQL `abs(x - avg_over_time(x[1d])) > 3 * stddev_over_time(x[1d])`. */
export const rolling3Sigma: Flagger = (ts, values) => {
  const w = Math.max(2, Math.round(86_400 / stepOf(ts)));
  return rollingFlags(values, w, w, (i, mean, sd) => Math.abs(values[i]! - mean) > 3 * sd);
};

/** Seasonal z-score: `abs(x - x offset P) > 3 * stddev_over_time(x[1d])` for P = one day or one week. */
export function seasonalZ(periodSeconds: number): Flagger {
  return (ts, values) => {
    const step = stepOf(ts);
    const lag = Math.round(periodSeconds / step);
    const w = Math.max(2, Math.round(86_400 / step));
    return rollingFlags(values, w, Math.max(lag, w), (i, _mean, sd) => Number.isFinite(values[i - lag]) && Math.abs(values[i]! - values[i - lag]!) > 3 * sd);
  };
}
