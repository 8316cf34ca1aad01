// What the rules writer and budgets need from Prometheus, as narrow interfaces: the shared PromClient
// (src/prom/client.ts) satisfies them structurally, and the SLO code stays testable against any implementation.

export interface LoadedRule {
  name: string;
  type?: string;
  health?: string;
  lastError?: string;
}
export interface LoadedGroup {
  name: string;
  file: string;
  rules: LoadedRule[];
}

export interface RulesPromApi {
  /** POST /-/reload (needs --web.enable-lifecycle); rejects when Prometheus refuses the new config. */
  reload(): Promise<void>;
  /** GET /api/v1/rules → data.groups. */
  rules(): Promise<LoadedGroup[]>;
}

/** Instant/range queries, as the shared PromClient returns them (times in unix seconds). */
export interface QueryPromApi {
  query(expr: string, time?: number): Promise<{ labels: Record<string, string>; timestamp: number; value: number }[]>;
  queryRange(expr: string, start: number, end: number, step: number): Promise<{ labels: Record<string, string>; timestamps: Float64Array; values: Float64Array }[]>;
}
