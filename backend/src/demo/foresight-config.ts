// What Foresight is told about the demo workload: the one place that knows the demo's metric names
// (demo_up, demo_http_*, demo_*_usage_*). The local stack merges this into the companion's config;
// the companion's own defaults know only conventional names (backend/src/discovery/).

const sel = (metric: string) => `${metric}{service="{{component}}"}`;

/** `health:` for the demo: components are the values of `service` on demo_up, scored by the demo's own metrics. */
export const DEMO_HEALTH = {
  componentLabel: 'service',
  discovery: 'demo_up',
  categories: {
    availability: [{ name: 'up', query: `avg_over_time(${sel('demo_up')}[5m])`, betterWhen: 'higher', slo: 0.99 }],
    performance: [
      { name: 'latency_p95_seconds', query: `histogram_quantile(0.95, sum by (le) (rate(${sel('demo_http_request_duration_seconds_bucket')}[5m])))`, betterWhen: 'lower' },
    ],
    errors: [
      {
        name: 'error_ratio',
        query: `sum(rate(demo_http_requests_total{service="{{component}}",code=~"5.."}[5m])) / sum(rate(${sel('demo_http_requests_total')}[5m]))`,
        betterWhen: 'lower',
        slo: 0.01,
      },
    ],
    resources: [
      { name: 'cpu_usage_ratio', query: `avg_over_time(${sel('demo_cpu_usage_ratio')}[5m])`, betterWhen: 'lower', saturation: true },
      { name: 'memory_usage_ratio', query: `${sel('demo_memory_usage_bytes')} / ${sel('demo_memory_limit_bytes')}`, betterWhen: 'lower', saturation: true },
      { name: 'disk_usage_ratio', query: `${sel('demo_disk_usage_bytes')} / ${sel('demo_disk_capacity_bytes')}`, betterWhen: 'lower', saturation: true },
      { name: 'db_connections_usage_ratio', query: `${sel('demo_db_connections_in_use')} / ${sel('demo_db_connections_max')}`, betterWhen: 'lower', saturation: true },
    ],
    custom: [{ name: 'queue_depth', query: sel('demo_queue_depth'), betterWhen: 'lower' }],
  },
};

const by = 'sum by (service)';
/** `rca.metrics` for the demo: its RED/USE series, one per service. */
export const DEMO_RCA_METRICS = [
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

/** `models:` for the demo: capacity of memory and disk against their limits, anomalies in latency and error
 *  ratio per service. Short warm-up and interval so a demo shows results in minutes. */
export const DEMO_MODEL_TARGETS = {
  intervalSeconds: 15,
  targets: [
    { name: 'memory', kind: 'capacity', query: 'demo_memory_usage_bytes', threshold: 'demo_memory_limit_bytes', step: 15, lookback: 3600, horizon: 86400 },
    { name: 'disk', kind: 'capacity', query: 'demo_disk_usage_bytes', threshold: 'demo_disk_capacity_bytes', step: 15, lookback: 3600, horizon: 86400 },
    {
      name: 'latency_p95',
      kind: 'anomaly',
      query: 'histogram_quantile(0.95, sum by (service, le) (rate(demo_http_request_duration_seconds_bucket[1m])))',
      step: 15,
      warmupPoints: 40,
    },
    {
      name: 'error_ratio',
      kind: 'anomaly',
      query: 'sum by (service) (rate(demo_http_requests_total{code=~"5.."}[1m])) / sum by (service) (rate(demo_http_requests_total[1m]))',
      step: 15,
      warmupPoints: 40,
    },
  ],
};
