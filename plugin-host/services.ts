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

/** A dashboard's template variable as the host resolved it. */
export interface HostVariable {
  name: string;
  label?: string;
  value: string;
  options: string[];
}

/**
 * Template variables of the host page: `$name`, `${name}`, `${name:format}` and `[[name]]` are replaced
 * with the current value, scoped variables first (Grafana's templateSrv syntax; one value per variable).
 * `vars` is read at each call, so a dashboard can set its variables after the service is registered.
 */
export function templateSrv(vars: Map<string, HostVariable>): TemplateSrv {
  const pattern = /\$(\w+)|\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)\]\]/g;
  const replace = (target?: string, scopedVars?: Record<string, { value?: unknown } | undefined>) =>
    (target ?? '').replace(pattern, (m, a?: string, b?: string, c?: string) => {
      const name = (a ?? b ?? c)!;
      const scoped = scopedVars?.[name];
      if (scoped && scoped.value !== undefined) {
        return String(scoped.value);
      }
      return vars.get(name)?.value ?? m;
    });
  return {
    getVariables: () =>
      [...vars.values()].map((v) => ({
        name: v.name,
        label: v.label ?? v.name,
        type: 'query',
        current: { value: v.value, text: v.value },
        options: v.options.map((o) => ({ value: o, text: o, selected: o === v.value })),
      })),
    replace,
    containsTemplate: (t?: string) => {
      pattern.lastIndex = 0;
      return [...(t ?? '').matchAll(pattern)].some((m) => vars.has((m[1] ?? m[2] ?? m[3])!));
    },
    updateTimeRange: () => undefined,
  } as unknown as TemplateSrv; // the subset plugins use
}
