// The slices of the shared Prometheus client and store the health scorer needs (shared interfaces 3 and
// 4), stated structurally so the scorer is tested against any implementation of them.
import type { Database } from 'better-sqlite3';

export type Labels = Record<string, string>;
export interface InstantSample {
  labels: Labels;
  timestamp: number;
  value: number;
}
export interface RangeSeries {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
}
export interface PromReader {
  query(expr: string, time?: number): Promise<InstantSample[]>;
  queryRange(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]>;
}
export interface StoreLike {
  db: Database;
  migrate(feature: string, steps: string[]): void;
}
