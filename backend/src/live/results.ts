// Shapes of the live results served by /api/models (and kept in the store between restarts).
import type { DetectorName, Severity } from '../models/anomaly/detector.js';
import type { Recommendation } from '../models/capacity/capacity.js';
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

export interface CapacitySeriesResult {
  kind: 'capacity';
  target: string;
  series: string;
  labels: Labels;
  current: number;
  threshold: number;
  headroom: number;
  headroomRatio: number;
  growthPerDay: number;
  growthRatioPerDay: number;
  secondsToThreshold: number | null;
  secondsToThresholdLow: number | null;
  secondsToThresholdHigh: number | null;
  /** Unix seconds of the predicted crossing (origin + secondsToThreshold), null when none. */
  exhaustionTime: number | null;
  recommendation: Recommendation;
  suggestedCapacity: number;
  model: string;
  origin: number;
  notes: string[];
  points: ForecastPoint[];
}

export type SeriesResult = AnomalySeriesResult | ForecastSeriesResult | CapacitySeriesResult;

export interface TargetStatus {
  target: string;
  kind: 'anomaly' | 'forecast' | 'capacity';
  lastRun: number | null;
  durationMs: number | null;
  series: number;
  dropped: number;
  error: string | null;
}

export interface CycleReport {
  at: number;
  targets: TargetStatus[];
}
