// What the rules writer needs from Prometheus. The shared PromClient (src/prom/client.ts) satisfies this
// structurally; `httpRulesApi` is a minimal stand-in for callers that only have a URL (CLI, tests).

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

/** Minimal query client for callers that only have a URL (CLI, tests) until they hold a PromClient. */
export function httpQueryApi(baseUrl: string, o: { timeoutMs?: number; headers?: Record<string, string> } = {}): QueryPromApi {
  const url = baseUrl.replace(/\/+$/, '');
  const get = async (path: string, params: Record<string, string>) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { ...(o.headers ?? {}), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
    if (body.status !== 'success') throw new Error(`${path} '${params.query}': ${body.error ?? `HTTP ${res.status}`}`);
    return body.data!;
  };
  return {
    async query(expr, time) {
      const d = await get('/api/v1/query', { query: expr, ...(time !== undefined ? { time: String(time) } : {}) });
      if (d.resultType === 'scalar') {
        const [t, v] = d.result as [number, string];
        return [{ labels: {}, timestamp: t, value: Number(v) }];
      }
      return (d.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({ labels: r.metric, timestamp: r.value[0], value: Number(r.value[1]) }));
    },
    async queryRange(expr, start, end, step) {
      const d = await get('/api/v1/query_range', { query: expr, start: String(start), end: String(end), step: String(step) });
      return (d.result as { metric: Record<string, string>; values: [number, string][] }[]).map((r) => ({
        labels: r.metric,
        timestamps: Float64Array.from(r.values.map((v) => v[0])),
        values: Float64Array.from(r.values.map((v) => Number(v[1]))),
      }));
    },
  };
}

export function httpRulesApi(baseUrl: string, o: { timeoutMs?: number; headers?: Record<string, string> } = {}): RulesPromApi {
  const url = baseUrl.replace(/\/+$/, '');
  const timeoutMs = o.timeoutMs ?? 10_000;
  return {
    async reload() {
      const res = await fetch(`${url}/-/reload`, { method: 'POST', headers: o.headers, signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`POST ${url}/-/reload: HTTP ${res.status}: ${(await res.text()).trim().slice(0, 500)}`);
    },
    async rules() {
      const res = await fetch(`${url}/api/v1/rules`, { headers: o.headers, signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`GET ${url}/api/v1/rules: HTTP ${res.status}`);
      const body = (await res.json()) as { status: string; data?: { groups?: LoadedGroup[] } };
      return body.data?.groups ?? [];
    },
  };
}
