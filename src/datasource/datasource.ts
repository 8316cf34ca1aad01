// The companion datasource: coordinates only (request building and shaping live in shaping.ts).
// Every request goes through Grafana's data proxy route `companion`, which adds the token server-side.
import { lastValueFrom } from 'rxjs';
import {
  DataSourceApi,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv, getTemplateSrv } from '@grafana/runtime';
import { infoResponseSchema } from '@foresight/contract';
import { buildRequest, interpolateQuery, parseVariableQuery, shapeOptions, shapeResponse } from './shaping';
import { COMPANION_ROUTE, DEFAULT_QUERY, type FsOptions, type FsQuery } from './types';

export class CompanionDataSource extends DataSourceApi<FsQuery, FsOptions> {
  readonly baseUrl: string;

  constructor(instanceSettings: DataSourceInstanceSettings<FsOptions>) {
    super(instanceSettings);
    this.baseUrl = `${instanceSettings.url ?? ''}/${COMPANION_ROUTE}`;
  }

  getDefaultQuery(): Partial<FsQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(q: FsQuery): boolean {
    return !q.hide;
  }

  applyTemplateVariables(q: FsQuery, scopedVars: ScopedVars): FsQuery {
    return interpolateQuery(q, (v) => getTemplateSrv().replace(v, scopedVars));
  }

  private async fetchJson(path: string, init: { method?: string; data?: unknown } = {}): Promise<unknown> {
    const res = await lastValueFrom(
      getBackendSrv().fetch<unknown>({
        url: `${this.baseUrl}${path}`,
        method: init.method ?? 'GET',
        data: init.data,
        showErrorAlert: false,
      })
    );
    return res.data;
  }

  async query(options: DataQueryRequest<FsQuery>): Promise<DataQueryResponse> {
    const targets = options.targets.map((t) => this.applyTemplateVariables(t, options.scopedVars));
    const { request, errors } = buildRequest(
      targets,
      { from: options.range.from.valueOf(), to: options.range.to.valueOf() },
      options.maxDataPoints,
      (v) => v
    );
    if (!request) {
      return { data: [], errors, error: errors[0] };
    }
    try {
      const shaped = shapeResponse(await this.fetchJson('/api/ds/query', { method: 'POST', data: request }));
      const all = [...errors, ...shaped.errors];
      return { data: shaped.data, errors: all, error: all[0] };
    } catch (err) {
      const message = describeFetchError(err);
      return { data: [], errors: [{ message }], error: { message } };
    }
  }

  async metricFindQuery(query: unknown): Promise<MetricFindValue[]> {
    const kind = parseVariableQuery(query);
    return shapeOptions(await this.fetchJson(`/api/ds/options/${kind}`));
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      const info = infoResponseSchema.safeParse(await this.fetchJson('/api/info'));
      if (!info.success) {
        return {
          status: 'error',
          message: 'The companion answered /api/info with an unexpected body: is the URL right?',
        };
      }
      return { status: 'success', message: `Connected to ${info.data.name} ${info.data.version}` };
    } catch (err) {
      return { status: 'error', message: `Cannot reach the companion: ${describeFetchError(err)}` };
    }
  }
}

/** Grafana's fetch rejects with `{status, data: {error|message}}`; make that one readable line. */
export function describeFetchError(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as {
      status?: number;
      statusText?: string;
      data?: { error?: string; message?: string };
      message?: string;
    };
    const detail = e.data?.error ?? e.data?.message ?? e.message ?? e.statusText;
    if (e.status) {
      return `HTTP ${e.status}${detail ? `: ${detail}` : ''}`;
    }
    if (detail) {
      return detail;
    }
  }
  return String(err);
}
