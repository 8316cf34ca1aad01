// RCA configuration: the component label, the per-component RED/USE queries gathered around an incident
// (each grouped by the component label), the topology (configured edges and/or inferred from Tempo-style
// service-graph counters), windows, and where the demo workload's fault log and the runbooks live.
import { z } from 'zod';
import { fileURLToPath } from 'node:url';

const label = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name');

const by = 'sum by (service)';
const DEMO_METRICS = [
  { name: 'request_rate', query: `${by} (rate(demo_http_requests_total[1m]))` },
  {
    name: 'error_ratio',
    query: `(${by} (rate(demo_http_requests_total{code=~"5.."}[1m])) or ${by} (rate(demo_http_requests_total[1m])) * 0) / ${by} (rate(demo_http_requests_total[1m]))`,
  },
  { name: 'latency_p95_seconds', query: 'histogram_quantile(0.95, sum by (service, le) (rate(demo_http_request_duration_seconds_bucket[1m])))' },
  { name: 'up', query: 'min by (service) (demo_up)' },
  { name: 'cpu_usage_ratio', query: 'max by (service) (demo_cpu_usage_ratio)' },
  { name: 'memory_usage_ratio', query: 'max by (service) (demo_memory_usage_bytes / demo_memory_limit_bytes)' },
  { name: 'disk_usage_ratio', query: 'max by (service) (demo_disk_usage_bytes / demo_disk_capacity_bytes)' },
  { name: 'db_connections_usage_ratio', query: 'max by (service) (demo_db_connections_in_use / demo_db_connections_max)' },
  { name: 'queue_depth', query: 'max by (service) (demo_queue_depth)' },
];

const DEFAULT_RUNBOOKS = fileURLToPath(new URL('../../../runbooks', import.meta.url));

export const rcaConfigSchema = z
  .object({
    componentLabel: label.default('service'),
    /** Each query must return one series per component, carrying the component label. */
    metrics: z
      .array(z.object({ name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a metric-like name'), query: z.string().min(1) }).strict())
      .min(1)
      .default(DEMO_METRICS),
    topology: z
      .object({
        edges: z.array(z.object({ caller: z.string().min(1), callee: z.string().min(1) }).strict()).default([]),
        /** Infer caller→callee edges from service-graph counters in Prometheus. */
        infer: z.boolean().default(true),
        query: z.string().min(1).default('sum by (client, server) (increase(traces_service_graph_request_total[1h]))'),
        callerLabel: label.default('client'),
        calleeLabel: label.default('server'),
      })
      .strict()
      .default({}),
    /** Pre-incident history fetched for the baselines. */
    baselineMinutes: z.number().positive().default(60),
    /** How far after the incident time to look when no end is given. */
    afterMinutes: z.number().positive().default(15),
    stepSeconds: z.number().positive().default(15),
    /** Hops around the scoped components whose series are gathered too (their dependencies and callers). */
    dependencyDepth: z.number().int().min(0).max(5).default(2),
    /**
     * Change markers for the timeline: a change in any of these series' values is a deploy/config event.
     * Defaults: process restarts and Prometheus config reloads.
     */
    markers: z
      .array(z.object({ name: z.string().min(1), query: z.string().min(1) }).strict())
      .default([
        { name: 'process restarted', query: 'max by (job, instance, service) (process_start_time_seconds)' },
        { name: 'Prometheus config reloaded', query: 'max by (job, instance) (prometheus_config_last_reload_success_timestamp_seconds)' },
      ]),
    /** Base URL of the demo workload; its GET /faults log becomes timeline events. */
    faultsUrl: z.string().url().optional(),
    runbooksDir: z.string().min(1).default(DEFAULT_RUNBOOKS),
    /** Link prefix for runbooks in results and alert annotations (e.g. a Git web URL); default the file path. */
    runbookBaseUrl: z.string().optional(),
    /** Anomaly groups from the models scheduler start investigations like Alertmanager incidents do. */
    anomalies: z
      .object({
        investigate: z.boolean().default(true),
        /** New findings investigated per models cycle at most (the rest are skipped, not queued). */
        maxPerCycle: z.number().int().min(0).default(3),
        /** Findings that ended longer ago than this are history (e.g. restored after a restart), not incidents. */
        maxAgeMinutes: z.number().positive().default(60),
      })
      .strict()
      .default({}),
  })
  .strict();

export type RcaConfig = z.infer<typeof rcaConfigSchema>;

export function parseRcaConfig(raw: unknown, source = 'rca'): RcaConfig {
  const r = rcaConfigSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  throw new Error(`invalid rca config: ${r.error.issues.map((i) => `${source}.${i.path.join('.')}: ${i.message}`).join('; ')}`);
}
