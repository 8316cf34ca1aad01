// Per-series judgement: a robust pre-incident baseline, the onset of the change (one-sided CUSUM on
// robust z, change point = last time the sum was zero before the alarm) and the deviation's size.
import { robustBaseline, quantile, sortedCopy, theilSen } from './robust-stats.js';
import { deviationKind, guessDirection } from './metric-kind.js';
import type { CandidateSeries, Direction, SeriesFinding } from './types.js';

export interface Windows {
  baselineStart: number;
  /** Baseline is [baselineStart, analysisStart); the analysis window is [analysisStart, analysisEnd]. */
  analysisStart: number;
  analysisEnd: number;
  minBaselinePoints: number;
  cusumDrift: number;
  cusumThreshold: number;
  /** Smallest typical post-onset deviation (robust σ) that counts as abnormal. */
  minDeviation: number;
}

/** z above which one sample counts fully; clipping makes a single wild sample unable to raise the alarm alone. */
const Z_CLIP = 8;
/** z above which a sample counts as part of an abnormal run when locating the onset. */
const Z_ON = 2;
/** Deviations beyond this are all "huge"; keeps flat baselines from producing meaningless 1e9 scores. */
const Z_CAP = 100;

export type SeriesOutcome = { finding: SeriesFinding } | { skip: string };

/**
 * Largest absolute change of a series in the analysis window against its baseline median: the peer
 * scale for series of the same metric whose baseline was perfectly flat (an error ratio of 0 for the
 * whole baseline cannot say how noisy it is; one stray error must not look like a 100σ event).
 */
export function largestChange(s: CandidateSeries, w: Windows): number {
  const base: number[] = [];
  for (let i = 0; i < s.timestamps.length; i++) {
    const t = s.timestamps[i]!;
    if (t >= w.baselineStart && t < w.analysisStart && Number.isFinite(s.values[i]!)) base.push(s.values[i]!);
  }
  if (!base.length) return 0;
  const m = quantile(sortedCopy(base), 0.5);
  let big = 0;
  for (let i = 0; i < s.timestamps.length; i++) {
    const t = s.timestamps[i]!;
    if (t >= w.analysisStart && t <= w.analysisEnd && Number.isFinite(s.values[i]!)) big = Math.max(big, Math.abs(s.values[i]! - m));
  }
  return big;
}

/** Share of the peers' largest change that a flat-baseline series must move to score 1σ (so 100σ = the largest). */
export const PEER_FLOOR = 0.01;

export function analyseSeries(s: CandidateSeries, w: Windows, peerChange = 0): SeriesOutcome {
  const base: number[] = [];
  const baseT: number[] = [];
  const at: number[] = [];
  const val: number[] = [];
  let magnitude = 0;
  for (let i = 0; i < s.timestamps.length; i++) {
    const t = s.timestamps[i]!;
    const v = s.values[i]!;
    if (!Number.isFinite(v) || t < w.baselineStart || t > w.analysisEnd) continue;
    magnitude = Math.max(magnitude, Math.abs(v));
    if (t < w.analysisStart) {
      base.push(v);
      baseT.push(t);
    } else {
      at.push(t);
      val.push(v);
    }
  }
  if (base.length < w.minBaselinePoints) {
    return { skip: `only ${base.length} finite baseline points before the incident (need ${w.minBaselinePoints})` };
  }
  if (val.length < 2) return { skip: `only ${val.length} finite points in the analysis window around the incident` };

  // Detrend: traffic follows a daily cycle, so "usual" an hour later is the baseline's trend extended,
  // not its median (otherwise every rate looks abnormal on a rising afternoon).
  const trend = theilSen(baseT, base);
  const resid = base.map((v, i) => v - trend.slope * (baseT[i]! - w.analysisStart));
  const { median, scale } = robustBaseline(resid, magnitude, PEER_FLOOR * peerChange);
  const expected = at.map((t) => median + trend.slope * (t - w.analysisStart));
  const direction: Direction = s.direction ?? guessDirection(s.metric);
  const up = detect(val, at, expected, scale, 1, w);
  const down = detect(val, at, expected, scale, -1, w);
  const pick = direction === 'up' ? up : direction === 'down' ? down : earlierOrStronger(up, down);
  // An alarm whose typical post-onset deviation is small is drift, not an incident.
  const abnormal = pick.onset !== undefined && pick.deviation >= w.minDeviation;
  const finding: SeriesFinding = {
    component: s.component,
    metric: s.metric,
    kind: deviationKind(s.metric, pick.sign * (pick.deviation || 1)),
    baselineMedian: median + trend.slope * (t0(at) - w.analysisStart),
    baselineScale: scale,
    anomalous: abnormal,
    deviation: pick.deviation,
    score: abnormal ? severity(pick.deviation) : 0,
  };
  if (abnormal) {
    finding.onset = pick.onset;
    finding.detectedAt = pick.detectedAt;
    finding.peakValue = pick.peakValue;
  }
  return { finding };
}

interface Detection {
  sign: 1 | -1;
  onset?: number;
  detectedAt?: number;
  deviation: number;
  peakValue?: number;
}

function detect(val: number[], at: number[], exp: number[], scale: number, sign: 1 | -1, w: Windows): Detection {
  let sum = 0;
  let lastZero = 0;
  for (let i = 0; i < val.length; i++) {
    const z = (sign * (val[i]! - exp[i]!)) / scale;
    sum = Math.max(0, sum + Math.min(z, Z_CLIP) - w.cusumDrift);
    if (sum === 0) lastZero = i + 1;
    if (sum > w.cusumThreshold) {
      // Change point: walk back from the alarm through the run of clearly-high samples (one dip allowed),
      // never before the CUSUM last restarted; noise before a fault cannot pull the onset earlier.
      const zAt = (j: number) => (sign * (val[j]! - exp[j]!)) / scale;
      let from = i;
      while (from > lastZero && (zAt(from - 1) > Z_ON || (from - 2 >= lastZero && zAt(from - 2) > Z_ON))) from--;
      while (from < i && zAt(from) <= Z_ON) from++;
      // Size of the change: upper-quartile z after the onset (robust to the fault ending inside the window).
      const zs: number[] = [];
      let peak = from;
      for (let j = from; j < val.length; j++) {
        const zj = (sign * (val[j]! - exp[j]!)) / scale;
        zs.push(zj);
        if (zj > (sign * (val[peak]! - exp[peak]!)) / scale) peak = j;
      }
      const dev = Math.min(Z_CAP, Math.max(0, quantile(sortedCopy(zs), 0.75)));
      return { sign, onset: at[from]!, detectedAt: at[i]!, deviation: dev, peakValue: val[peak]! };
    }
  }
  return { sign, deviation: 0 };
}

function earlierOrStronger(a: Detection, b: Detection): Detection {
  if (a.onset === undefined) return b;
  if (b.onset === undefined) return a;
  if (a.onset !== b.onset) return a.onset < b.onset ? a : b;
  return a.deviation >= b.deviation ? a : b;
}

/** 0..1: z of 3 is mild (~0.3), 10 clear (~0.5), the cap saturates at 1 (log scale: a 100σ jump is not 30× a 3σ one). */
export function severity(z: number): number {
  return Math.min(1, Math.log1p(Math.max(0, z)) / Math.log1p(Z_CAP));
}

const t0 = (at: number[]) => at[0] ?? 0;
