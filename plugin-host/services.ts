// The Grafana services a plugin reaches through @grafana/runtime, implemented with window.fetch.
// Proxy URLs (/api/datasources/proxy/…, /api/plugin-proxy/…) go to the host server, which forwards them
// to the companion and adds the token there, like Grafana's data proxy: the token never reaches the page.
import { Observable } from 'rxjs';
import type { BackendSrv, BackendSrvRequest, FetchResponse, TemplateSrv } from '@grafana/runtime';

function doFetch<T>(req: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable<FetchResponse<T>>((sub) => {
    const ctrl = new AbortController();
    const params = req.params ? `?${new URLSearchParams(req.params as Record<string, string>).toString()}` : '';
    const hasBody = req.data !== undefined && req.method !== 'GET';
    fetch(`${req.url}${params}`, {
      method: req.method ?? 'GET',
      headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(req.headers ?? {}) },
      body: hasBody ? JSON.stringify(req.data) : undefined,
      signal: ctrl.signal,
    })
      .then(async (res) => {
        const text = await res.text();
        let data: unknown = text;
        try {
          data = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text
        }
        const response = {
          data: data as T,
          status: res.status,
          statusText: res.statusText,
          ok: res.ok,
          headers: res.headers,
          redirected: res.redirected,
          type: res.type,
          url: res.url,
          config: req,
        } as FetchResponse<T>;
        if (!res.ok) sub.error({ ...response, message: `HTTP ${res.status}` });
        else {
          sub.next(response);
          sub.complete();
        }
      })
      .catch((err) => sub.error({ status: 0, data: { message: String(err) }, message: String(err) }));
    return () => ctrl.abort();
  });
}

async function promise<T>(req: BackendSrvRequest): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    doFetch<T>(req).subscribe({ next: (r) => resolve(r.data), error: reject })
  );
}

export const backendSrv = {
  fetch: doFetch,
  request: promise,
  datasourceRequest: <T>(req: BackendSrvRequest) =>
    new Promise<FetchResponse<T>>((resolve, reject) => doFetch<T>(req).subscribe({ next: resolve, error: reject })),
  get: <T>(url: string, params?: Record<string, string>) => promise<T>({ url, params, method: 'GET' }),
  post: <T>(url: string, data?: unknown) => promise<T>({ url, data, method: 'POST' }),
  put: <T>(url: string, data?: unknown) => promise<T>({ url, data, method: 'PUT' }),
  patch: <T>(url: string, data?: unknown) => promise<T>({ url, data, method: 'PATCH' }),
  delete: <T>(url: string) => promise<T>({ url, method: 'DELETE' }),
  resolveCancelerIfExists: () => undefined,
} as unknown as BackendSrv; // only the methods plugins call are implemented

/** Template variables of the host page: `$name` → value. */
export function templateSrv(vars: Record<string, string>): TemplateSrv {
  const replace = (target?: string) =>
    (target ?? '').replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a: string, b: string) => vars[a ?? b] ?? m);
  return {
    getVariables: () => [],
    replace,
    containsTemplate: (t?: string) => /\$\w+/.test(t ?? ''),
    updateTimeRange: () => undefined,
  } as unknown as TemplateSrv; // the subset plugins use
}
