// Metric families recognised from common conventions (pure): OpenTelemetry HTTP semantic conventions,
// Prometheus client libraries (`http_requests_total`, `*_http_request_duration_seconds` histograms),
// node_exporter, cAdvisor, kube-state-metrics, process_* (every Go/Java/Python client, Prometheus and
// Alertmanager themselves), blackbox exporter probes and `up`. Each family is a PromQL template narrowed to one component by
// `{{selector}}`; health scores them and RCA gathers them as candidates. No product-specific names.
import type { Category } from '../models/health/index.js';

export interface Family {
  /** Indicator / candidate name; RCA reads its meaning from the name (error, latency, up, usage…). */
  name: string;
  category: Category;
  betterWhen: 'higher' | 'lower';
  /** A usage/limit ratio: approaching 1 is bad whatever the baseline says. */
  saturation: boolean;
  /** Objective (higher: ratio to stay above; lower: threshold to stay under); none = learned baseline. */
  slo?: number;
  /** Metric names (anchored regular expression) whose presence makes the family worth querying. */
  needs: string;
  /** PromQL with `{{selector}}`; `window` is the rate window (health 5m, RCA 1m). One value per component. */
  query(window: string): string;
}

const HTTP_HIST = '(.+_)?http_(server_)?request_duration_seconds_bucket';
const HTTP_TOTAL = '(.+_)?http_requests_total';
const OTEL_COUNT = 'http_server_request_duration_seconds_count';
/** Pseudo and in-memory filesystems are not capacity. */
export const REAL_FS = 'fstype!~"tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|proc|sysfs|autofs|fuse\\\\..*"';

export const FAMILIES: readonly Family[] = [
  { name: 'up', category: 'availability', betterWhen: 'higher', saturation: false, slo: 0.99, needs: 'up', query: () => 'min(avg_over_time(up{{{selector}}}[5m]))' },
  {
    // Blackbox exporter: a synthetic probe of the component (its health endpoint, a TCP port…) succeeding.
    name: 'probe_success',
    category: 'availability',
    betterWhen: 'higher',
    saturation: false,
    slo: 0.99,
    needs: 'probe_success',
    query: (w) => `min(avg_over_time(probe_success{{{selector}}}[${w}]))`,
  },
  {
    name: 'latency_p95_seconds',
    category: 'performance',
    betterWhen: 'lower',
    saturation: false,
    needs: HTTP_HIST,
    query: (w) => `histogram_quantile(0.95, sum by (le) (rate({__name__=~"${HTTP_HIST}",{{selector}}}[${w}])))`,
  },
  {
    name: 'error_ratio',
    category: 'errors',
    betterWhen: 'lower',
    saturation: false,
    slo: 0.01,
    needs: HTTP_TOTAL,
    // No 5xx series at all is a ratio of 0, not a missing indicator.
    query: (w) =>
      `(sum(rate({__name__=~"${HTTP_TOTAL}",code=~"5..",{{selector}}}[${w}])) or vector(0)) / sum(rate({__name__=~"${HTTP_TOTAL}",{{selector}}}[${w}]))`,
  },
  {
    name: 'otel_error_ratio',
    category: 'errors',
    betterWhen: 'lower',
    saturation: false,
    slo: 0.01,
    needs: OTEL_COUNT,
    query: (w) =>
      `(sum(rate(${OTEL_COUNT}{http_response_status_code=~"5..",{{selector}}}[${w}])) or vector(0)) / sum(rate(${OTEL_COUNT}{{{selector}}}[${w}]))`,
  },
  {
    name: 'request_rate',
    category: 'custom',
    betterWhen: 'higher',
    saturation: false,
    needs: `${HTTP_TOTAL}|${OTEL_COUNT}`,
    query: (w) => `sum(rate({__name__=~"${HTTP_TOTAL}|${OTEL_COUNT}",{{selector}}}[${w}]))`,
  },
  {
    name: 'restarts',
    category: 'errors',
    betterWhen: 'lower',
    saturation: false,
    needs: 'kube_pod_container_status_restarts_total',
    query: () => 'sum(increase(kube_pod_container_status_restarts_total{{{selector}}}[15m]))',
  },
  {
    name: 'oom_killed',
    category: 'errors',
    betterWhen: 'lower',
    saturation: false,
    needs: 'kube_pod_container_status_last_terminated_reason',
    query: () => 'sum(kube_pod_container_status_last_terminated_reason{reason="OOMKilled",{{selector}}}) or vector(0)',
  },
  {
    name: 'cpu_usage_ratio',
    category: 'resources',
    betterWhen: 'lower',
    saturation: true,
    needs: 'node_cpu_seconds_total',
    query: (w) => `1 - avg(rate(node_cpu_seconds_total{mode="idle",{{selector}}}[${w}]))`,
  },
  {
    name: 'memory_usage_ratio',
    category: 'resources',
    betterWhen: 'lower',
    saturation: true,
    needs: 'node_memory_MemAvailable_bytes',
    query: () => 'max(1 - node_memory_MemAvailable_bytes{{{selector}}} / node_memory_MemTotal_bytes{{{selector}}})',
  },
  {
    name: 'disk_usage_ratio',
    category: 'resources',
    betterWhen: 'lower',
    saturation: true,
    needs: 'node_filesystem_avail_bytes',
    query: () => `max(1 - node_filesystem_avail_bytes{${REAL_FS},{{selector}}} / node_filesystem_size_bytes{${REAL_FS},{{selector}}})`,
  },
  {
    name: 'inodes_usage_ratio',
    category: 'resources',
    betterWhen: 'lower',
    saturation: true,
    needs: 'node_filesystem_files_free',
    query: () => `max(1 - node_filesystem_files_free{${REAL_FS},{{selector}}} / (node_filesystem_files{${REAL_FS},{{selector}}} > 0))`,
  },
  {
    name: 'container_memory_usage_ratio',
    category: 'resources',
    betterWhen: 'lower',
    saturation: true,
    needs: 'container_spec_memory_limit_bytes',
    query: () => 'max(container_memory_working_set_bytes{container!="",{{selector}}} / (container_spec_memory_limit_bytes{container!="",{{selector}}} > 0))',
  },
  {
    name: 'container_cpu_seconds',
    category: 'resources',
    betterWhen: 'lower',
    saturation: false,
    needs: 'container_cpu_usage_seconds_total',
    query: (w) => `sum(rate(container_cpu_usage_seconds_total{container!="",{{selector}}}[${w}]))`,
  },
  {
    name: 'fds_usage_ratio',
    category: 'resources',
    betterWhen: 'lower',
    saturation: true,
    needs: 'process_open_fds',
    query: () => 'max(process_open_fds{{{selector}}} / process_max_fds{{{selector}}})',
  },
  {
    name: 'process_cpu_seconds',
    category: 'resources',
    betterWhen: 'lower',
    saturation: false,
    needs: 'process_cpu_seconds_total',
    query: (w) => `sum(rate(process_cpu_seconds_total{{{selector}}}[${w}]))`,
  },
  {
    name: 'process_memory_bytes',
    category: 'resources',
    betterWhen: 'lower',
    saturation: false,
    needs: 'process_resident_memory_bytes',
    query: () => 'sum(process_resident_memory_bytes{{{selector}}})',
  },
];

/** One regular expression over `__name__` matching every metric some family needs (for one presence query). */
export const FAMILY_NAMES_REGEX = [...new Set(FAMILIES.map((f) => f.needs))].join('|');

/** The families with at least one of their metrics among `present` (all of them when presence is unknown). */
export function familiesPresent(present: ReadonlySet<string> | undefined, families: readonly Family[] = FAMILIES): Family[] {
  if (!present) return [...families];
  return families.filter((f) => {
    const re = new RegExp(`^(?:${f.needs})$`);
    for (const n of present) if (re.test(n)) return true;
    return false;
  });
}

/** Health's default indicator templates per category (rate window 5m). */
export function defaultHealthCategories(): Record<Category, { name: string; query: string; betterWhen: 'higher' | 'lower'; slo?: number; saturation: boolean }[]> {
  const out: Record<Category, { name: string; query: string; betterWhen: 'higher' | 'lower'; slo?: number; saturation: boolean }[]> = {
    availability: [],
    performance: [],
    errors: [],
    resources: [],
    custom: [],
  };
  for (const f of FAMILIES) {
    if (f.name === 'request_rate') continue; // traffic is context for RCA, not health: either direction can be fine
    out[f.category].push({ name: f.name, query: f.query('5m'), betterWhen: f.betterWhen, saturation: f.saturation, ...(f.slo !== undefined ? { slo: f.slo } : {}) });
  }
  return out;
}
