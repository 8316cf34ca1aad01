// Pure request building for the Prometheus client: URLs, form bodies, headers, range splitting and
// stitching, backoff delays, value parsing. No I/O here, so unit tests check it without a server.
import type { Labels, PromClientOptions, RangeSeries } from './types.js';

export type Endpoint = 'query' | 'query_range' | 'series' | 'labels' | 'label_values' | 'rules' | 'alerts' | 'targets' | 'ready' | 'reload';

export interface BuiltRequest {
  endpoint: Endpoint;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** form-encoded body (POST), so long PromQL never hits URL length limits */
  body?: string;
}

type Params = [string, string][];

/** Unix seconds with at most millisecond precision (what Prometheus parses), without float noise. */
export function formatTime(t: number): string {
  if (!Number.isFinite(t)) throw new Error(`time must be a finite number of unix seconds, got ${t}`);
  return (Math.round(t * 1000) / 1000).toString();
}

export function baseHeaders(o: PromClientOptions): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'foresight-companion' };
  // Extra headers first, so auth and tenant set explicitly win over a stray copy in `headers`.
  Object.assign(h, o.headers ?? {});
  if (o.bearerToken) h.Authorization = `Bearer ${o.bearerToken}`;
  else if (o.basicAuth) h.Authorization = `Basic ${Buffer.from(`${o.basicAuth.username}:${o.basicAuth.password}`).toString('base64')}`;
  if (o.tenant) h['X-Scope-OrgID'] = o.tenant;
  return h;
}

function join(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

function post(o: PromClientOptions, endpoint: Endpoint, path: string, params: Params): BuiltRequest {
  return {
    endpoint,
    method: 'POST',
    url: join(o.url, path),
    headers: { ...baseHeaders(o), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  };
}

function get(o: PromClientOptions, endpoint: Endpoint, path: string, params: Params = []): BuiltRequest {
  const qs = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  return { endpoint, method: 'GET', url: join(o.url, path) + qs, headers: baseHeaders(o) };
}

export const build = {
  query: (o: PromClientOptions, expr: string, time?: number): BuiltRequest =>
    post(o, 'query', '/api/v1/query', [['query', expr], ...(time === undefined ? [] : ([['time', formatTime(time)]] as Params))]),
  queryRange: (o: PromClientOptions, expr: string, start: number, end: number, step: number): BuiltRequest =>
    post(o, 'query_range', '/api/v1/query_range', [
      ['query', expr],
      ['start', formatTime(start)],
      ['end', formatTime(end)],
      ['step', formatTime(step)],
    ]),
  series: (o: PromClientOptions, match: string[], start?: number, end?: number): BuiltRequest =>
    post(o, 'series', '/api/v1/series', [
      ...match.map((m): [string, string] => ['match[]', m]),
      ...(start === undefined ? [] : ([['start', formatTime(start)]] as Params)),
      ...(end === undefined ? [] : ([['end', formatTime(end)]] as Params)),
    ]),
  labelNames: (o: PromClientOptions): BuiltRequest => get(o, 'labels', '/api/v1/labels'),
  labelValues: (o: PromClientOptions, name: string): BuiltRequest => get(o, 'label_values', `/api/v1/label/${encodeURIComponent(name)}/values`),
  rules: (o: PromClientOptions): BuiltRequest => get(o, 'rules', '/api/v1/rules'),
  alerts: (o: PromClientOptions): BuiltRequest => get(o, 'alerts', '/api/v1/alerts'),
  targets: (o: PromClientOptions): BuiltRequest => get(o, 'targets', '/api/v1/targets'),
  ready: (o: PromClientOptions): BuiltRequest => ({ ...get(o, 'ready', '/-/ready'), headers: { ...baseHeaders(o), Accept: 'text/plain' } }),
  reload: (o: PromClientOptions): BuiltRequest => ({ endpoint: 'reload', method: 'POST', url: join(o.url, '/-/reload'), headers: baseHeaders(o) }),
};

export interface RangeChunk {
  start: number;
  end: number;
}

/**
 * Splits [start, end] at `step` into chunks of at most `maxPoints` points per series. Chunks stay on the
 * original grid (start + k·step) and never share a timestamp, so stitching needs no de-duplication.
 * Arithmetic is in integer milliseconds, like Prometheus', to avoid float drift at the joins.
 */
export function splitRange(start: number, end: number, step: number, maxPoints = 11_000): RangeChunk[] {
  const s = Math.round(start * 1000);
  const e = Math.round(end * 1000);
  const st = Math.round(step * 1000);
  if (!(st > 0)) throw new Error(`step must be > 0 seconds (at ms precision), got ${step}`);
  if (e < s) throw new Error(`end (${end}) is before start (${start})`);
  if (!(maxPoints >= 1)) throw new Error(`maxPoints must be >= 1, got ${maxPoints}`);
  const span = st * maxPoints; // distance from one chunk's first point to the next chunk's first point
  const chunks: RangeChunk[] = [];
  for (let cs = s; cs <= e; cs += span) {
    const ce = Math.min(e, cs + span - st);
    chunks.push({ start: cs / 1000, end: ce / 1000 });
  }
  return chunks;
}

/** A stable key for a label set (order-independent). */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

/**
 * Joins the per-chunk answers of a split range query: one series per label set, points in time order.
 * A timestamp not after the last kept one is dropped, so even overlapping chunks never duplicate a point.
 */
export function stitchSeries(chunks: RangeSeries[][]): RangeSeries[] {
  const acc = new Map<string, { labels: Labels; ts: number[]; vs: number[] }>();
  for (const chunk of chunks) {
    for (const s of chunk) {
      const k = labelsKey(s.labels);
      let a = acc.get(k);
      if (!a) acc.set(k, (a = { labels: s.labels, ts: [], vs: [] }));
      for (let i = 0; i < s.timestamps.length; i++) {
        const t = s.timestamps[i]!;
        if (a.ts.length && t <= a.ts[a.ts.length - 1]!) continue;
        a.ts.push(t);
        a.vs.push(s.values[i]!);
      }
    }
  }
  return [...acc.values()].map((a) => ({ labels: a.labels, timestamps: Float64Array.from(a.ts), values: Float64Array.from(a.vs) }));
}

/** Prometheus sample values are strings: "1.5", "NaN", "+Inf", "-Inf". */
export function parseValue(v: string): number {
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/** Exponential backoff with full jitter: random in [0, min(cap, base·2^attempt)]; attempt counts from 0. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 5000, rand: () => number = Math.random): number {
  return Math.round(rand() * Math.min(capMs, baseMs * 2 ** attempt));
}

/** Which HTTP statuses are worth retrying: overload and server errors, never a bad request. */
export function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
