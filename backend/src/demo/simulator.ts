// Pure, seeded simulator of the demo system: no I/O, no timers. Time is the metrics' own clock in
// unix ms (what Prometheus would stamp); `timeScale` only compresses the daily cycle and the trend
// (1440 → a simulated day every real minute). Gauges are functions of time; counters are integrals
// of rates that are constant on a fixed 5 s grid, so any sequence of advance() calls to the same
// time gives the same numbers. Faults act on one service; callers see a callee's state one
// propagation delay late per hop (payments → checkout → frontend).
import { CALLEES, EDGES, LATENCY_BUCKETS, PROFILES, SERVICES, TOP_DOWN, type Service } from './topology.js';
import { FAULT_MAGNITUDE, parseFaultSpec, type FaultRecord, type FaultSpec } from './faults.js';
import { gaussian, normalCdf } from './noise.js';
import type { MetricFamily, MetricSample } from './exposition.js';

export type { FaultSpec, FaultRecord, FaultType } from './faults.js';
export type { MetricFamily, MetricSample } from './exposition.js';
export { SERVICES, EDGES, type Service } from './topology.js';

export interface SimulatorOptions {
  seed: number;
  /** simulated seconds per second of the metrics' clock (daily cycle and trend only); default 1 */
  timeScale?: number;
  /** unix ms where the counters start at zero; default 2026-01-01T00:00:00Z */
  startMs?: number;
  /** delay per call hop before a callee's trouble shows in its caller; default 30 s (multiple of 5 s) */
  propagationDelayMs?: number;
}

export interface Simulator {
  advance(toMs: number): void;
  inject(f: FaultSpec & { startMs: number }): string;
  end(id: string, atMs: number): void;
  /** current values of every metric family at the last advance() time */
  metrics(): MetricFamily[];
  faults(): FaultRecord[];
  /** the time the simulator has been advanced to */
  now(): number;
}

const STEP_MS = 5000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const CODES = ['200', '404', '500', '503'] as const;
const SIGMA = 0.45; // lognormal spread of a healthy request's latency
const TIMEOUT_S = 1; // callers give up on a dead callee after this long
const TIMEOUT_SIGMA = 0.12;
const CPU_CORES = 1; // each service's container is allotted one core, so rate(cpu seconds) is its usage ratio
const DISK_LABELS = { device: '/dev/vdb', fstype: 'ext4' } as const; // the data volume of a stateful service
const HOLD_FACTOR = 20; // db connection hold time per unit of request latency (transactions, think time)
const N = SERVICES.length;
const IDX: Record<Service, number> = Object.fromEntries(SERVICES.map((s, i) => [s, i])) as Record<Service, number>;

/** Fault effects on each service at one instant (indexed like SERVICES). */
interface Effects {
  surge: Float64Array;
  spike: Float64Array;
  burst: Float64Array;
  down: Float64Array;
  leak: Float64Array; // fraction of the memory limit leaked so far
  fill: Float64Array; // fraction of the disk filled so far
  backlog: number; // queue messages held back by queue faults
}

/** What each service looks like on one 5 s grid step. */
interface Health {
  tb: number;
  done: Uint8Array; // which services' fields below are filled
  rps: Float64Array;
  cpu: Float64Array;
  err: Float64Array; // total 5xx ratio
  err503: Float64Array; // part of err that is the service itself being down
  median: Float64Array; // median latency of a normal request (s)
  slow: Float64Array; // fraction of requests stuck on a dead callee's timeout
  eff: Effects;
}

export function createSimulator(o: SimulatorOptions): Simulator {
  if (!Number.isFinite(o.seed)) throw new Error(`createSimulator: seed must be a finite number; got ${o.seed}`);
  const seed = Math.floor(o.seed);
  const timeScale = o.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new Error(`createSimulator: timeScale must be > 0; got ${timeScale}`);
  const startMs = o.startMs ?? Date.UTC(2026, 0, 1);
  const delayMs = Math.max(STEP_MS, Math.round((o.propagationDelayMs ?? 30_000) / STEP_MS) * STEP_MS);
  let cur = startMs;
  const faults: FaultRecord[] = [];
  let nextId = 1;

  // Accumulators over whole grid steps (float; exposed floored so counters stay integers). The
  // current partial step is added only when metrics are read, so the sums never depend on how
  // advance() was called.
  const committed = newAcc();
  let committedTo = startMs;

  const cache = new Map<number, Health>();

  function simClock(t: number): number {
    return startMs + (t - startMs) * timeScale;
  }
  /** Daily traffic shape: trough near 03:00, peak near 15:00 (simulated clock, UTC). */
  function cycle(t: number): number {
    const dayFrac = (((simClock(t) % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
    return 1 + 0.45 * Math.sin(2 * Math.PI * (dayFrac - 0.375));
  }
  /** Slow growth: +5 % traffic per simulated week. */
  function trend(t: number): number {
    return 1 + (0.05 * (simClock(t) - startMs)) / WEEK_MS;
  }

  function effectsAt(t: number): Effects {
    const e: Effects = {
      surge: new Float64Array(N).fill(1),
      spike: new Float64Array(N).fill(1),
      burst: new Float64Array(N),
      down: new Float64Array(N),
      leak: new Float64Array(N),
      fill: new Float64Array(N),
      backlog: 0,
    };
    for (const f of faults) {
      const i = IDX[f.service];
      // A slow or dead queue stalls its consumers: ~4 msg/s pile up, and drain over 5 minutes after.
      if (f.service === 'queue' && (f.type === 'latency_spike' || f.type === 'dependency_outage') && t >= f.startMs) {
        const rate = f.type === 'latency_spike' ? 4 * (1 - 1 / f.magnitude) : 4 * f.magnitude;
        const peak = (rate * (Math.min(t, f.endMs) - f.startMs)) / 1000;
        e.backlog += t < f.endMs ? peak : peak * Math.max(0, 1 - (t - f.endMs) / 300_000);
      }
      if (t < f.startMs || t >= f.endMs) continue;
      const minutes = (t - f.startMs) / 60_000;
      switch (f.type) {
        case 'latency_spike':
          e.spike[i] *= f.magnitude;
          break;
        case 'error_burst':
          e.burst[i] = 1 - (1 - e.burst[i]) * (1 - f.magnitude);
          break;
        case 'dependency_outage':
          e.down[i] = Math.max(e.down[i], f.magnitude);
          break;
        case 'traffic_surge':
          e.surge[i] *= f.magnitude;
          break;
        case 'memory_leak':
          e.leak[i] += f.magnitude * minutes;
          break;
        case 'disk_fill':
          e.fill[i] += f.magnitude * minutes;
          break;
      }
    }
    return e;
  }

  function memoryFrac(i: number, t: number, eff: Effects): number {
    const s = SERVICES[i];
    const base = PROFILES[s].memoryBase * (1 + 0.04 * (cycle(t) - 1)) + 0.005 * gaussian(seed, 100 + i, Math.floor(t / STEP_MS));
    return Math.min(0.99, base + eff.leak[i]);
  }

  function diskFrac(i: number, t: number, eff: Effects): number {
    const p = PROFILES[SERVICES[i]];
    if (p.diskBase === undefined) return 0;
    const growth = (0.005 * (simClock(t) - startMs)) / DAY_MS; // +0.5 % of capacity per simulated day
    return Math.min(1, p.diskBase + growth + 0.0005 * gaussian(seed, 200 + i, Math.floor(t / STEP_MS)) + eff.fill[i]);
  }

  /** Traffic and fault effects on the grid step starting at tb (memoised); per-service health is filled lazily. */
  function step(tb: number): Health {
    const hit = cache.get(tb);
    if (hit) return hit;
    const k = tb / STEP_MS;
    const eff = effectsAt(tb);
    const c = cycle(tb) * trend(tb);
    const rps = new Float64Array(N);
    // Traffic flows top-down; a down service makes no onward calls.
    for (const s of TOP_DOWN) {
      const i = IDX[s];
      rps[i] += PROFILES[s].externalRps * c * (1 + 0.05 * gaussian(seed, i, k));
      rps[i] *= eff.surge[i];
      for (const e of CALLEES[s]) rps[IDX[e.server]] += rps[i] * e.fanout * (1 - eff.down[i]);
    }
    const h: Health = {
      tb,
      rps,
      done: new Uint8Array(N),
      cpu: new Float64Array(N),
      err: new Float64Array(N),
      err503: new Float64Array(N),
      median: new Float64Array(N),
      slow: new Float64Array(N),
      eff,
    };
    cache.set(tb, h);
    // Keep only what later steps can still look back to (at most 3 hops).
    for (const key of cache.keys()) {
      if (key >= tb - 5 * delayMs) break;
      cache.delete(key);
    }
    return h;
  }

  /** Fills service i's health on step h; callees are read one propagation delay earlier (recursion ends at db). */
  function serviceHealth(h: Health, i: number): void {
    if (h.done[i]) return;
    const s = SERVICES[i];
    const p = PROFILES[s];
    const { eff, rps, tb } = h;
    const k = tb / STEP_MS;
    const util = p.cpuBase + p.cpuPerRps * rps[i];
    h.cpu[i] = Math.min(1, util * (1 + 0.03 * gaussian(seed, 300 + i, k)) + (eff.spike[i] > 1 ? 0.05 : 0));
    let ok = (1 - p.errorRatio * (1 + 0.3 * gaussian(seed, 400 + i, k))) * (1 - eff.burst[i]) * (1 - eff.down[i]);
    if (memoryFrac(i, tb, eff) > 0.97) ok *= 0.5; // OOM kills
    if (p.diskBase !== undefined && diskFrac(i, tb, eff) > 0.98) ok *= 0.3; // writes fail on a full disk
    let median = (p.latencyS * eff.spike[i] * (1 + 0.08 * gaussian(seed, 500 + i, k))) / (1 - Math.min(0.9, util));
    let notSlow = 1;
    const callees = CALLEES[s];
    if (callees.length) {
      // Sequential calls add the callee's latency; its failures become ours; a dead callee costs a timeout.
      const prev = step(tb - delayMs);
      for (const e of callees) {
        const j = IDX[e.server];
        serviceHealth(prev, j);
        const p1 = Math.min(1, e.fanout);
        ok *= 1 - p1 * 0.85 * prev.err[j];
        median += e.fanout * prev.median[j];
        notSlow *= 1 - p1 * Math.min(1, prev.eff.down[j] + prev.slow[j]);
      }
    }
    h.err[i] = Math.min(1, Math.max(0, 1 - ok));
    h.err503[i] = Math.min(h.err[i], eff.down[i]);
    h.median[i] = median;
    h.slow[i] = 1 - notSlow;
    h.done[i] = 1;
  }

  /** Every service's health on the step starting at tb. */
  function health(tb: number): Health {
    const h = step(tb);
    for (let i = 0; i < N; i++) serviceHealth(h, i);
    return h;
  }

  function accumulate(acc: Acc, h: Health, dt: number): void {
    const { codeAcc, bucketAcc, countAcc, sumAcc, cpuAcc, edgeReq, edgeFail } = acc;
    for (let i = 0; i < N; i++) {
      cpuAcc[i] += h.cpu[i] * CPU_CORES * dt;
      const n = h.rps[i] * dt;
      if (n <= 0) continue;
      const err = h.err[i];
      const ok = 1 - err;
      const a = codeAcc[i];
      a[0] += n * ok * 0.99;
      a[1] += n * ok * 0.01;
      a[2] += n * (err - h.err503[i]);
      a[3] += n * h.err503[i];
      const m = h.median[i];
      const slow = h.slow[i];
      const b = bucketAcc[i];
      const lm = Math.log(m);
      const lt = Math.log(TIMEOUT_S);
      for (let j = 0; j < LATENCY_BUCKETS.length; j++) {
        const ll = Math.log(LATENCY_BUCKETS[j]);
        b[j] += n * ((1 - slow) * normalCdf((ll - lm) / SIGMA) + slow * normalCdf((ll - lt) / TIMEOUT_SIGMA));
      }
      countAcc[i] += n;
      sumAcc[i] += n * ((1 - slow) * m * Math.exp((SIGMA * SIGMA) / 2) + slow * TIMEOUT_S * Math.exp((TIMEOUT_SIGMA * TIMEOUT_SIGMA) / 2));
    }
    EDGES.forEach((e, x) => {
      const calls = h.rps[IDX[e.client]] * e.fanout * (1 - h.eff.down[IDX[e.client]]) * dt;
      edgeReq[x] += calls;
      edgeFail[x] += calls * h.err[IDX[e.server]];
    });
  }

  function advance(toMs: number): void {
    if (!Number.isFinite(toMs)) throw new Error(`simulator.advance: time must be finite; got ${toMs}`);
    if (toMs < cur) throw new Error(`simulator.advance: cannot go back in time (at ${new Date(cur).toISOString()}, asked ${new Date(toMs).toISOString()})`);
    while (true) {
      const tb = Math.floor(committedTo / STEP_MS) * STEP_MS;
      if (tb + STEP_MS > toMs) break;
      accumulate(committed, health(tb), (tb + STEP_MS - committedTo) / 1000);
      committedTo = tb + STEP_MS;
    }
    cur = toMs;
  }

  function inject(f: FaultSpec & { startMs: number }): string {
    const spec = parseFaultSpec(f);
    if (!Number.isFinite(f.startMs) || f.startMs < cur) {
      throw new Error(`simulator.inject: startMs ${f.startMs} is before the simulator's current time ${cur} (faults cannot change the past)`);
    }
    const id = `f${nextId++}`;
    const magnitude = spec.magnitude ?? FAULT_MAGNITUDE[spec.type].default;
    const endMs = f.startMs + Math.round(spec.durationSeconds * 1000);
    faults.push({
      id,
      type: spec.type,
      service: spec.service,
      magnitude,
      startMs: f.startMs,
      endMs,
      start: new Date(f.startMs).toISOString(),
      end: new Date(endMs).toISOString(),
    });
    invalidateFrom(f.startMs);
    return id;
  }

  function end(id: string, atMs: number): void {
    const f = faults.find((x) => x.id === id);
    if (!f) throw new Error(`simulator.end: no fault with id ${JSON.stringify(id)}`);
    if (!Number.isFinite(atMs) || atMs < cur) throw new Error(`simulator.end: atMs ${atMs} is before the simulator's current time ${cur}`);
    const at = Math.max(atMs, f.startMs);
    if (at >= f.endMs) return; // already over by then
    f.endMs = at;
    f.end = new Date(at).toISOString();
    invalidateFrom(at);
  }

  /** Forget memoised steps at or after t: a new or shortened fault changes them. */
  function invalidateFrom(t: number): void {
    for (const key of [...cache.keys()]) if (key + STEP_MS > t) cache.delete(key);
  }

  function metrics(): MetricFamily[] {
    const t = cur;
    const tb = Math.floor(t / STEP_MS) * STEP_MS;
    const h = health(tb);
    const acc = cloneAcc(committed);
    if (t > committedTo) accumulate(acc, h, (t - committedTo) / 1000);
    const { codeAcc, bucketAcc, countAcc, sumAcc, cpuAcc, edgeReq, edgeFail } = acc;
    const eff = effectsAt(t);
    const fam = (name: string, help: string, type: MetricFamily['type'], samples: MetricSample[]): MetricFamily => ({ name, help, type, samples });
    const perService = (name: string, f: (i: number, s: Service) => number | undefined): MetricSample[] =>
      SERVICES.flatMap((s, i) => {
        const v = f(i, s);
        return v === undefined ? [] : [{ name, labels: { service: s }, value: v }];
      });

    const perContainer = (name: string, f: (i: number, s: Service) => number): MetricSample[] =>
      SERVICES.map((s, i) => ({ name, labels: { service: s, container: s }, value: f(i, s) }));
    const perVolume = (name: string, f: (i: number, s: Service, capacity: number) => number): MetricSample[] =>
      SERVICES.flatMap((s, i) => {
        const cap = PROFILES[s].diskCapacityBytes;
        return cap === undefined ? [] : [{ name, labels: { service: s, ...DISK_LABELS, mountpoint: `/var/lib/${s}` }, value: f(i, s, cap) }];
      });

    const requests: MetricSample[] = [];
    SERVICES.forEach((s, i) => {
      for (const r of PROFILES[s].routes) {
        CODES.forEach((code, c) => {
          requests.push({ name: 'http_requests_total', labels: { service: s, route: r.route, code }, value: Math.floor(codeAcc[i][c] * r.share) });
        });
      }
    });
    const hist: MetricSample[] = [];
    SERVICES.forEach((s, i) => {
      LATENCY_BUCKETS.forEach((le, j) => {
        hist.push({ name: 'http_request_duration_seconds_bucket', labels: { service: s, le: String(le) }, value: Math.floor(bucketAcc[i][j]) });
      });
      hist.push({ name: 'http_request_duration_seconds_bucket', labels: { service: s, le: '+Inf' }, value: Math.floor(countAcc[i]) });
      hist.push({ name: 'http_request_duration_seconds_sum', labels: { service: s }, value: sumAcc[i] });
      hist.push({ name: 'http_request_duration_seconds_count', labels: { service: s }, value: Math.floor(countAcc[i]) });
    });
    const clientsOfDb = EDGES.filter((e) => e.server === 'db');
    const poolInUse = (i: number): number => {
      const s = SERVICES[i];
      const p = PROFILES[s];
      if (p.dbConnectionsMax === undefined) return 0;
      if (s === 'db') return 0;
      const e = clientsOfDb.find((x) => x.client === s);
      if (!e) return 0;
      const db = IDX.db;
      const hold = h.median[db] + Math.min(1, h.eff.down[db] + h.slow[db]) * TIMEOUT_S;
      const v = 2 + h.rps[i] * e.fanout * hold * HOLD_FACTOR + Math.abs(gaussian(seed, 600 + i, tb / STEP_MS));
      return Math.min(p.dbConnectionsMax, Math.round(v));
    };
    const dbInUse = (): number =>
      Math.min(PROFILES.db.dbConnectionsMax ?? 100, 3 + clientsOfDb.reduce((a, e) => a + poolInUse(IDX[e.client]), 0));

    return [
      fam('http_requests_total', 'Requests served, by service, route and status code.', 'counter', requests),
      fam('http_request_duration_seconds', 'Request latency in seconds, by service.', 'histogram', hist),
      // Blackbox-exporter style: a probe of each service's health endpoint.
      fam('probe_success', 'Whether the probe of the service succeeded (1) or not (0).', 'gauge', perService('probe_success', (i) => (eff.down[i] > 0 ? 0 : 1))),
      // cAdvisor style: the container is named after its service.
      fam('container_cpu_usage_seconds_total', 'Cumulative CPU time consumed in seconds.', 'counter',
        perContainer('container_cpu_usage_seconds_total', (i) => round4(cpuAcc[i]))),
      fam('container_memory_working_set_bytes', 'Current working set in bytes.', 'gauge',
        perContainer('container_memory_working_set_bytes', (i, s) => Math.round(memoryFrac(i, t, eff) * PROFILES[s].memoryLimitBytes))),
      fam('container_spec_memory_limit_bytes', 'Memory limit for the container in bytes.', 'gauge',
        perContainer('container_spec_memory_limit_bytes', (_i, s) => PROFILES[s].memoryLimitBytes)),
      // node_exporter style: the data volume of the stateful services (db, queue).
      fam('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', 'gauge', perVolume('node_filesystem_avail_bytes', (i, s, cap) =>
        cap - Math.round(diskFrac(i, t, eff) * cap))),
      fam('node_filesystem_size_bytes', 'Filesystem size in bytes.', 'gauge', perVolume('node_filesystem_size_bytes', (_i, _s, cap) => cap)),
      // OpenTelemetry database-client semantic conventions (db.client.connections.*).
      fam('db_client_connections_usage', 'Connections in use (client pools, and db in total).', 'gauge', perService('db_client_connections_usage', (i, s) =>
        PROFILES[s].dbConnectionsMax === undefined ? undefined : s === 'db' ? dbInUse() : poolInUse(i))),
      fam('db_client_connections_max', 'Maximum connections allowed (db: max_connections).', 'gauge', perService('db_client_connections_max', (_i, s) => PROFILES[s].dbConnectionsMax)),
      // RabbitMQ's Prometheus plugin: messages ready for delivery.
      fam('rabbitmq_queue_messages_ready', 'Messages ready to be delivered to consumers.', 'gauge', [{
        name: 'rabbitmq_queue_messages_ready',
        labels: { service: 'queue', queue: 'orders' },
        value: Math.round(Math.max(0, 4 + 8 * cycle(t) + 2 * gaussian(seed, 700, tb / STEP_MS)) + eff.backlog),
      }]),
      fam('traces_service_graph_request_total', 'Calls between services (Tempo service-graph name).', 'counter',
        EDGES.map((e, x) => ({ name: 'traces_service_graph_request_total', labels: { client: e.client, server: e.server }, value: Math.floor(edgeReq[x]) }))),
      fam('traces_service_graph_request_failed_total', 'Failed calls between services (Tempo service-graph name).', 'counter',
        EDGES.map((e, x) => ({ name: 'traces_service_graph_request_failed_total', labels: { client: e.client, server: e.server }, value: Math.floor(edgeFail[x]) }))),
    ];
  }

  return {
    advance,
    inject,
    end,
    metrics,
    faults: () => faults.map((f) => ({ ...f })),
    now: () => cur,
  };
}

interface Acc {
  codeAcc: Float64Array[];
  bucketAcc: Float64Array[];
  countAcc: Float64Array;
  sumAcc: Float64Array;
  cpuAcc: Float64Array;
  edgeReq: Float64Array;
  edgeFail: Float64Array;
}

function newAcc(): Acc {
  return {
    codeAcc: SERVICES.map(() => new Float64Array(CODES.length)),
    bucketAcc: SERVICES.map(() => new Float64Array(LATENCY_BUCKETS.length)),
    countAcc: new Float64Array(N),
    sumAcc: new Float64Array(N),
    cpuAcc: new Float64Array(N),
    edgeReq: new Float64Array(EDGES.length),
    edgeFail: new Float64Array(EDGES.length),
  };
}

function cloneAcc(a: Acc): Acc {
  return {
    codeAcc: a.codeAcc.map((x) => x.slice()),
    bucketAcc: a.bucketAcc.map((x) => x.slice()),
    countAcc: a.countAcc.slice(),
    sumAcc: a.sumAcc.slice(),
    cpuAcc: a.cpuAcc.slice(),
    edgeReq: a.edgeReq.slice(),
    edgeFail: a.edgeFail.slice(),
  };
}

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
