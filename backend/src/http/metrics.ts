// The companion's own prom-client registry, served on /metrics. Every module registers here so one
// scrape shows process health, HTTP traffic, Prometheus client calls and model outputs together.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry: Registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Registers a metric once per registry: modules imported twice (tests, hot paths) must not throw. */
function once<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export const httpRequests = once(
  'foresight_http_requests_total',
  () =>
    new Counter({
      name: 'foresight_http_requests_total',
      help: 'HTTP requests served by the companion, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'code'] as const,
      registers: [registry],
    }),
);

export const httpDuration = once(
  'foresight_http_request_duration_seconds',
  () =>
    new Histogram({
      name: 'foresight_http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method and route pattern.',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
);

export const httpErrors = once(
  'foresight_http_errors_total',
  () =>
    new Counter({
      name: 'foresight_http_errors_total',
      help: 'Requests that ended in an unhandled error (status >= 500), by route pattern.',
      labelNames: ['route'] as const,
      registers: [registry],
    }),
);

export const promRequests = once(
  'foresight_prometheus_requests_total',
  () =>
    new Counter({
      name: 'foresight_prometheus_requests_total',
      help: 'Requests the companion sent to the Prometheus HTTP API, by endpoint and outcome (success, http_4xx, http_5xx, network, timeout, bad_data).',
      labelNames: ['endpoint', 'outcome'] as const,
      registers: [registry],
    }),
);

export const promDuration = once(
  'foresight_prometheus_request_duration_seconds',
  () =>
    new Histogram({
      name: 'foresight_prometheus_request_duration_seconds',
      help: 'Duration of Prometheus HTTP API requests (each attempt), by endpoint.',
      labelNames: ['endpoint'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
);

/** Where the Prometheus gate's figures come from (set once by the companion). */
let gateSource: { inFlight: number; queued: number } | undefined;
export function observeGate(g: { inFlight: number; queued: number }): void {
  gateSource = g;
}

export const promGateInFlight = once(
  'foresight_prometheus_in_flight',
  () =>
    new Gauge({
      name: 'foresight_prometheus_in_flight',
      help: 'Prometheus requests in flight now (bounded by limits.prometheus.concurrency).',
      registers: [registry],
      collect() {
        this.set(gateSource?.inFlight ?? 0);
      },
    }),
);

export const promGateQueued = once(
  'foresight_prometheus_queued',
  () =>
    new Gauge({
      name: 'foresight_prometheus_queued',
      help: 'Prometheus requests waiting for a slot now (bounded by limits.prometheus.queue).',
      registers: [registry],
      collect() {
        this.set(gateSource?.queued ?? 0);
      },
    }),
);
