// Types for serve.mjs, so the companion's TypeScript e2e tests can import it.
export interface PluginHost {
  url: string;
  port: number;
  stop(): Promise<void>;
}
export function startPluginHost(o: {
  companion: string;
  token?: string;
  port?: number;
  host?: string;
  dist?: string;
  /** the Grafana user the proxies forward as X-Grafana-User (default 'admin') */
  user?: string;
  /** the provisioned dashboards served as /api/dashboards/uid/<uid> and shown at /d/<uid> (default: dashboards/) */
  dashboards?: string;
}): Promise<PluginHost>;
export function buildHostBundle(): Promise<Uint8Array>;
