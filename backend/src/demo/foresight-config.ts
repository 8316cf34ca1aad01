// What Foresight is told about the demo workload by the local stack: indicators scored against the demo's
// own objectives (per-service probes, pool and queue gauges) on top of what discovery finds. The names are
// conventional (Prometheus client, cAdvisor, node_exporter, OpenTelemetry, blackbox, RabbitMQ); the
// companion needs none of this to find the services and rank a fault (backend/src/discovery/).

const sel = (metric: string) => `${metric}{service="{{component}}"}`;

/** `health:` for the demo: components are the values of `service` on probe_success, scored by the demo's own metrics. */
export const DEMO_HEALTH = {
  componentLabel: 'service',
  discovery: 'probe_success',
  categories: {
    availability: [{ name: 'up', query: `avg_over_time(${sel('probe_success')}[5m])`, betterWhen: 'higher', slo: 0.99 }],
    performance: [
      { name: 'latency_p95_seconds', query: `histogram_quantile(0.95, sum by (le) (rate(${sel('http_request_duration_seconds_bucket')}[5m])))`, betterWhen: 'lower' },
    ],
    errors: [
      {
        name: 'error_ratio',
        query: `sum(rate(http_requests_total{service="{{component}}",code=~"5.."}[5m])) / sum(rate(${sel('http_requests_total')}[5m]))`,
        betterWhen: 'lower',
        slo: 0.01,
      },
    ],
    resources: [
      { name: 'cpu_usage_ratio', query: `rate(${sel('container_cpu_usage_seconds_total')}[5m])`, betterWhen: 'lower', saturation: true },
      { name: 'memory_usage_ratio', query: `${sel('container_memory_working_set_bytes')} / ${sel('container_spec_memory_limit_bytes')}`, betterWhen: 'lower', saturation: true },
      { name: 'disk_usage_ratio', query: `1 - ${sel('node_filesystem_avail_bytes')} / ${sel('node_filesystem_size_bytes')}`, betterWhen: 'lower', saturation: true },
      { name: 'db_connections_usage_ratio', query: `${sel('db_client_connections_usage')} / ${sel('db_client_connections_max')}`, betterWhen: 'lower', saturation: true },
    ],
    custom: [{ name: 'queue_depth', query: sel('rabbitmq_queue_messages_ready'), betterWhen: 'lower' }],
  },
};

const by = 'sum by (service)';
/** `rca.metrics` for the demo: its RED/USE series, one per service. */
export const DEMO_RCA_METRICS = [
  { name: 'request_rate', query: `${by} (rate(http_requests_total[1m]))` },
  {
    name: 'error_ratio',
    query: `(${by} (rate(http_requests_total{code=~"5.."}[1m])) or ${by} (rate(http_requests_total[1m])) * 0) / ${by} (rate(http_requests_total[1m]))`,
  },
  { name: 'latency_p95_seconds', query: 'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[1m])))' },
  { name: 'up', query: 'min by (service) (probe_success)' },
  { name: 'cpu_usage_ratio', query: 'max by (service) (rate(container_cpu_usage_seconds_total[1m]))' },
  { name: 'memory_usage_ratio', query: 'max by (service) (container_memory_working_set_bytes / container_spec_memory_limit_bytes)' },
  { name: 'disk_usage_ratio', query: 'max by (service) (1 - node_filesystem_avail_bytes / node_filesystem_size_bytes)' },
  { name: 'db_connections_usage_ratio', query: 'max by (service) (db_client_connections_usage / db_client_connections_max)' },
  { name: 'queue_depth', query: 'max by (service) (rabbitmq_queue_messages_ready)' },
];

/** `models:` for the demo: capacity of memory and disk against their limits, anomalies in latency and error
 *  ratio per service. Short warm-up and interval so a demo shows results in minutes. */
export const DEMO_MODEL_TARGETS = {
  intervalSeconds: 15,
  targets: [
    { name: 'memory', kind: 'capacity', query: 'container_memory_working_set_bytes', threshold: 'container_spec_memory_limit_bytes', step: 15, lookback: 3600, horizon: 86400 },
    { name: 'disk', kind: 'capacity', query: 'node_filesystem_size_bytes - node_filesystem_avail_bytes', threshold: 'node_filesystem_size_bytes', step: 15, lookback: 3600, horizon: 86400 },
    {
      name: 'latency_p95',
      kind: 'anomaly',
      query: 'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[1m])))',
      step: 15,
      warmupPoints: 40,
    },
    {
      name: 'error_ratio',
      kind: 'anomaly',
      query: 'sum by (service) (rate(http_requests_total{code=~"5.."}[1m])) / sum by (service) (rate(http_requests_total[1m]))',
      step: 15,
      warmupPoints: 40,
    },
  ],
};
