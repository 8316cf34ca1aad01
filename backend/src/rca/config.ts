// RCA configuration: the candidate series gathered around an incident (by default the conventional metric
// families of every discovered component, backend/src/discovery/; or configured queries grouped by the
// component label), the topology (configured edges and/or inferred from Tempo-style service-graph
// counters), windows, and where a fault log and the runbooks live.
import { z } from 'zod';
import { dataDir } from '../paths.js';

const label = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name');



export const rcaConfigSchema = z
  .object({
    componentLabel: label.default('service'),
    /**
     * Each query must return one series per component, carrying `componentLabel`. Unset: components are
     * discovered from labels and each gets the conventional metric families it has (up, HTTP errors and
     * latency, node_exporter, cAdvisor, kube-state-metrics, process_*).
     */
    metrics: z
      .array(z.object({ name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a metric-like name'), query: z.string().min(1) }).strict())
      .min(1)
      .optional(),
    /** With discovered components and no scope: how many components are gathered at most (one range query per family each). */
    maxComponents: z.number().int().positive().default(50),
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
    /** Default: the `runbooks/` shipped with the companion (beside the package, or in the repository). */
    runbooksDir: z.string().min(1).default(() => dataDir('runbooks')),
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
