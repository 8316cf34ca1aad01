// Plugin-side types of the companion datasource. Queries are the contract's queries (minus refId
// bookkeeping Grafana does itself), so the query editor and the companion agree by construction.
import type { DataQuery, DataSourceJsonData } from '@grafana/data';
import type { Query, QueryType } from '@foresight/contract';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A Grafana query for the companion: any contract query; fields not yet filled in are optional. */
export type FsQuery = DataQuery & { queryType?: QueryType } & Partial<
    DistributiveOmit<Query, 'refId' | 'hide' | 'queryType'>
  >;

export interface FsOptions extends DataSourceJsonData {
  /** Where the Grafana server reaches the companion, e.g. http://companion:8787. */
  companionUrl?: string;
}
export interface FsSecureOptions {
  apiToken?: string;
}

export const DEFAULT_QUERY: Partial<FsQuery> = { queryType: 'sloStatus' };

export const QUERY_TYPE_LABELS: Record<QueryType, { label: string; description: string }> = {
  sloStatus: { label: 'SLO status', description: 'Objective, SLI, budget and burn rates per SLO' },
  budgetHistory: { label: 'Budget history', description: 'Error budget remaining over time for one SLO' },
  burnRates: { label: 'Burn rates', description: 'Burn rate per alert window for one SLO' },
  healthScore: { label: 'Health score', description: 'Score 0–100, grade and categories per component' },
  forecast: { label: 'Forecast', description: 'Capacity forecast with 80/95% bands' },
  anomalies: { label: 'Anomalies', description: 'Scored anomalies over the range' },
  rootCause: { label: 'Root cause', description: 'Ranked root-cause candidates for an incident' },
};

/** The proxy route name in plugin.json: requests go to `${instanceSettings.url}/companion/...`. */
export const COMPANION_ROUTE = 'companion';
