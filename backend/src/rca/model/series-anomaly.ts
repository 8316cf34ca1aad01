// Per-series judgement: a clean pre-incident baseline, a noise scale that respects the data's resolution
// and the metric's meaning, the onset of the change (first sample of a sustained abnormal run) and its size.
import { median, quantile, sortedCopy, theilSen } from './robust-stats.js';
import { noiseScale } from './noise-floor.js';
import { sameTimeYesterday } from './yesterday.js';
import { deviationKind, guessDirection, meaningfulChange, semanticOf } from './metric-kind.js';
import type { CandidateSeries, Direction, SeriesFinding } from './types.js';

export interface Windows {
  baselineStart: number;
  /** Baseline is [baselineStart, analysisStart); the analysis window is [analysisStart, analysisEnd]. */
  analysisStart: number;
  analysisEnd: number;
  minBaselinePoints: number;
  /** Smallest typical post-onset deviation (in noise-scale units) that counts as abnormal. */
  minDeviation: number;
  /** Median sampling step of the input (same unit as timestamps). */
  step: number;
  /** One day in timestamp units, when known and the same-time-yesterday baseline is wanted. */
  day?: number;
}

/** z above which a sample counts as part of an abnormal run. */
const Z_ON = 3;
/** Samples looked at after a candidate onset: at least half of them must be abnormal too (a lone spike is not a change). */
const RUN = 6;
/** Baseline points further than this many noise scales from the median are a past incident, not normal. */
const Z_CLEAN = 5;
/** Consecutive far samples that make a past incident (fewer are spikes, kept as noise). */
const MIN_RUN = 3;
/** A series whose baseline never moved has no noise scale: its change is worth this fixed, moderate z. */
const Z_FLAT = 4;
/** Weight of a change that was already there before the analysis window (background, not this incident). */
const PREEXISTING = 0.3;

/** `trace`: the signed-bad z of each analysis-window sample (by time), for anomalous series. */
export type SeriesOutcome = { finding: SeriesFinding; trace?: Map<number, number> } | { skip: string };

/**
 * Largest absolute change of a series in the analysis window against its baseline median: the peer scale
 * for series of the same metric whose baseline was perfectly flat (an error ratio of 0 for the whole baseline
 * cannot say how noisy it is; one stray error must not look like a huge event).
 */
export function largestChange(s: CandidateSeries, w: Windows): number {
  const base: number[] = [];
  for (let i = 0; i < s.timestamps.length; i++) {
    const t = s.timestamps[i]!;
    if (t >= w.baselineStart && t < w.analysisStart && Number.isFinite(s.values[i]!)) base.push(s.values[i]!);
  }
  if (!base.length) return 0;
  const m = median(base);
  let big = 0;
  for (let i = 0; i < s.timestamps.length; i++) {
    const t = s.timestamps[i]!;
    if (t >= w.analysisStart && t <= w.analysisEnd && Number.isFinite(s.values[i]!)) big = Math.max(big, Math.abs(s.values[i]! - m));
  }
  return big;
}

/** Share of the peers' largest change that a flat-baseline series must move to score 1. */
export const PEER_FLOOR = 0.01;

export function analyseSeries(s: CandidateSeries, w: Windows, peerChange = 0): SeriesOutcome {
  const bt: number[] = [];
  const bv: number[] = [];
  const at: number[] = [];
  const av: number[] = [];
  let magnitude = 0;
  for (let i = 0; i < s.timestamps.length; i++) {
    const t = s.timestamps[i]!;
    const v = s.values[i]!;
    if (!Number.isFinite(v) || t < w.baselineStart || t > w.analysisEnd) continue;
    magnitude = Math.max(magnitude, Math.abs(v));
    if (t < w.analysisStart) {
      bt.push(t);
      bv.push(v);
    } else {
      at.push(t);
      av.push(v);
    }
  }
  if (bv.length < w.minBaselinePoints) {
    return { skip: `only ${bv.length} finite baseline points before the incident (need ${w.minBaselinePoints})` };
  }
  if (av.length < 2) return { skip: `only ${av.length} finite points in the analysis window around the incident` };

  const semantic = semanticOf(s.metric);
  const direction: Direction = s.direction ?? guessDirection(s.metric);
  // 1. Clean baseline: drop past incidents, i.e. runs of several consecutive samples far from the median
  // (judged on the MAD and neighbour noise, which a past incident hardly moves). Isolated spikes stay: they
  // are part of the noise, and dropping them would understate it.
  const first = noiseScale(bv, bt, w.step);
  const floor0 = meaningfulChange(semantic, first.median, magnitude) / 3;
  const scale0 = Math.max(first.mad, first.diff, floor0, first.resolution);
  const keepT: number[] = [];
  const keepV: number[] = [];
  if (scale0 > 0) {
    const far = bv.map((v) => Math.abs(v - first.median) > Z_CLEAN * scale0);
    // A shift that lasts to the end of the baseline and is long enough to judge by is the new normal
    // (a deploy an hour ago): then the baseline is that stretch alone.
    let tail = bv.length;
    while (tail > 0 && far[tail - 1]) tail--;
    const shifted = bv.length - tail >= w.minBaselinePoints && bv.length - tail >= 0.1 * bv.length;
    for (let i = shifted ? tail : 0; i < bv.length; ) {
      if (shifted) {
        keepT.push(bt[i]!);
        keepV.push(bv[i]!);
        i++;
        continue;
      }
      let j = i;
      while (j < bv.length && far[j] === far[i]) j++;
      if (!far[i] || j - i < MIN_RUN) for (let k = i; k < j; k++) (keepT.push(bt[k]!), keepV.push(bv[k]!));
      i = j;
    }
  }
  const cleanT = keepT.length >= w.minBaselinePoints ? keepT : bt;
  const cleanV = keepT.length >= w.minBaselinePoints ? keepV : bv;
  const noise = noiseScale(cleanV, cleanT, w.step);
  const level = noise.median;

  // 2. Trend, only across contiguous data: a slope fitted on a baseline that ends hours before the window
  // would be extrapolated across the gap. Extrapolated at most half the baseline's span.
  let slope = 0;
  const contiguous = cleanT.length > 0 && w.analysisStart - cleanT[cleanT.length - 1]! <= 3 * w.step && !hasGap(cleanT, 3 * w.step);
  const span = cleanT.length ? cleanT[cleanT.length - 1]! - cleanT[0]! : 0;
  if (contiguous && span > 0) {
    const fit = theilSen(cleanT, cleanV, 40);
    // A slope that moves the level by less than the noise over the whole baseline is noise, not a trend.
    if (Math.abs(fit.slope) * span > 2 * Math.max(noise.scale, noise.resolution)) slope = fit.slope;
  }
  const anchor = cleanT.length ? cleanT[cleanT.length - 1]! : w.analysisStart;
  const resid = cleanV.map((v, i) => v - slope * (cleanT[i]! - anchor));
  const base = slope ? sortedCopy(resid) : sortedCopy(cleanV);
  const centre = quantile(base, 0.5);
  let expected = (t: number) => centre + slope * Math.min(t - anchor, span / 2);

  // 3. Scale: the widest of the noise estimates, the data's resolution and the metric's meaningful change.
  const floor = meaningfulChange(semantic, level, magnitude) / 3;
  // A baseline that never moved says nothing about noise: then the peers' changes set the scale too.
  const flat = noise.scale === 0 && noise.resolution === 0;
  let scale = Math.max(noise.scale, noise.resolution, floor, flat ? PEER_FLOOR * peerChange : 0);
  if (!(scale > 0)) {
    // Never moved, unit unknown, no peers: evidence of a change, but of unknown size.
    const big = Math.max(0, ...av.map((v) => Math.abs(v - centre)));
    scale = big > 0 ? big / Z_FLAT : 1;
  }

  const judge = (exp: (t: number) => number, sc: number) => {
    const up = direction !== 'down' ? detect(av, at, exp, sc, 1, w.minDeviation) : NONE_UP;
    const down = direction !== 'up' ? detect(av, at, exp, sc, -1, w.minDeviation) : NONE_DOWN;
    return up.deviation >= down.deviation ? up : down;
  };
  let pick = judge(expected, scale);
  // Same time yesterday, when the data reaches back a day: kept when it finds the smaller change.
  if (w.day !== undefined && pick.deviation > 0) {
    const from = w.analysisStart - Math.max(20 * w.step, at[at.length - 1]! - w.analysisStart);
    const cmp = { t: [] as number[], v: [] as number[], residual: [] as number[] };
    for (let i = 0; i < cleanT.length; i++) {
      if (cleanT[i]! < from) continue;
      cmp.t.push(cleanT[i]!);
      cmp.v.push(cleanV[i]!);
      cmp.residual.push(cleanV[i]! - expected(cleanT[i]!));
    }
    const alt = cmp.t.length >= w.minBaselinePoints ? sameTimeYesterday(s.timestamps, s.values, cmp, at, w.day, w.step, w.minBaselinePoints) : undefined;
    if (alt) {
      const altScale = Math.max(alt.scale, noise.resolution, floor, flat ? PEER_FLOOR * peerChange : 0, scale * 1e-9);
      const other = judge(alt.expected, altScale);
      if (other.deviation < pick.deviation) {
        pick = other;
        expected = alt.expected;
        scale = altScale;
      }
    }
  }
  // A saturation metric climbing steadily (a leak filling memory, a queue or disk filling) is judged against
  // its measured noise, not the meaningful-change floor: the floor keeps small wobbles from counting, and a
  // climb sustained over many samples is no wobble however small each step.
  let climbing = false;
  if (semantic === 'saturation' && pick.onset !== undefined) {
    const measured = Math.max(noise.scale, noise.resolution);
    const rampScale = measured > 0 ? Math.min(scale, measured) : scale;
    // Judged from where the climb left the noise band (a slow one crosses the floor only near the end).
    const again = detect(av, at, expected, rampScale, pick.sign, w.minDeviation, true);
    if (again.onset !== undefined && again.deviation >= pick.deviation && steadyClimb(av, at, again.onset, pick.sign)) {
      // Still climbing at the end of the window: judged by where it has got to (the last samples), not by
      // its typical level since the onset, which a ramp keeps below its current one.
      const last = av.slice(-3).map((v, k) => (pick.sign * (v - expected(at[at.length - 3 + k]!))) / rampScale);
      pick = { ...again, deviation: Math.max(again.deviation, median(last)) };
      scale = rampScale;
      climbing = true;
    }
  }
  const abnormal = pick.onset !== undefined && pick.deviation >= w.minDeviation;

  // 4. A change already present at the end of the baseline began before this incident.
  let preexisting = false;
  let onset = pick.onset;
  // When the run opened with a separate event (dated past it), abnormal samples at the end of the baseline
  // belong to that event, not to this change.
  if (abnormal && !pick.separated) {
    // Walk back from the end of the baseline through contiguous samples already abnormal the same way.
    let k = bt.length;
    let next = w.analysisStart;
    while (k > 0 && next - bt[k - 1]! <= 3 * w.step && (pick.sign * (bv[k - 1]! - expected(bt[k - 1]!))) / scale > Z_ON) next = bt[--k]!;
    if (bt.length - k >= 2) {
      preexisting = true;
      onset = bt[k]!;
    } else if (pick.onset === at[0] && (bt.length === 0 || at[0]! - bt[bt.length - 1]! > 3 * w.step)) {
      // Abnormal from the first sample after a gap in the data: when it began cannot be seen, so it cannot
      // be dated to this incident (a load balancer that was already down when the window opens).
      preexisting = true;
    }
  }
  const finding: SeriesFinding = {
    component: s.component,
    metric: s.metric,
    kind: deviationKind(s.metric, pick.sign * (pick.deviation || 1)),
    semantic,
    baselineMedian: expected(at[0]!),
    baselineScale: scale,
    anomalous: abnormal,
    deviation: pick.deviation,
    // A resource that began filling before the incident and is still climbing into it is no background
    // noise: the climb is what leads to the incident, so it keeps its full weight.
    score: abnormal ? severity(pick.deviation) * (preexisting && !climbing ? PREEXISTING : 1) : 0,
  };
  if (abnormal) {
    finding.onset = onset!;
    finding.detectedAt = pick.detectedAt!;
    finding.peakValue = pick.peakValue!;
    if (preexisting) finding.preexisting = true;
    if (climbing) finding.climbing = true;
    const trace = new Map<number, number>();
    for (let i = 0; i < at.length; i++) trace.set(at[i]!, (pick.sign * (av[i]! - expected(at[i]!))) / scale);
    return { finding, trace };
  }
  return { finding };
}

function hasGap(t: number[], gap: number): boolean {
  for (let i = 1; i < t.length; i++) if (t[i]! - t[i - 1]! > gap) return true;
  return false;
}

interface Detection {
  sign: 1 | -1;
  onset?: number;
  detectedAt?: number;
  deviation: number;
  peakValue?: number;
  /** The run opened with a separate, earlier event that the onset was moved past (see changeStart). */
  separated?: boolean;
}
const NONE_UP: Detection = { sign: 1, deviation: 0 };
const NONE_DOWN: Detection = { sign: -1, deviation: 0 };

/**
 * Onset: the first abnormal sample (z > Z_ON) followed by a run in which at least half the samples are
 * abnormal too. Size: the upper-quartile z from the onset on (robust to the fault ending inside the window,
 * and to a few wild samples of a rarely-used endpoint).
 */
function detect(val: number[], at: number[], exp: (t: number) => number, scale: number, sign: 1 | -1, minDev: number, ramp = false): Detection {
  const n = val.length;
  const z = val.map((v, i) => (sign * (v - exp(at[i]!))) / scale);
  for (let i = 0; i + 1 < n; i++) {
    if (z[i]! <= Z_ON) continue;
    const end = Math.min(n, i + RUN);
    let hits = 0;
    for (let j = i; j < end; j++) if (z[j]! > Z_ON) hits++;
    if (hits < 2 || hits * 2 < end - i) continue;
    const dev = Math.max(0, quantile(sortedCopy(z.slice(i)), 0.75));
    if (dev < minDev) continue;
    // The run may open with a separate, smaller event that merely abuts the change: date the change itself
    // (its size stays judged over the whole run, so only the dating moves).
    const o = changeStart(z, i, dev);
    let peak = i;
    for (let j = i; j < n; j++) if (z[j]! > z[peak]!) peak = j;
    let second = o + 1;
    while (second < n && z[second]! <= Z_ON) second++;
    const d: Detection = { sign, onset: at[ramp ? rampStart(z, o) : o]!, detectedAt: at[Math.min(second, n - 1)]!, deviation: dev, peakValue: val[peak]! };
    if (o !== i) d.separated = true;
    return d;
  }
  return { sign, deviation: 0 };
}

/**
 * Where the change that gives an abnormal run (opening at i, typical size `dev`) its size began. A run can
 * open with a separate, smaller event that merely abuts the change: one stray error that a rate window
 * smears over many samples, a noise spike. Dated from it, the change (and its component) would start
 * before it did. The change proper is reached where z first gets to half the run's typical size; its edge
 * is the samples rising into that point. What comes before the edge belongs to the same change when it
 * climbs towards it (a ramp); a stretch that stays flat or falls back, well below the change, is a
 * separate event and the onset moves to the edge.
 */
function changeStart(z: number[], i: number, dev: number): number {
  const big = Math.max(Z_ON, dev / 2);
  let m = i;
  while (m < z.length - 1 && z[m]! < big) m++;
  let e = m;
  while (e > i && z[e - 1]! > Z_ON && z[e - 1]! < z[e]!) e--;
  // Too short to tell a separate event from the change's own first samples: the run rule already bounds it.
  if (e - i < MIN_RUN) return i;
  const pre = z.slice(i, e);
  const half = Math.floor(pre.length / 2);
  const early = median(pre.slice(0, half));
  const late = median(pre.slice(half));
  const level = median(pre);
  if (late - early > PRECURSOR_RISE || level >= big / 2) return i;
  // The edge's first sample may still sit at the earlier event's level (the walk takes any lower sample).
  while (e < m && z[e]! <= level + PRECURSOR_RISE) e++;
  return e;
}

/** Rise (in noise scales) across the samples before a change's edge below which they are a flat, separate event. */
const PRECURSOR_RISE = 1;

/** Samples a climb must last, and the share of its steps that must go the bad way, to count as steady. */
const CLIMB_SAMPLES = 8;
const CLIMB_SHARE = 0.7;

/** From the onset to the end of the window the series moves the bad way in most steps (a ramp, not a step or a spike). */
function steadyClimb(av: number[], at: number[], onset: number, sign: 1 | -1): boolean {
  const i = at.indexOf(onset);
  if (i < 0 || av.length - i < CLIMB_SAMPLES) return false;
  let up = 0;
  for (let k = i + 1; k < av.length; k++) if (sign * (av[k]! - av[k - 1]!) > 0) up++;
  return up >= CLIMB_SHARE * (av.length - 1 - i) && sign * (av[av.length - 1]! - av[i]!) > 0;
}

/** z a ramp must have left the noise band by for its start to be traced back through it. */
const Z_RAMP = 1;

/**
 * Where a gradual change began. A slow ramp (a leak filling memory, a queue building up) crosses the alarm
 * threshold long after it started, so its threshold crossing would date it late, after the symptoms it
 * causes. When the crossing is gradual (z only just above Z_ON, not a jump), walk back through the samples
 * just before it that were already out of the noise band and still rising into it: that is the ramp's start.
 * A step change (a big jump at the crossing) keeps its crossing as the onset.
 */
function rampStart(z: number[], i: number): number {
  if (z[i]! >= 2 * Z_ON) return i;
  let j = i;
  // Rising into the crossing: each earlier sample at most a little above the next (noise), and above the band.
  while (j > 0 && z[j - 1]! > Z_RAMP && z[j - 1]! <= z[j]! + 0.5) j--;
  return j;
}

/**
 * Continuous severity in (0, 1): 3σ ≈ 0.13, 20σ = 0.5, 100σ ≈ 0.83, never reaching 1, so no two different
 * deviations tie at a cap; huge deviations differ little, leaving the graph and onset order to decide among them.
 */
export function severity(z: number): number {
  const x = Math.max(0, z);
  return x / (x + 20);
}
