// Types of the pure root-cause model: candidate series in, ranked components and metrics out.
import type { Semantic } from './metric-kind.js';
export type { Semantic } from './metric-kind.js';

/** One candidate series: a metric of a component, sampled at increasing timestamps (any unit, same as incidentTime). */
export interface CandidateSeries {
  component: string;
  metric: string;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Which way is bad; by default guessed from the metric name (see metric-kind.ts). */
  direction?: Direction;
}

export type Direction = 'up' | 'down' | 'both';

/** A dependency edge: `caller` sends requests to `callee` (so callee failures show up at the caller). */
export interface DependencyEdge {
  caller: string;
  callee: string;
}

export interface RcaOptions {
  /** Length of the pre-incident baseline; default: all data before `incidentTime - lookback`. */
  baselineSpan?: number;
  /** How far before incidentTime an onset may lie (alerts fire after the cause); default 20 sample steps (at most a quarter of the history). */
  lookback?: number;
  /** How far after incidentTime to look; default: to the end of the data. */
  after?: number;
  /** Baseline points a series needs to be judged at all; default 10. */
  minBaselinePoints?: number;
  /** Smallest typical post-onset deviation, in noise-scale units, that counts as abnormal; default 3. */
  minDeviation?: number;
  /** With no edges given, infer dependency edges from the data (onset order + lagged correlation); default true. */
  inferGraph?: boolean;
  /**
   * When the data reaches back a day (and `secondsPerUnit` is given), also judge each series against the same
   * window one day earlier and keep the baseline that finds the smaller change; default true.
   */
  sameTimeYesterday?: boolean;
}

export interface RcaInput {
  series: CandidateSeries[];
  incidentTime: number;
  edges?: DependencyEdge[];
  /**
   * Prior weights from confirmed causes of past incidents, keyed by component (or `component/metric`);
   * 1 is neutral, >1 favours. Priors nudge, they never create a candidate that shows no anomaly.
   */
  priors?: Record<string, number>;
  /**
   * Seconds per timestamp unit (1 for unix seconds, 0.001 for milliseconds). Only the evidence text uses it
   * ("started 2.5 min before the incident"); when absent, time differences are printed as plain numbers.
   */
  secondsPerUnit?: number;
  options?: RcaOptions;
}

/** What one series did around the incident. */
export interface SeriesFinding {
  component: string;
  metric: string;
  kind: MetricKind;
  /** What the metric measures, guessed from its name (decides which way is bad and what change is meaningful). */
  semantic: Semantic;
  baselineMedian: number;
  baselineScale: number;
  /** True when a sustained change of meaningful size was found in the analysis window. */
  anomalous: boolean;
  /** Estimated change point (time of the first abnormal sample), when anomalous. */
  onset?: number;
  /** Time the alarm was raised (onset plus the persistence it took). */
  detectedAt?: number;
  /** Typical z after the onset (upper quartile), signed the bad way; never capped. */
  deviation: number;
  /** The change was already there at the end of the baseline: it began before this incident. */
  preexisting?: boolean;
  /** A saturation metric climbing steadily (a leak, a filling disk or queue): the component's own doing. */
  climbing?: boolean;
  /** Value seen at the most deviating point after the onset. */
  peakValue?: number;
  /** Severity from the deviation (log scale, unbounded; 1 ≈ 100σ), times the weights (pre-existing, request volume). */
  score: number;
}

/**
 * `load`: request rate up (explained by callers' load); `drop`: request rate down (explained by a caller
 * failing or its own traffic dropping); `failure`: errors, latency, saturation, down (explained by callees' failures).
 */
export type MetricKind = 'load' | 'drop' | 'failure';

export interface ComponentRank {
  component: string;
  score: number;
  onset?: number;
  /** The component's own anomaly severity 0..1 (before the graph and onset order are applied). */
  anomaly: number;
  evidence: string[];
}

export interface CandidateRank {
  component: string;
  metric: string;
  score: number;
  onset?: number;
  evidence: string;
}

export interface SkippedSeries {
  component: string;
  metric: string;
  reason: string;
}

export type RcaResult =
  | {
      status: 'ranked';
      components: ComponentRank[];
      candidates: CandidateRank[];
      findings: SeriesFinding[];
      skipped: SkippedSeries[];
    }
  | { status: 'insufficient'; reason: string; findings: SeriesFinding[]; skipped: SkippedSeries[] };

/** Malformed input (not merely weak evidence): names the series and field at fault. */
export class RcaInputError extends Error {
  override name = 'RcaInputError';
}
