// Anomaly eval on the demo simulator (src/demo/simulator.ts, loaded only if present): 9 simulated days at
// 5-minute resolution with faults injected after the 2-day warm-up, the simulator's own fault log as the
// labels. Scored at system level, as an operator sees it: per service we derive request rate, error
// ratio, mean latency, CPU, memory / disk / connection-pool saturation and queue depth; a fault counts
// as detected when any series alarms between its start and 10 minutes after its end, and every alarm
// event outside all fault windows is a false alarm.
import { DEFAULT_THRESHOLD } from '../../src/models/anomaly/detector.js';
import type { LabelWindow } from './corpus.js';
import { emptyTally, scoreFlags, summarise, table } from './metrics.js';
import { rng } from './rng.js';

type Flagger = (ts: Float64Array, values: Float64Array, warmup: number) => Uint8Array;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface SimLike {
  advance(toMs: number): void;
  inject(f: { type: string; service: string; durationSeconds: number; magnitude?: number; startMs: number }): string;
  metrics(): { name: string; samples: Sample[] }[];
  faults(): { type: string; service: string; startMs: number; endMs: number }[];
}

const STEP_MS = 300_000;
const DAYS = 9;
const WARM = 576;

export async function evalDemoSimulator(methods: [string, Flagger][], write: (s: string) => void, baselinesFrom = 2): Promise<void> {
  const path = '../../src/demo/simulator.js'; // optional module (demo-stack work): loaded dynamically
  let createSimulator: (o: { seed: number; startMs?: number }) => SimLike;
  try {
    ({ createSimulator } = (await import(path)) as { createSimulator: typeof createSimulator });
  } catch (e) {
    write(`\nDemo simulator: not available (${(e as Error).message.split('\n')[0]}); skipped.\n`);
    return;
  }
  const start = Date.UTC(2026, 0, 5);
  const sim = createSimulator({ seed: 3, startMs: start });
  const r = rng(99);
  const types: [string, string[]][] = [
    ['latency_spike', ['payments', 'catalogue', 'db', 'checkout']],
    ['error_burst', ['checkout', 'cart', 'payments']],
    ['dependency_outage', ['payments', 'db', 'queue']],
    ['memory_leak', ['cart', 'frontend', 'catalogue']],
    ['disk_fill', ['db', 'queue']],
    ['traffic_surge', ['frontend']],
  ];
  let at = start + 2.5 * 86_400_000;
  let k = 0;
  while (at < start + (DAYS - 0.3) * 86_400_000) {
    const [type, services] = types[k++ % types.length]!;
    const service = services[r.int(0, services.length - 1)]!;
    const durationSeconds = r.int(15, 60) * 60;
    sim.inject({ type, service, durationSeconds, startMs: at });
    at += (r.int(8, 16) * 3600 + durationSeconds) * 1000;
  }
  // Collect derived series.
  const n = (DAYS * 86_400_000) / STEP_MS;
  const series = new Map<string, Float64Array>();
  const put = (key: string, i: number, v: number): void => {
    let a = series.get(key);
    if (!a) series.set(key, (a = new Float64Array(n).fill(Number.NaN)));
    a[i] = v;
  };
  let prev = new Map<string, number>();
  const ts = Float64Array.from({ length: n }, (_, i) => (start + (i + 1) * STEP_MS) / 1000);
  for (let i = 0; i < n; i++) {
    sim.advance(start + (i + 1) * STEP_MS);
    const cur = new Map<string, number>();
    const req = new Map<string, number>();
    const err = new Map<string, number>();
    for (const fam of sim.metrics()) {
      for (const s of fam.samples) {
        const svc = s.labels.service;
        if (!svc) continue;
        if (s.name === 'http_requests_total') {
          req.set(svc, (req.get(svc) ?? 0) + s.value);
          if (s.labels.code?.startsWith('5')) err.set(svc, (err.get(svc) ?? 0) + s.value);
        } else if (s.name === 'container_cpu_usage_seconds_total') {
          cur.set(`cpu|${svc}`, s.value);
        } else if (s.name === 'http_request_duration_seconds_sum' || s.name === 'http_request_duration_seconds_count') {
          cur.set(`${s.name}|${svc}`, s.value);
        } else if (['container_memory_working_set_bytes', 'node_filesystem_avail_bytes', 'db_client_connections_usage', 'rabbitmq_queue_messages_ready'].includes(s.name)) {
          put(`${s.name}{service="${svc}"}`, i, s.value);
        }
      }
    }
    for (const [svc, v] of req) cur.set(`req|${svc}`, v);
    for (const [svc, v] of err) cur.set(`err|${svc}`, v);
    for (const [key, v] of cur) {
      const [kind, svc] = key.split('|') as [string, string];
      // CPU seconds per second: the usage ratio of the container's one core.
      if (kind === 'cpu' && prev.has(key)) put(`cpu_usage_ratio{service="${svc}"}`, i, (v - prev.get(key)!) / 300);
      if (kind !== 'req') continue;
      const dReq = v - (prev.get(key) ?? Number.NaN);
      const dErr = (cur.get(`err|${svc}`) ?? 0) - (prev.get(`err|${svc}`) ?? 0);
      const dSum = (cur.get(`http_request_duration_seconds_sum|${svc}`) ?? 0) - (prev.get(`http_request_duration_seconds_sum|${svc}`) ?? 0);
      const dCnt = (cur.get(`http_request_duration_seconds_count|${svc}`) ?? 0) - (prev.get(`http_request_duration_seconds_count|${svc}`) ?? 0);
      if (!(dReq > 0)) continue;
      put(`rate{service="${svc}"}`, i, dReq / 300);
      put(`error_ratio{service="${svc}"}`, i, dErr / dReq);
      if (dCnt > 0) put(`latency_mean{service="${svc}"}`, i, dSum / dCnt);
    }
    prev = cur;
  }
  const faults = sim.faults();
  const windows: LabelWindow[] = faults.map((f) => ({
    kind: 'spike',
    start: Math.max(0, Math.ceil((f.startMs - start) / STEP_MS) - 1), // first 5-min point that includes the start
    end: Math.min(n - 1, Math.ceil((f.endMs - start) / STEP_MS) + 2),
  }));
  write(`\nDemo simulator (src/demo/simulator.ts, seed 3): ${DAYS} days at 5 min, ${series.size} derived series (rate, error ratio, mean latency, CPU, memory, disk, pool, queue per service), ${faults.length} faults from its fault log (${[...new Set(faults.map((f) => f.type))].join(', ')}), 15-60 min each, after the 2-day warm-up. Scored at system level: a fault is detected if any series alarms from its start to 10 min after its end.\n\n`);
  const rows: (string | number)[][] = [];
  const sums: ReturnType<typeof summarise>[] = [];
  const perType = new Map<string, string[]>();
  for (const [name, f] of methods) {
    const flags = new Uint8Array(n);
    for (const v of series.values()) {
      const fl = f(ts, v, WARM);
      for (let i = 0; i < n; i++) if (fl[i]) flags[i] = 1;
    }
    const t = scoreFlags(flags, windows, WARM, 5, emptyTally());
    const s = summarise(t, 7 * 288);
    rows.push([name, s.precision, s.recall, s.f1, s.delay, s.faPerWeek, s.nab]);
    sums.push(s);
    if (process.env.FORESIGHT_EVAL_DEBUG) {
      for (const [key, v] of series) {
        const fl = f(ts, v, WARM);
        const one = scoreFlags(fl, windows, WARM, 5, emptyTally());
        write(`debug ${name} ${key}: ${one.falseEvents} false events\n`);
      }
    }
    faults.forEach((fa, i) => {
      const w = windows[i]!;
      let first = -1;
      for (let j = w.start; j <= w.end; j++) if (flags[j]) { first = j; break; }
      const key = `#${i + 1} ${fa.type} on ${fa.service}`;
      perType.set(key, [...(perType.get(key) ?? []), first < 0 ? 'missed' : `${(first - w.start) * 5} min`]);
    });
  }
  write(table(['method', 'precision', 'recall', 'F1', 'mean delay (min)', 'false alarms / system-week', 'window score (NAB-like)'], rows));
  write('\nPer fault (detection delay from the fault start; one column per method above):\n\n');
  write(table(['fault', ...methods.map(([m]) => m)], [...perType].map(([k, v]) => [k, ...v])));
  const o = sums[0]!;
  const verdict = methods.slice(baselinesFrom).map(([name], j) => {
    const b = sums[j + baselinesFrom]!;
    const lost = [o.precision < b.precision && 'precision', o.recall < b.recall && 'recall', o.f1 < b.f1 && 'F1', o.delay > b.delay && 'delay', o.faPerWeek > b.faPerWeek && 'false alarms', o.nab < b.nab && 'window score'].filter(Boolean);
    return lost.length ? `- vs ${name}: **does not beat it** on ${lost.join(', ')}` : `- vs ${name}: better on every column`;
  });
  write(`\nVerdict (demo simulator, default threshold):\n${verdict.join('\n')}\n`);
  write(`\n(default score threshold ${DEFAULT_THRESHOLD.toFixed(3)}; delay is measured on the 5-minute grid, so 0 min means within the 5 minutes in which the fault started)\n`);
}
