// Shapes of the live results served by /api/models (and kept in the store between restarts).
import type { DetectorName, Severity } from '../models/anomaly/detector.js';
import type { CapacityResult } from '../models/capacity/capacity.js';
import type { Labels } from './ports.js';

export interface AnomalyPoint {
  t: number;
  value: number;
  score: number;
  anomaly: boolean;
  severity: Severity;
  detectors: DetectorName[];
  expected: number | null;
  lower: number | null;
  upper: number | null;
}

export interface AnomalySeriesResult {
  kind: 'anomaly';
  target: string;
  series: string;
  labels: Labels;
  warmup: boolean;
  periodSeconds: number;
  latest: AnomalyPoint | null;
  /** The most recent points (at most 120), for a band chart. */
  recent: AnomalyPoint[];
}

export interface ForecastPoint {
  t: number;
  forecast: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export interface ForecastSeriesResult {
  kind: 'forecast';
  target: string;
  series: string;
  labels: Labels;
  model: string;
  stepSeconds: number;
  origin: number;
  notes: string[];
  points: ForecastPoint[];
}

/** The capacity model's figures (without its full forecast object), with where and when they were computed. */
export interface CapacitySeriesResult
  extends Pick<
    CapacityResult,
    | 'current'
    | 'threshold'
    | 'headroom'
    | 'headroomRatio'
    | 'growthPerDay'
    | 'growthRatioPerDay'
    | 'secondsToThreshold'
    | 'secondsToThresholdLow'
    | 'secondsToThresholdHigh'
    | 'recommendation'
    | 'suggestedCapacity'
  > {
  kind: 'capacity';
  target: string;
  series: string;
  labels: Labels;
  /** Unix seconds of the predicted crossing (origin + secondsToThreshold), null when none. */
  exhaustionTime: number | null;
  model: string;
  origin: number;
  notes: string[];
  points: ForecastPoint[];
}

export type SeriesResult = AnomalySeriesResult | ForecastSeriesResult | CapacitySeriesResult;

/** A series a forecast or capacity target could not use in its last cycle. */
export interface RefusedSeries {
  series: string;
  labels: Labels;
  reason: string;
  /** Stopped reporting: left out, but not a problem to show. */
  gone: boolean;
}

export interface TargetStatus {
  target: string;
  kind: 'anomaly' | 'forecast' | 'capacity';
  lastRun: number | null;
  durationMs: number | null;
  series: number;
  dropped: number;
  error: string | null;
  /** Series of a forecast or capacity target left out last cycle, and why (at most 20; not those gone). */
  refused: { series: string; reason: string }[];
}

export interface CycleReport {
  at: number;
  targets: TargetStatus[];
}
