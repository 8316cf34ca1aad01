// The slices of the shared Prometheus client (shared interface 4), store (3) and logger the live
// models need, stated structurally so the scheduler runs against any implementation (and in tests
// against the real Prometheus through a tiny client of our own until the shared one lands).
import type { Database } from 'better-sqlite3';

export type Labels = Record<string, string>;
export interface RangeSeries {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
}
export interface PromRangeReader {
  queryRange(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]>;
}
export interface StoreLike {
  db: Database;
  migrate(feature: string, steps: string[]): void;
}
export interface LogLike {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
export const silentLog: LogLike = { info: () => undefined, warn: () => undefined, error: () => undefined };
