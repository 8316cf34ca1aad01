// The one Prometheus HTTP API client (shared interface 4). Works unchanged against Mimir, Thanos and
// VictoriaMetrics: bearer/basic auth, X-Scope-OrgID tenant, extra headers, POST form bodies. Timeouts per
// attempt; retries with backoff only where a retry can help (network, timeout, 5xx, 429).
import { setTimeout as sleep } from 'node:timers/promises';
import { promDuration, promRequests } from '../http/metrics.js';
import { backoffMs, build, parseValue, retryableStatus, splitRange, stitchSeries, type BuiltRequest } from './request.js';
import { PromApiError, type InstantSample, type Labels, type PromAlert, type PromClientOptions, type RangeSeries, type RuleGroup, type Target } from './types.js';

export * from './types.js';

interface ApiEnvelope {
  status?: 'success' | 'error';
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

type RawSample = { metric: Labels; value: [number, string] };
type RawSeries = { metric: Labels; values: [number, string][] };

export class PromClient {
  private readonly o: PromClientOptions;

  constructor(o: PromClientOptions) {
    try {
      const u = new URL(o.url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new Error(`prometheus url '${o.url}' is not an http(s) URL`);
    }
    this.o = { ...o, url: o.url.replace(/\/+$/, '') };
  }

  get url(): string {
    return this.o.url;
  }

  /** One attempt: fetch with a timeout; classifies failures into PromApiError. Returns the response text. */
  private async attempt(req: BuiltRequest): Promise<{ status: number; text: string; retryAfterMs?: number }> {
    // Readiness probes skip the gate: /readyz must answer even when the queue is full.
    const outer = this.o.signal?.();
    if (!this.o.gate || req.endpoint === 'ready') return this.attemptNow(req, outer);
    // No request scope means background work (schedulers): it goes before queued API requests.
    return this.o.gate.run(() => this.attemptNow(req, outer), outer, outer === undefined);
  }

  private async attemptNow(req: BuiltRequest, outer: AbortSignal | undefined): Promise<{ status: number; text: string; retryAfterMs?: number }> {
    // The caller's work was cancelled (client gone, deadline passed): send nothing more.
    if (outer?.aborted) throw outer.reason instanceof Error ? outer.reason : new Error('request cancelled');
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const onOuter = (): void => ac.abort();
    outer?.addEventListener('abort', onOuter, { once: true });
    const stopTimer = promDuration.startTimer({ endpoint: req.endpoint });
    try {
      const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: ac.signal });
      const text = await res.text();
      const ra = Number(res.headers.get('retry-after'));
      return { status: res.status, text, ...(Number.isFinite(ra) && ra > 0 ? { retryAfterMs: ra * 1000 } : {}) };
    } catch (e) {
      if (outer?.aborted) throw outer.reason instanceof Error ? outer.reason : new Error('request cancelled');
      if (ac.signal.aborted) throw new PromApiError(`prometheus ${req.endpoint} at ${this.o.url}: timed out after ${timeoutMs} ms`, req.endpoint, 0, 'timeout', true);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new PromApiError(`prometheus ${req.endpoint} at ${this.o.url}: ${why}`, req.endpoint, 0, 'network', true);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
      stopTimer();
    }
  }

  /** Refuses an answer with more series than limits.seriesPerQuery (before it is turned into arrays). */
  private checkSeries(endpoint: string, n: number): void {
    const max = this.o.maxSeries;
    if (max !== undefined && n > max) {
      throw new PromApiError(`prometheus ${endpoint}: ${n} series in one answer, over limits.seriesPerQuery (${max}); narrow the selector`, endpoint, 422, 'too_many_series', false);
    }
  }

  /** Sends with retries; returns the raw body of a 2xx answer, throws PromApiError otherwise. */
  private async send(req: BuiltRequest, retryHttp = true): Promise<string> {
    const retries = this.o.retries ?? 2;
    for (let attempt = 0; ; attempt++) {
      let err: PromApiError;
      let retryAfterMs: number | undefined;
      try {
        const r = await this.attempt(req);
        if (r.status >= 200 && r.status < 300) {
          promRequests.inc({ endpoint: req.endpoint, outcome: 'success' });
          return r.text;
        }
        err = this.httpError(req, r.status, r.text);
        retryAfterMs = r.retryAfterMs;
      } catch (e) {
        if (!(e instanceof PromApiError)) throw e;
        err = e;
      }
      promRequests.inc({ endpoint: req.endpoint, outcome: err.status ? `http_${Math.floor(err.status / 100)}xx` : err.errorType });
      if (!err.retryable || (err.status && !retryHttp) || attempt >= retries) throw err;
      await sleep(Math.min(5000, Math.max(retryAfterMs ?? 0, backoffMs(attempt, this.o.retryBaseMs ?? 200))));
    }
  }

  private httpError(req: BuiltRequest, status: number, text: string): PromApiError {
    let errorType = `http_${status}`;
    let detail = text.trim().slice(0, 500);
    try {
      const body = JSON.parse(text) as ApiEnvelope;
      if (body.errorType) errorType = body.errorType;
      if (body.error) detail = body.error;
    } catch {
      // not JSON (a proxy's HTML page, /-/reload's text): keep the text
    }
    return new PromApiError(`prometheus ${req.endpoint}: ${errorType}: ${detail || '(empty body)'} (HTTP ${status})`, req.endpoint, status, errorType, retryableStatus(status));
  }

  /** Sends and unwraps Prometheus' `{status, data}` envelope. */
  private async api<T>(req: BuiltRequest): Promise<T> {
    const text = await this.send(req);
    let body: ApiEnvelope;
    try {
      body = JSON.parse(text) as ApiEnvelope;
    } catch {
      promRequests.inc({ endpoint: req.endpoint, outcome: 'bad_data' });
      throw new PromApiError(`prometheus ${req.endpoint}: answer is not JSON: ${text.slice(0, 200)}`, req.endpoint, 200, 'bad_response', false);
    }
    if (body.status !== 'success') throw new PromApiError(`prometheus ${req.endpoint}: ${body.errorType ?? 'error'}: ${body.error ?? 'unknown error'}`, req.endpoint, 200, body.errorType ?? 'error', false);
    return body.data as T;
  }

  async query(expr: string, time?: number): Promise<InstantSample[]> {
    const data = await this.api<{ resultType: string; result: unknown }>(build.query(this.o, expr, time));
    switch (data.resultType) {
      case 'vector':
        this.checkSeries('query', (data.result as RawSample[]).length);
        return (data.result as RawSample[]).map((s) => ({ labels: s.metric, timestamp: s.value[0], value: parseValue(s.value[1]) }));
      case 'scalar': {
        const [t, v] = data.result as [number, string];
        return [{ labels: {}, timestamp: t, value: parseValue(v) }];
      }
      default:
        throw new Error(`prometheus query '${expr}' returned a ${data.resultType}, not an instant vector or scalar (use queryRange for ranges)`);
    }
  }

  /** Range query; ranges over `maxPointsPerRequest` points per series are split and stitched. */
  async queryRange(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
    const chunks = splitRange(start, end, step, this.o.maxPointsPerRequest ?? 11_000);
    const answers: RangeSeries[][] = [];
    for (const c of chunks) {
      const data = await this.api<{ resultType: string; result: RawSeries[] }>(build.queryRange(this.o, expr, c.start, c.end, step));
      if (data.resultType !== 'matrix') throw new Error(`prometheus query_range '${expr}' returned a ${data.resultType}, expected a matrix`);
      this.checkSeries('query_range', data.result.length);
      answers.push(
        data.result.map((s) => ({
          labels: s.metric,
          timestamps: Float64Array.from(s.values, (p) => p[0]),
          values: Float64Array.from(s.values, (p) => parseValue(p[1])),
        })),
      );
    }
    return chunks.length === 1 ? answers[0]! : stitchSeries(answers);
  }

  series(match: string[], start?: number, end?: number): Promise<Labels[]> {
    if (match.length === 0) throw new Error('series: at least one match[] selector is required');
    return this.api<Labels[]>(build.series(this.o, match, start, end)).then((r) => {
      this.checkSeries('series', r.length);
      return r;
    });
  }

  labelNames(): Promise<string[]> {
    return this.api<string[]>(build.labelNames(this.o));
  }

  labelValues(name: string): Promise<string[]> {
    return this.api<string[]>(build.labelValues(this.o, name));
  }

  async rules(): Promise<RuleGroup[]> {
    return (await this.api<{ groups: RuleGroup[] }>(build.rules(this.o))).groups;
  }

  async alerts(): Promise<PromAlert[]> {
    return (await this.api<{ alerts: PromAlert[] }>(build.alerts(this.o))).alerts;
  }

  async targets(): Promise<Target[]> {
    return (await this.api<{ activeTargets: Target[] }>(build.targets(this.o))).activeTargets;
  }

  /** Whether Prometheus answers /-/ready with 200, and why not when it does not. One attempt, never throws. */
  async readiness(): Promise<{ ready: boolean; reason?: string }> {
    const req = build.ready(this.o);
    try {
      const r = await this.attempt(req);
      const ok = r.status === 200;
      promRequests.inc({ endpoint: 'ready', outcome: ok ? 'success' : `http_${Math.floor(r.status / 100)}xx` });
      return ok ? { ready: true } : { ready: false, reason: `${this.o.url}/-/ready answered HTTP ${r.status}: ${r.text.trim().slice(0, 200)}` };
    } catch (e) {
      const err = e as PromApiError;
      promRequests.inc({ endpoint: 'ready', outcome: err.errorType ?? 'network' });
      // The short cause (ECONNREFUSED, timed out after …) after the exact URL probed.
      return { ready: false, reason: `GET ${req.url}: ${err.message.replace(/^prometheus ready at \S+: /, '')}` };
    }
  }

  async ready(): Promise<boolean> {
    return (await this.readiness()).ready;
  }

  /** POST /-/reload (needs --web.enable-lifecycle); throws with Prometheus' message when the reload fails. */
  async reload(): Promise<void> {
    // A 500 here means the new config is bad: retrying cannot help, so only network errors are retried.
    await this.send(build.reload(this.o), false);
  }
}
