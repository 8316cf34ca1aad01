// Types of the one Prometheus HTTP API client (shared interface 4), shaped after Prometheus' JSON.
export type Labels = Record<string, string>;

export interface InstantSample {
  labels: Labels;
  /** unix seconds */
  timestamp: number;
  value: number;
}

export interface RangeSeries {
  labels: Labels;
  /** unix seconds */
  timestamps: Float64Array;
  values: Float64Array;
}

export interface PromClientOptions {
  url: string;
  /** per attempt (default 30 000) */
  timeoutMs?: number;
  /** extra attempts on network errors, 5xx and 429 (default 2) */
  retries?: number;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  /** Mimir/Cortex/Thanos tenant, sent as X-Scope-OrgID */
  tenant?: string;
  headers?: Record<string, string>;
  /** first backoff delay in ms (default 200); doubled per attempt, with jitter, capped at 5 s */
  retryBaseMs?: number;
  /** most points per series in one range request (default 11 000, Prometheus' own limit) */
  maxPointsPerRequest?: number;
  /** shared bound on requests in flight (limits.prometheus); none means unbounded */
  gate?: { run<T>(fn: () => Promise<T>, signal?: AbortSignal, background?: boolean): Promise<T> };
  /** most series one answer may hold (limits.seriesPerQuery); none means unbounded */
  maxSeries?: number;
  /** the abort signal of the work this request belongs to (e.g. the API request's), read per attempt */
  signal?: () => AbortSignal | undefined;
}

export interface Rule {
  name: string;
  type: 'recording' | 'alerting';
  query: string;
  health: string;
  lastError?: string;
  state?: 'pending' | 'firing' | 'inactive';
  labels?: Labels;
  annotations?: Labels;
  duration?: number;
  alerts?: PromAlert[];
}

export interface RuleGroup {
  name: string;
  file: string;
  interval?: number;
  rules: Rule[];
}

export interface PromAlert {
  labels: Labels;
  annotations: Labels;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value: string;
}

export interface Target {
  labels: Labels;
  discoveredLabels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl?: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  scrapeInterval?: string;
  scrapeTimeout?: string;
}

/** An error answered by Prometheus (or on the way to it), with what a caller needs to react. */
export class PromApiError extends Error {
  override name = 'PromApiError';
  constructor(
    message: string,
    readonly endpoint: string,
    /** HTTP status, or 0 for network errors and timeouts */
    readonly status: number,
    /** Prometheus' errorType (bad_data, execution, timeout, ...), or 'network' / 'timeout' */
    readonly errorType: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
