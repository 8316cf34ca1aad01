// Turns periodic scrapes of the demo workload's metric families into the candidate series an operator
// would chart per service (RED + USE), the way PromQL would compute them: rate() of counters over a short
// window, error ratio, p95 from histogram buckets (histogram_quantile), and the resource gauges as ratios.
import type { CandidateSeries, DependencyEdge } from '../../src/rca/model/index.js';
import type { MetricFamily } from '../../src/demo/simulator.js';

type Labels = Record<string, string>;

interface Scrape {
  t: number;
  /** service → name → value (counters summed over other labels; buckets keyed by `bucket:le`). */
  by: Map<string, Map<string, number>>;
  edges: Map<string, number>;
}

const GAUGES: Record<string, string> = {
  probe_success: 'up',
  container_cpu_usage_seconds_total: 'cpu_seconds',
  container_memory_working_set_bytes: 'memory_usage_bytes',
  container_spec_memory_limit_bytes: 'memory_limit_bytes',
  node_filesystem_avail_bytes: 'disk_avail_bytes',
  node_filesystem_size_bytes: 'disk_capacity_bytes',
  db_client_connections_usage: 'db_connections_in_use',
  db_client_connections_max: 'db_connections_max',
  rabbitmq_queue_messages_ready: 'queue_depth',
};

export class Scraper {
  private scrapes: Scrape[] = [];
  constructor(private readonly rateWindow = 2) {}

  scrape(t: number, families: MetricFamily[]): void {
    const by = new Map<string, Map<string, number>>();
    const edges = new Map<string, number>();
    const add = (l: Labels, k: string, v: number) => {
      const s = l.service;
      if (!s) return;
      if (!by.has(s)) by.set(s, new Map());
      const m = by.get(s)!;
      m.set(k, (m.get(k) ?? 0) + v);
    };
    for (const f of families) {
      for (const s of f.samples) {
        if (s.name === 'http_requests_total') {
          add(s.labels, 'requests', s.value);
          if ((s.labels.code ?? '').startsWith('5')) add(s.labels, 'errors', s.value);
        } else if (s.name === 'http_request_duration_seconds_bucket') add(s.labels, `bucket:${s.labels.le}`, s.value);
        else if (s.name === 'traces_service_graph_request_total' && s.labels.client && s.labels.server) {
          edges.set(`${s.labels.client}>${s.labels.server}`, s.value);
        } else if (GAUGES[s.name]) add(s.labels, GAUGES[s.name]!, s.value);
      }
    }
    this.scrapes.push({ t, by, edges });
  }

  /** Caller→callee edges seen with traffic in the service-graph counters. */
  edges(): DependencyEdge[] {
    const last = this.scrapes[this.scrapes.length - 1];
    if (!last) return [];
    return [...last.edges].filter(([, v]) => v > 0).map(([k]) => {
      const [caller, callee] = k.split('>') as [string, string];
      return { caller, callee };
    });
  }

  series(): CandidateSeries[] {
    const services = new Set<string>();
    for (const s of this.scrapes) for (const k of s.by.keys()) services.add(k);
    const out: CandidateSeries[] = [];
    for (const svc of services) {
      const get = (i: number, k: string) => this.scrapes[i]!.by.get(svc)?.get(k);
      const derived: Record<string, number[]> = {
        request_rate: [], error_ratio: [], latency_p95_seconds: [], up: [], cpu_usage_ratio: [],
        memory_usage_ratio: [], disk_usage_ratio: [], db_connections_usage_ratio: [], queue_depth: [],
      };
      const ts: number[] = [];
      for (let i = this.rateWindow; i < this.scrapes.length; i++) {
        const j = i - this.rateWindow;
        const dt = this.scrapes[i]!.t - this.scrapes[j]!.t;
        const dReq = (get(i, 'requests') ?? NaN) - (get(j, 'requests') ?? NaN);
        const dErr = (get(i, 'errors') ?? 0) - (get(j, 'errors') ?? 0);
        ts.push(this.scrapes[i]!.t);
        derived.request_rate!.push(dReq / dt);
        derived.error_ratio!.push(dReq > 0 ? dErr / dReq : NaN);
        derived.latency_p95_seconds!.push(this.quantile(0.95, i, j, svc));
        derived.up!.push(get(i, 'up') ?? NaN);
        derived.cpu_usage_ratio!.push(((get(i, 'cpu_seconds') ?? NaN) - (get(j, 'cpu_seconds') ?? NaN)) / dt); // one core each
        derived.memory_usage_ratio!.push(ratio(get(i, 'memory_usage_bytes'), get(i, 'memory_limit_bytes')));
        derived.disk_usage_ratio!.push(1 - ratio(get(i, 'disk_avail_bytes'), get(i, 'disk_capacity_bytes')));
        derived.db_connections_usage_ratio!.push(ratio(get(i, 'db_connections_in_use'), get(i, 'db_connections_max')));
        derived.queue_depth!.push(get(i, 'queue_depth') ?? NaN);
      }
      for (const [metric, values] of Object.entries(derived)) {
        // A series the service does not expose (all NaN) or that never moves at all is not a candidate.
        const finite = values.filter(Number.isFinite);
        if (finite.length === 0 || finite.every((v) => v === finite[0])) continue;
        out.push({ component: svc, metric, timestamps: ts, values });
      }
    }
    return out;
  }

  private quantile(q: number, i: number, j: number, svc: string): number {
    const a = this.scrapes[i]!.by.get(svc);
    const b = this.scrapes[j]!.by.get(svc);
    if (!a || !b) return NaN;
    const buckets: [number, number][] = [];
    for (const [k, v] of a) {
      if (!k.startsWith('bucket:')) continue;
      const le = k.slice(7) === '+Inf' ? Infinity : Number(k.slice(7));
      buckets.push([le, v - (b.get(k) ?? 0)]);
    }
    return histogramQuantile(q, buckets);
  }
}

function ratio(a?: number, b?: number): number {
  return a === undefined || b === undefined || !(b > 0) ? NaN : a / b;
}

/** Prometheus' histogram_quantile over cumulative [le, count] buckets (linear within a bucket). */
export function histogramQuantile(q: number, buckets: [number, number][]): number {
  buckets.sort((x, y) => x[0] - y[0]);
  const total = buckets[buckets.length - 1]?.[1] ?? 0;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, c] of buckets) {
    if (c >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1e-12, c - prevCount);
    }
    prevLe = le;
    prevCount = c;
  }
  return prevLe;
}
