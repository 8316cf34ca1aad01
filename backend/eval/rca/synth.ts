// A harder synthetic world for the RCA evaluation, written independently of the demo simulator and of the
// model's rules: a random service graph with a shared database behind many services, autocorrelated noise on
// a daily traffic cycle, quantised values, faults whose symptoms are amplified (or masked by retries) at the
// callers, overlapping faults, deploys that shifted a metric before the incident, a past incident inside the
// baseline, and a rarely-called endpoint with sporadic huge latency. Metric names follow common conventions.
import { rng, type Rng } from '../lib/rng.js';
import type { CandidateSeries, DependencyEdge } from '../../src/rca/model/index.js';

export type FaultType = 'cpu_hog' | 'slow' | 'errors' | 'partial_outage' | 'memory_leak';
export const FAULT_TYPES: FaultType[] = ['cpu_hog', 'slow', 'errors', 'partial_outage', 'memory_leak'];

export interface SynthIncident {
  series: CandidateSeries[];
  /** The same metrics with a gap: one hour from the day before, then only the last 20 minutes before the incident. */
  gapped: CandidateSeries[];
  edges: DependencyEdge[];
  incidentTime: number;
  rootCause: string;
  fault: FaultType;
  services: string[];
}

const STEP = 30;
const HISTORY = 2 * 3600;
const AFTER = 10 * 60;

interface Svc {
  name: string;
  callees: string[];
  /** Calls per request to each callee. */
  fanout: Map<string, number>;
  baseLatency: number;
  cpu0: number;
  mem0: number;
  ownRate: number;
  hasAvailability: boolean;
  retries: number;
  lowVolume: boolean;
}

function buildGraph(r: Rng): Svc[] {
  const mk = (name: string): Svc => ({
    name, callees: [], fanout: new Map(), baseLatency: r.uniform(0.005, 0.08), cpu0: r.uniform(0.1, 0.45),
    mem0: r.uniform(2e8, 2e9), ownRate: 0, hasAvailability: r() < 0.5, retries: r() < 0.4 ? r.int(1, 3) : 0, lowVolume: false,
  });
  const entry = ['frontend', 'gateway'].map(mk);
  const nMid = r.int(6, 10);
  const mid = Array.from({ length: nMid }, (_, i) => mk(`svc-${String.fromCharCode(97 + i)}`));
  const infra = ['db', 'cache', 'broker'].map(mk);
  const admin = mk('reports');
  admin.lowVolume = true;
  for (const e of entry) e.ownRate = r.uniform(50, 400);
  admin.ownRate = r.uniform(0.01, 0.05);
  const link = (a: Svc, b: Svc) => {
    if (a === b || a.callees.includes(b.name)) return;
    a.callees.push(b.name);
    a.fanout.set(b.name, r.uniform(0.3, 2.5));
  };
  for (const e of entry) for (let k = 0; k < r.int(2, 4); k++) link(e, mid[r.int(0, Math.floor(nMid / 2))]!);
  for (let i = 0; i < nMid; i++) {
    // Mid services call later mid services (no cycles) and the shared infrastructure: the db sits behind most.
    for (let k = 0; k < r.int(0, 2); k++) if (i + 1 < nMid) link(mid[i]!, mid[r.int(i + 1, nMid - 1)]!);
    if (r() < 0.7) link(mid[i]!, infra[0]!);
    if (r() < 0.4) link(mid[i]!, infra[1]!);
    if (r() < 0.25) link(mid[i]!, infra[2]!);
  }
  link(admin, infra[0]!);
  return [...entry, ...mid, ...infra, admin];
}

/** AR(1) noise: slow wandering, unlike white Gaussian noise. */
function ar1(r: Rng, n: number, phi: number, sd: number): Float64Array {
  const out = new Float64Array(n);
  let x = 0;
  for (let i = 0; i < n; i++) out[i] = x = phi * x + sd * Math.sqrt(1 - phi * phi) * r.gauss();
  return out;
}

interface Effect {
  /** Added latency (s), added error ratio, availability drop (points), cpu add, memory multiplier, traffic multiplier. */
  lat: Float64Array;
  err: Float64Array;
  cpu: Float64Array;
  mem: Float64Array;
  traffic: Float64Array;
}

export interface SynthOptions {
  /**
   * A daily batch job on another service, at the same time every day: it starts a few minutes before the
   * fault (today and yesterday alike) and takes 20–30 minutes of CPU, slowing that service. A pattern only
   * yesterday's data can explain. Drawn from its own random stream, so the rest of the world is unchanged.
   */
  dailyJob?: boolean;
}

/**
 * `yesterdayAfter`: seconds by which the day-before stretch reaches past the incident's time of day (default
 * 0: the hour before it only). Any other value draws a different world from the same seed.
 */
export function synthIncident(seed: number, fault: FaultType, yesterdayAfter = 0, opts: SynthOptions = {}): SynthIncident {
  const r = rng(seed);
  const svcs = buildGraph(r);
  const byName = new Map(svcs.map((s) => [s.name, s]));
  const dayStart = 86400 * 20000;
  const incidentAt = dayStart + r.int(2, 22) * 3600 + r.int(0, 59) * 60;
  const from = incidentAt - 86400 - 3600; // yesterday, for the gapped variant
  // Only the times any variant uses: yesterday's hour, then the 2 h before the incident and 10 min after.
  const times: number[] = [];
  for (let t = from; t < from + 3600 + yesterdayAfter; t += STEP) times.push(t);
  for (let t = incidentAt - HISTORY; t <= incidentAt + AFTER; t += STEP) times.push(t);
  const T = Float64Array.from(times);
  const n = T.length;
  /** Index of the first sample at or after t. */
  const idx = (t: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (T[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const faultAt = incidentAt - r.int(0, 10) * STEP; // the alert comes 0–5 min after the fault
  const candidates = svcs.filter((s) => !s.lowVolume && s.name !== 'frontend' && s.name !== 'gateway');
  const root = candidates[r.int(0, candidates.length - 1)]!;
  const fx = new Map<string, Effect>(svcs.map((s) => [s.name, { lat: new Float64Array(n), err: new Float64Array(n), cpu: new Float64Array(n), mem: new Float64Array(n), traffic: new Float64Array(n).fill(1) }]));

  const inject = (s: Svc, type: FaultType, start: number, end: number, mag: number) => {
    const e = fx.get(s.name)!;
    for (let i = idx(start); i < Math.min(n, idx(end)); i++) {
      const ramp = Math.min(1, (T[i]! - start) / (3 * STEP + 1)); // faults take a minute or two to build
      if (type === 'cpu_hog') (e.cpu[i]! += 0.5 * mag * ramp), (e.lat[i]! += s.baseLatency * 2 * mag * ramp);
      else if (type === 'slow') e.lat[i]! += r.uniform(0.8, 1.2) * 0.3 * mag * ramp;
      else if (type === 'errors') e.err[i]! += 0.08 * mag * ramp;
      else if (type === 'partial_outage') e.err[i]! += 0.03 * mag * ramp;
      else {
        const mins = (T[i]! - start) / 60;
        e.mem[i]! += 0.02 * mag * mins;
        if (mins > 4) e.lat[i]! += s.baseLatency * 0.5 * mag;
      }
    }
  };
  const mag = r() < 0.35 ? r.uniform(0.2, 0.5) : r.uniform(0.7, 2);
  inject(root, fault, faultAt, incidentAt + AFTER + STEP, mag);
  // Overlapping fault: a weaker, unrelated one elsewhere, starting around the same time.
  if (r() < 0.35) {
    const other = candidates.filter((s) => s !== root)[r.int(0, candidates.length - 2)]!;
    inject(other, FAULT_TYPES[r.int(0, 4)]!, faultAt + r.int(-6, 6) * STEP, incidentAt + AFTER, mag * r.uniform(0.2, 0.5));
  }
  // A past incident in the baseline (30–80 min earlier, a few minutes long), on the root or anywhere.
  if (r() < 0.5) {
    const s = r() < 0.5 ? root : candidates[r.int(0, candidates.length - 1)]!;
    const at = incidentAt - r.int(30, 80) * 60;
    inject(s, FAULT_TYPES[r.int(0, 4)]!, at, at + r.int(2, 6) * 60, r.uniform(0.5, 1.5));
  }

  // Propagate to callers, deepest first: a callee's added latency reaches callers per call (amplified by
  // fan-out), its errors are partly retried away (retries raise the callee's traffic instead).
  const order = topoOrder(svcs, byName);
  for (const s of order) {
    const e = fx.get(s.name)!;
    for (const c of s.callees) {
      const ce = fx.get(c)!;
      const k = s.fanout.get(c)!;
      const lag = r.int(0, 2);
      const callee = byName.get(c)!;
      for (let i = 0; i < n; i++) {
        const j = Math.max(0, i - lag);
        const errIn = ce.err[j]!;
        const masked = callee.retries && s.retries ? errIn ** (s.retries + 1) : errIn;
        e.lat[i]! += ce.lat[j]! * k * (s.retries ? 1 + errIn * s.retries : 1);
        e.err[i]! = 1 - (1 - e.err[i]!) * (1 - Math.min(1, masked * Math.min(1, k)));
        e.cpu[i]! += 0.1 * Math.min(1, ce.lat[j]! / 0.5);
        if (s.retries) ce.traffic[i]! *= 1 + errIn * s.retries;
      }
    }
  }
  // Traffic: entry rates on a daily cycle; each callee gets its callers' traffic times the fan-out.
  const rate = new Map<string, Float64Array>();
  for (const s of [...order].reverse()) {
    const tr = new Float64Array(n);
    const phase = r.uniform(0, 2 * Math.PI);
    const noise = ar1(r, n, 0.9, 0.04);
    for (let i = 0; i < n; i++) {
      const day = 1 + 0.35 * Math.sin((2 * Math.PI * (T[i]! % 86400)) / 86400 + phase);
      tr[i] = s.ownRate * day * (1 + noise[i]!);
    }
    for (const p of svcs) {
      if (!p.callees.includes(s.name)) continue;
      const pr = rate.get(p.name)!;
      const pe = fx.get(p.name)!;
      // A caller whose requests fail early stops calling its dependencies (the callee sees a drop).
      for (let i = 0; i < n; i++) tr[i]! += pr[i]! * p.fanout.get(s.name)! * (1 - 0.8 * Math.min(1, pe.err[i]!));
    }
    const e = fx.get(s.name)!;
    for (let i = 0; i < n; i++) tr[i]! *= e.traffic[i]!;
    rate.set(s.name, tr);
  }
  // A deploy some time before the incident shifts one service's memory and cpu for good.
  const deployed = svcs[r.int(0, svcs.length - 1)]!;
  const deployAt = incidentAt - r.int(10, 60) * 60;
  // The daily job (own random stream): which service, when in the day, how long.
  const jr = rng(seed ^ 0x5eed);
  const jobSvc = opts.dailyJob ? candidates.filter((s) => s !== root)[jr.int(0, candidates.length - 2)] : undefined;
  const jobStart = (((faultAt - jr.int(1, 5) * 60) % 86400) + 86400) % 86400;
  const jobLen = jr.int(20, 30) * 60;
  const inJob = (t: number) => ((t % 86400) - jobStart + 86400) % 86400 < jobLen;

  const series: CandidateSeries[] = [];
  for (const s of svcs) {
    const e = fx.get(s.name)!;
    const tr = rate.get(s.name)!;
    const latNoise = ar1(r, n, 0.8, 0.1);
    const cpuNoise = ar1(r, n, 0.95, 0.03);
    const memNoise = ar1(r, n, 0.99, 0.01);
    const cols: Record<string, number[]> = { http_server_requests_per_second: [], http_server_error_ratio: [], http_server_request_duration_p95_seconds: [], process_cpu_utilization: [], container_memory_working_set_bytes: [] };
    if (s.hasAvailability) cols.availability_percent = [];
    for (let i = 0; i < n; i++) {
      const t = T[i]!;
      const load = tr[i]! / Math.max(1e-9, s.ownRate || tr[0]!);
      const dep = s === deployed && t >= deployAt ? 1 : 0;
      const job = s === jobSvc && inJob(t) ? 1 : 0;
      const reqs = Math.max(0, tr[i]!) * STEP;
      // Errors are counted: a ratio of few requests is quantised, and rare background errors happen.
      const errP = Math.min(1, 0.001 + e.err[i]!);
      const errors = reqs > 0 ? Math.round(reqs * errP + r.gauss() * Math.sqrt(reqs * errP)) : 0;
      let lat = (s.baseLatency + e.lat[i]!) * Math.exp(latNoise[i]!) * (1 + 0.5 * job);
      if (s.lowVolume && t >= faultAt - 5 * 60 && r() < 0.25) lat = r.uniform(5, 30); // a few very slow report requests
      cols.http_server_requests_per_second!.push(Math.round(tr[i]! * 100) / 100);
      cols.http_server_error_ratio!.push(reqs >= 1 ? Math.max(0, errors) / Math.round(reqs) : 0);
      cols.http_server_request_duration_p95_seconds!.push(Math.round(lat * 1000) / 1000);
      cols.process_cpu_utilization!.push(Math.min(1, Math.max(0, s.cpu0 * (0.7 + 0.3 * Math.min(3, load)) + e.cpu[i]! + cpuNoise[i]! + 0.15 * dep + 0.4 * job)));
      cols.container_memory_working_set_bytes!.push(Math.round(s.mem0 * (1 + e.mem[i]! + memNoise[i]! + 0.3 * dep)));
      cols.availability_percent?.push(Math.round(10000 * (1 - Math.min(1, e.err[i]! + Math.max(0, r.gauss() * 0.0005)))) / 100);
    }
    for (const [metric, values] of Object.entries(cols)) series.push({ component: s.name, metric, timestamps: Array.from(T), values });
  }
  const edges = svcs.flatMap((s) => s.callees.map((c) => ({ caller: s.name, callee: c })));
  const recent = (s: CandidateSeries): CandidateSeries => cut(s, (t) => t >= incidentAt - HISTORY);
  const gapped = (s: CandidateSeries): CandidateSeries => cut(s, (t) => t < from + 3600 + yesterdayAfter || t >= faultAt - 20 * 60);
  return {
    series: series.map(recent),
    gapped: series.map(gapped),
    edges,
    incidentTime: incidentAt,
    rootCause: root.name,
    fault,
    services: svcs.map((s) => s.name),
  };
}

function cut(s: CandidateSeries, keep: (t: number) => boolean): CandidateSeries {
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < s.timestamps.length; i++) if (keep(s.timestamps[i]!)) (ts.push(s.timestamps[i]!), vs.push(s.values[i]!));
  return { ...s, timestamps: ts, values: vs };
}

/** Services ordered so that every callee comes before its callers. */
function topoOrder(svcs: Svc[], byName: Map<string, Svc>): Svc[] {
  const out: Svc[] = [];
  const seen = new Set<string>();
  const visit = (s: Svc) => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    for (const c of s.callees) visit(byName.get(c)!);
    out.push(s);
  };
  for (const s of svcs) visit(s);
  return out;
}

/** The graph as a user might have it: a share of edges missing and a share replaced by wrong ones. */
export function degradeGraph(edges: DependencyEdge[], services: string[], seed: number, missing: number, wrong: number): DependencyEdge[] {
  const r = rng(seed);
  const kept = edges.filter(() => r() >= missing);
  const nWrong = Math.round(edges.length * wrong);
  for (let k = 0; k < nWrong; k++) {
    const a = services[r.int(0, services.length - 1)]!;
    const b = services[r.int(0, services.length - 1)]!;
    if (a !== b) kept.push({ caller: a, callee: b });
  }
  return kept;
}

export const reverseGraph = (edges: DependencyEdge[]): DependencyEdge[] => edges.map((e) => ({ caller: e.callee, callee: e.caller }));
