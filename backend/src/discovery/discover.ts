// Discovery against Prometheus (the I/O edge): which components exist (from `up`, `service` labels on
// conventional HTTP metrics, Kubernetes pods, containers) and which metric families are present. Only
// instant queries, so it runs on any Prometheus-compatible API (Prometheus, Mimir, Thanos, VictoriaMetrics).
import type { PromClient } from '../prom/client.js';
import { componentsFromLabels, type Component } from './components.js';
import { FAMILY_NAMES_REGEX } from './conventions.js';

export type DiscoveryReader = Pick<PromClient, 'query'>;

/** Metrics that carry the workload's own `service` label by convention (not the scrape target's). */
const SERVICE_METRICS = '(.+_)?http_requests_total|http_server_request_duration_seconds_count|(.+_)?http_request_duration_seconds_count|target_info';
const POD_METRICS = 'container_cpu_usage_seconds_total|container_memory_working_set_bytes|kube_pod_info';

export interface DiscoveryResult {
  components: Component[];
  /** Metric names some family needs that have series now. */
  present: Set<string>;
  /** Queries that failed (discovery carries on with what answered). */
  errors: string[];
}

export async function discover(prom: DiscoveryReader, o: { now: number; max?: number }): Promise<DiscoveryResult> {
  const errors: string[] = [];
  const ask = async (what: string, q: string): Promise<Record<string, string>[]> => {
    try {
      return (await prom.query(q, o.now)).map((r) => r.labels);
    } catch (e) {
      errors.push(`${what}: ${(e as Error).message}`);
      return [];
    }
  };
  const [jobs, sharedJobs, services, pods, containers, names] = await Promise.all([
    ask('jobs', 'count by (job) (up)'),
    // A job carrying several services' series (one app exposing many, an OpenTelemetry collector, a gateway):
    // its services are the components; the job as one more would only sum them.
    ask('jobs of several services', `count by (job) (count by (job, service) ({__name__=~"${SERVICE_METRICS}",service!=""})) > 1`),
    ask('services', `count by (service) ({__name__=~"${SERVICE_METRICS}",service!=""})`),
    ask('pods', `count by (namespace, pod) ({__name__=~"${POD_METRICS}",namespace!="",pod!=""})`),
    ask('containers', 'count by (container) (container_memory_working_set_bytes{container!="",container!="POD",pod=""})'),
    ask('metric families', `count by (__name__) ({__name__=~"${FAMILY_NAMES_REGEX}"})`),
  ]);
  // Nothing answered (Prometheus unreachable, wrong URL): that is an error, not an empty stack.
  if (errors.length === 6) throw new Error(`discovery: every query failed, e.g. ${errors[0]}`);
  const values = (rows: Record<string, string>[], l: string): string[] => [...new Set(rows.map((r) => r[l]).filter((v): v is string => !!v))];
  const components = componentsFromLabels(
    {
      services: values(services, 'service'),
      pods: pods.filter((r) => r.namespace && r.pod).map((r) => ({ namespace: r.namespace!, pod: r.pod! })),
      containers: values(containers, 'container'),
      jobs: values(jobs, 'job').filter((j) => !values(sharedJobs, 'job').includes(j)),
    },
    o.max,
  );
  return { components, present: new Set(values(names, '__name__')), errors };
}
