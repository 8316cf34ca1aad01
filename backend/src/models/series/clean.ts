// Turns raw (timestamp, value) samples into a regular grid the models can use, and says what it did.
// Handled (never a crash, never NaN out):
//  - NaN / ±Inf values: dropped (counted in `dropped`), the gap is then filled like any other gap;
//  - unsorted input: sorted; duplicate timestamps: the last sample wins (counted in `duplicates`);
//  - counter resets (`counter: true`): a decrease starts a new run added on top of the previous total,
//    as Prometheus' increase() does (counted in `counterResets`);
//  - irregular timestamps: linearly interpolated onto the grid `start + i*step` (step = median spacing
//    unless given); gaps are filled by linear interpolation between the surrounding samples (counted in
//    `interpolated`; runs longer than `maxGapSteps` are counted in `longGaps` so callers can warn).
export interface CleanReport {
  input: number;
  dropped: number;
  duplicates: number;
  unsorted: boolean;
  counterResets: number;
  interpolated: number;
  longGaps: number;
}

export interface RegularSeries {
  /** Unix seconds of values[0]. */
  start: number;
  /** Seconds between points. */
  step: number;
  values: Float64Array;
  report: CleanReport;
  /**
   * 1 at grid points filled inside a gap longer than `maxGapSteps` (none: no such gap). A straight line
   * across a long gap is not data: a forecast must not judge its errors on it.
   */
  longGapFill?: Uint8Array;
}

export interface CleanOptions {
  step?: number;
  counter?: boolean;
  maxGapSteps?: number;
  /** Refuse to build grids longer than this (protects against a stray far-future timestamp). */
  maxPoints?: number;
}

/** Gaps longer than this many steps are counted in `longGaps` and flagged in `longGapFill` (by default). */
export const LONG_GAP_STEPS = 3;

/**
 * Each run [a, b) of points flagged in `fill` that has a value on both sides (y[a - 1] and y[b]; the
 * runs cleanSeries flags always have), in order.
 */
export function forEachFilledRun(fill: Uint8Array, each: (a: number, b: number) => void): void {
  const n = fill.length;
  for (let a = 1; a < n; a++) {
    if (!fill[a]) continue;
    let b = a;
    while (b < n && fill[b]) b++;
    if (b < n) each(a, b);
    a = b;
  }
}

/** The note a forecast gives for points interpolated on the grid (and long gaps among them). */
export function interpolationNote(r: CleanReport): string {
  return `${r.interpolated} missing point(s) interpolated${r.longGaps ? ` (${r.longGaps} gap(s) longer than ${LONG_GAP_STEPS} steps: filled, and not validated on)` : ''}`;
}

export function medianSpacing(ts: ArrayLike<number>): number {
  const d: number[] = [];
  for (let i = 1; i < ts.length; i++) {
    const x = ts[i]! - ts[i - 1]!;
    if (x > 0) d.push(x);
  }
  if (d.length === 0) return 1;
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)]!;
}

export function cleanSeries(ts: ArrayLike<number>, vs: ArrayLike<number>, o: CleanOptions = {}): RegularSeries {
  if (ts.length !== vs.length) throw new Error(`cleanSeries: ${ts.length} timestamps but ${vs.length} values`);
  const report: CleanReport = { input: ts.length, dropped: 0, duplicates: 0, unsorted: false, counterResets: 0, interpolated: 0, longGaps: 0 };
  const pts: [number, number][] = [];
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    const v = vs[i]!;
    if (!Number.isFinite(t) || !Number.isFinite(v)) {
      report.dropped++;
      continue;
    }
    if (pts.length && t < pts[pts.length - 1]![0]) report.unsorted = true;
    pts.push([t, v]);
  }
  if (report.unsorted) pts.sort((a, b) => a[0] - b[0]);
  // Duplicates: keep the last sample for each timestamp.
  const uniq: [number, number][] = [];
  for (const p of pts) {
    if (uniq.length && uniq[uniq.length - 1]![0] === p[0]) {
      uniq[uniq.length - 1] = p;
      report.duplicates++;
    } else uniq.push(p);
  }
  if (o.counter) {
    let offset = 0;
    let prevRaw = uniq.length ? uniq[0]![1] : 0;
    for (const p of uniq) {
      const raw = p[1];
      if (raw < prevRaw) {
        offset += prevRaw;
        report.counterResets++;
      }
      prevRaw = raw;
      p[1] = raw + offset;
    }
  }
  if (uniq.length === 0) return { start: 0, step: o.step ?? 1, values: new Float64Array(0), report };
  const times = uniq.map((p) => p[0]);
  const step = o.step && o.step > 0 ? o.step : medianSpacing(times);
  const start = times[0]!;
  const n = Math.floor((times[times.length - 1]! - start) / step + 1e-9) + 1;
  const maxPoints = o.maxPoints ?? 5_000_000;
  if (n > maxPoints) throw new Error(`cleanSeries: ${n} grid points at step ${step}s exceeds the limit of ${maxPoints} (check for a stray timestamp)`);
  const values = new Float64Array(n);
  const maxGap = (o.maxGapSteps ?? LONG_GAP_STEPS) * step;
  let j = 0;
  const tol = step * 1e-6;
  let longGapFill: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const t = start + i * step;
    while (j + 1 < uniq.length && uniq[j + 1]![0] <= t + tol) j++;
    const [t0, v0] = uniq[j]!;
    if (Math.abs(t - t0) <= tol || j + 1 >= uniq.length) {
      values[i] = v0;
      continue;
    }
    const [t1, v1] = uniq[j + 1]!;
    values[i] = v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
    // Count interpolation only where the grid point has no sample within half a step.
    if (t - t0 > step / 2 && t1 - t > step / 2) {
      report.interpolated++;
      if (t1 - t0 > maxGap) {
        if (start + (i - 1) * step <= t0) report.longGaps++;
        (longGapFill ??= new Uint8Array(n))[i] = 1;
      }
    }
  }
  return longGapFill ? { start, step, values, report, longGapFill } : { start, step, values, report };
}

/** Per-second rate of a cleaned (reset-corrected, cumulative) counter on its grid; first point repeats the second. */
export function counterToRate(s: RegularSeries): RegularSeries {
  const n = s.values.length;
  const out = new Float64Array(n);
  for (let i = 1; i < n; i++) out[i] = (s.values[i]! - s.values[i - 1]!) / s.step;
  if (n > 1) out[0] = out[1]!;
  return { ...s, values: out };
}
