// "Same time yesterday" as an alternative baseline: when the data reaches back a day, the incident window is
// compared with the same window one day earlier (plus today's level offset). It is offered only when
// yesterday's window is there and yesterday predicts today's last stretch before the window about as well as
// the present baseline does (not an incident yesterday); the caller then keeps whichever baseline finds the
// smaller change (robust: a real fault is abnormal against both, a daily pattern, such as a nightly batch
// or the morning ramp, only against the recent stretch).
import { quantile, sortedCopy } from './robust-stats.js';

export interface Alternative {
  expected: (t: number) => number;
  /** Robust scale of today's residuals against yesterday over the comparison stretch. */
  scale: number;
}

/** Index of the sample nearest to t within `tol`, or -1 (timestamps ascending). */
function nearest(ts: ArrayLike<number>, t: number, tol: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (ts[m]! < t) lo = m + 1;
    else hi = m;
  }
  let best = -1;
  let bd = Infinity;
  for (const k of [lo - 1, lo]) {
    if (k < 0 || k >= ts.length) continue;
    const d = Math.abs(ts[k]! - t);
    if (d <= tol && d < bd) (best = k), (bd = d);
  }
  return best;
}

const robustScale = (xs: number[]) => {
  const s = sortedCopy(xs);
  const m = quantile(s, 0.5);
  return { centre: m, scale: 1.4826 * quantile(sortedCopy(xs.map((x) => Math.abs(x - m))), 0.5) };
};

/**
 * The yesterday baseline for one series, or undefined when yesterday's data does not cover the comparison
 * stretch and the analysis window (80% of their samples), or fits the comparison stretch clearly worse than
 * the present baseline (whose residuals there are `compare.residual`).
 */
export function sameTimeYesterday(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  compare: { t: number[]; v: number[]; residual: number[] },
  window: number[],
  day: number,
  step: number,
  minPoints: number,
): Alternative | undefined {
  const tol = step / 2;
  const past = (t: number) => {
    const k = nearest(ts, t - day, tol);
    return k >= 0 && Number.isFinite(vs[k]!) ? vs[k]! : undefined;
  };
  const diff: number[] = [];
  const own: number[] = [];
  for (let i = 0; i < compare.t.length; i++) {
    const y = past(compare.t[i]!);
    if (y === undefined) continue;
    diff.push(compare.v[i]! - y);
    own.push(compare.residual[i]!);
  }
  if (diff.length < minPoints || diff.length < 0.8 * compare.t.length) return undefined;
  let covered = 0;
  for (const t of window) if (past(t) !== undefined) covered++;
  if (covered < 0.8 * window.length) return undefined;
  const y = robustScale(diff);
  const c = robustScale(own);
  // Yesterday must explain today's recent stretch about as well as the present baseline.
  if (y.scale > 1.5 * c.scale) return undefined;
  const offset = y.centre;
  return {
    // Where yesterday has no sample at t, the offset level stands in (rare: 80% coverage is required).
    expected: (t: number) => (past(t) ?? quantile(sortedCopy(compare.v), 0.5) - offset) + offset,
    scale: y.scale,
  };
}
