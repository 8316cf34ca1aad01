// The demo simulator: deterministic per seed, counters monotonic, daily cycle, and each fault visible
// on its service first and on the callers one propagation delay per hop later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulator, type MetricFamily, type Simulator } from '../../src/demo/simulator.js';

const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);
const MIN = 60_000;
const DELAY = 30_000;

function value(fams: MetricFamily[], name: string, labels: Record<string, string>): number {
  let total = 0;
  let found = false;
  for (const f of fams)
    for (const s of f.samples)
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) {
        total += s.value;
        found = true;
      }
  assert.ok(found, `no sample ${name}${JSON.stringify(labels)}`);
  return total;
}

// Snapshots per simulator and time, so windows of several services can be read in any order
// while the simulator itself only moves forward.
const snaps = new WeakMap<Simulator, Map<number, MetricFamily[]>>();
function at(sim: Simulator, t: number): MetricFamily[] {
  let m = snaps.get(sim);
  if (!m) snaps.set(sim, (m = new Map()));
  const hit = m.get(t);
  if (hit) return hit;
  sim.advance(t);
  const fams = sim.metrics();
  m.set(t, fams);
  return fams;
}

/** Per-second rate of a (summed) counter over [from, to]. */
function rate(sim: Simulator, name: string, labels: Record<string, string>, from: number, to: number): number {
  const a = value(at(sim, from), name, labels);
  const b = value(at(sim, to), name, labels);
  return (b - a) / ((to - from) / 1000);
}

/** 5xx share of a service's requests over [from, to]. */
function errShare(sim: Simulator, service: string, from: number, to: number): number {
  const m0 = at(sim, from);
  const m1 = at(sim, to);
  const d = (code?: string): number => {
    const l: Record<string, string> = code ? { service, code } : { service };
    return value(m1, 'http_requests_total', l) - value(m0, 'http_requests_total', l);
  };
  return (d('500') + d('503')) / d();
}

/** Mean latency (s) of a service over [from, to], from the histogram's _sum/_count. */
function meanLatency(sim: Simulator, service: string, from: number, to: number): number {
  const m0 = at(sim, from);
  const m1 = at(sim, to);
  const ds = value(m1, 'http_request_duration_seconds_sum', { service }) - value(m0, 'http_request_duration_seconds_sum', { service });
  const dc = value(m1, 'http_request_duration_seconds_count', { service }) - value(m0, 'http_request_duration_seconds_count', { service });
  return ds / dc;
}

test('same seed gives the same metrics, however the time is stepped; another seed differs', () => {
  const a = createSimulator({ seed: 7, startMs: T0 });
  const b = createSimulator({ seed: 7, startMs: T0 });
  const c = createSimulator({ seed: 8, startMs: T0 });
  a.advance(T0 + 3 * 3600_000);
  for (let t = T0; t <= T0 + 3 * 3600_000; t += 7_321) b.advance(t);
  b.advance(T0 + 3 * 3600_000);
  c.advance(T0 + 3 * 3600_000);
  assert.deepEqual(b.metrics(), a.metrics());
  assert.notDeepEqual(c.metrics(), a.metrics());
});

test('counters never decrease and histogram buckets are cumulative', () => {
  const sim = createSimulator({ seed: 3, startMs: T0, timeScale: 60 });
  sim.inject({ type: 'error_burst', service: 'payments', durationSeconds: 600, startMs: T0 + 20 * MIN });
  sim.inject({ type: 'dependency_outage', service: 'catalogue', durationSeconds: 300, startMs: T0 + 40 * MIN });
  let prev = new Map<string, number>();
  for (let t = T0; t <= T0 + 90 * MIN; t += 13_000) {
    sim.advance(t);
    const fams = sim.metrics();
    const now = new Map<string, number>();
    for (const f of fams) {
      if (f.type === 'gauge') continue;
      for (const s of f.samples) {
        if (s.name.endsWith('_sum')) assert.ok(s.value >= 0);
        const key = s.name + JSON.stringify(s.labels);
        now.set(key, s.value);
        const p = prev.get(key);
        if (p !== undefined) assert.ok(s.value >= p, `${key} went from ${p} to ${s.value}`);
      }
      if (f.type === 'histogram') {
        for (const service of ['frontend', 'db']) {
          const buckets = f.samples.filter((s) => s.name.endsWith('_bucket') && s.labels.service === service).map((s) => s.value);
          for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i] >= buckets[i - 1], `${service} buckets not cumulative: ${buckets}`);
          assert.equal(buckets.at(-1), value(fams, 'http_request_duration_seconds_count', { service }));
        }
      }
    }
    prev = now;
  }
  assert.ok(prev.size > 100);
});

test('traffic follows a daily cycle (peak afternoon, trough at night), compressed by timeScale', () => {
  const sim = createSimulator({ seed: 1, startMs: T0 });
  const night = rate(sim, 'http_requests_total', { service: 'frontend' }, T0 + 2.5 * 3600_000, T0 + 3.5 * 3600_000);
  const afternoon = rate(sim, 'http_requests_total', { service: 'frontend' }, T0 + 14.5 * 3600_000, T0 + 15.5 * 3600_000);
  assert.ok(afternoon / night > 2, `afternoon ${afternoon}/s vs night ${night}/s`);
  // 1440×: a simulated day per real minute, so 03:00 is 7.5 s in and 15:00 is 37.5 s in.
  const fast = createSimulator({ seed: 1, startMs: T0, timeScale: 1440 });
  const fNight = rate(fast, 'http_requests_total', { service: 'frontend' }, T0 + 5_000, T0 + 10_000);
  const fDay = rate(fast, 'http_requests_total', { service: 'frontend' }, T0 + 35_000, T0 + 40_000);
  assert.ok(fDay / fNight > 2, `fast afternoon ${fDay}/s vs night ${fNight}/s`);
});

test('error_burst on payments shows in payments, then checkout one hop later, then frontend', () => {
  const sim = createSimulator({ seed: 11, startMs: T0 });
  const F = T0 + 30 * MIN;
  sim.inject({ type: 'error_burst', service: 'payments', durationSeconds: 600, magnitude: 0.5, startMs: F });
  // baseline
  const base = { p: errShare(sim, 'payments', F - 10 * MIN, F), c: errShare(sim, 'checkout', F - 10 * MIN, F), f: errShare(sim, 'frontend', F - 10 * MIN, F) };
  assert.ok(base.p < 0.02 && base.c < 0.02 && base.f < 0.02, JSON.stringify(base));
  // First delay window: only payments.
  const w1 = { p: errShare(sim, 'payments', F, F + DELAY), c: errShare(sim, 'checkout', F, F + DELAY), f: errShare(sim, 'frontend', F, F + DELAY) };
  assert.ok(w1.p > 0.4, `payments ${w1.p}`);
  assert.ok(w1.c < 0.02, `checkout already at ${w1.c} before the delay`);
  // Second window: checkout too, frontend not yet.
  const w2 = { c: errShare(sim, 'checkout', F + DELAY, F + 2 * DELAY), f: errShare(sim, 'frontend', F + DELAY, F + 2 * DELAY) };
  assert.ok(w2.c > 0.3, `checkout ${w2.c}`);
  assert.ok(w2.f < 0.02, `frontend already at ${w2.f}`);
  // Later: frontend (which sends 10 % of requests to checkout) rises by a few percent.
  const w3 = errShare(sim, 'frontend', F + 3 * DELAY, F + 5 * MIN);
  assert.ok(w3 > 0.025, `frontend ${w3}`);
  // Unrelated branch untouched.
  assert.ok(errShare(sim, 'catalogue', F + 3 * DELAY, F + 5 * MIN) < 0.02);
  // After the end everything recovers.
  assert.ok(errShare(sim, 'payments', F + 12 * MIN, F + 20 * MIN) < 0.02);
});

test('latency_spike on payments raises payments latency, then checkout, then frontend', () => {
  const sim = createSimulator({ seed: 12, startMs: T0 });
  const F = T0 + 30 * MIN;
  sim.inject({ type: 'latency_spike', service: 'payments', durationSeconds: 600, startMs: F });
  const b = { p: meanLatency(sim, 'payments', F - 5 * MIN, F), c: meanLatency(sim, 'checkout', F - 5 * MIN, F), f: meanLatency(sim, 'frontend', F - 5 * MIN, F) };
  const w1 = { p: meanLatency(sim, 'payments', F, F + DELAY), c: meanLatency(sim, 'checkout', F, F + DELAY) };
  const w2 = { c: meanLatency(sim, 'checkout', F + DELAY, F + 2 * DELAY), f: meanLatency(sim, 'frontend', F + DELAY, F + 2 * DELAY) };
  const w3 = meanLatency(sim, 'frontend', F + 2 * DELAY, F + 5 * MIN);
  assert.ok(w1.p > 4 * b.p, `payments ${b.p} → ${w1.p}`);
  assert.ok(w1.c < 1.2 * b.c, `checkout moved before the delay: ${b.c} → ${w1.c}`);
  assert.ok(w2.c > 2 * b.c, `checkout ${b.c} → ${w2.c}`);
  assert.ok(w2.f < 1.2 * b.f, `frontend moved too early: ${b.f} → ${w2.f}`);
  assert.ok(w3 > 1.3 * b.f, `frontend ${b.f} → ${w3}`);
});

test('dependency_outage marks the service down, answers 503, and callers see errors and timeouts', () => {
  const sim = createSimulator({ seed: 13, startMs: T0 });
  const F = T0 + 30 * MIN;
  const id = sim.inject({ type: 'dependency_outage', service: 'payments', durationSeconds: 300, startMs: F });
  const lat0 = meanLatency(sim, 'checkout', F - 5 * MIN, F - 1000);
  assert.equal(value(sim.metrics(), 'probe_success', { service: 'payments' }), 1);
  const before503 = value(sim.metrics(), 'http_requests_total', { service: 'payments', code: '503' });
  assert.ok(errShare(sim, 'checkout', F, F + DELAY) < 0.05, 'checkout fine before the delay');
  const m60 = at(sim, F + 60_000);
  assert.equal(value(m60, 'probe_success', { service: 'payments' }), 0);
  assert.equal(value(m60, 'probe_success', { service: 'checkout' }), 1);
  assert.ok(value(m60, 'http_requests_total', { service: 'payments', code: '503' }) > before503 + 100);
  assert.ok(errShare(sim, 'checkout', F + DELAY, F + 4 * MIN) > 0.5);
  assert.ok(meanLatency(sim, 'checkout', F + DELAY, F + 4 * MIN) > 0.5 + lat0, 'checkout waits on timeouts');
  sim.advance(F + 301_000);
  assert.equal(value(sim.metrics(), 'probe_success', { service: 'payments' }), 1);
  assert.equal(sim.faults()[0].id, id);
});

test('memory_leak climbs toward the limit at its rate and resets when it ends', () => {
  const sim = createSimulator({ seed: 14, startMs: T0 });
  const F = T0 + 10 * MIN;
  sim.inject({ type: 'memory_leak', service: 'cart', durationSeconds: 1200, magnitude: 0.04, startMs: F });
  const mem = (t: number): number => {
    sim.advance(t);
    return value(sim.metrics(), 'container_memory_working_set_bytes', { service: 'cart' });
  };
  sim.advance(T0);
  const limit = value(sim.metrics(), 'container_spec_memory_limit_bytes', { service: 'cart' });
  const m0 = mem(F);
  const m10 = mem(F + 10 * MIN);
  const other = value(sim.metrics(), 'container_memory_working_set_bytes', { service: 'catalogue' }) / value(sim.metrics(), 'container_spec_memory_limit_bytes', { service: 'catalogue' });
  const m19 = mem(F + 19 * MIN);
  assert.ok(Math.abs((m10 - m0) / limit - 0.4) < 0.03, `10 min at 4 %/min leaked ${(m10 - m0) / limit}`);
  assert.ok(m19 <= limit && m19 > 0.9 * limit, `at 19 min: ${m19 / limit} of the limit`);
  assert.ok(other < 0.6, 'other services keep their memory');
  assert.ok(mem(F + 21 * MIN) < 0.5 * limit, 'restart after the fault ends');
});

test('disk_fill fills the db disk and is refused on a service without a disk', () => {
  const sim = createSimulator({ seed: 15, startMs: T0 });
  const F = T0 + 5 * MIN;
  assert.throws(() => sim.inject({ type: 'disk_fill', service: 'frontend', durationSeconds: 60, startMs: F }), /fault\.service: disk_fill needs a service with a disk/);
  sim.inject({ type: 'disk_fill', service: 'db', durationSeconds: 1800, magnitude: 0.01, startMs: F });
  sim.advance(F);
  const cap = value(sim.metrics(), 'node_filesystem_size_bytes', { service: 'db' });
  const d0 = cap - value(sim.metrics(), 'node_filesystem_avail_bytes', { service: 'db' });
  const q0 = value(sim.metrics(), 'node_filesystem_avail_bytes', { service: 'queue' });
  sim.advance(F + 20 * MIN);
  const d1 = cap - value(sim.metrics(), 'node_filesystem_avail_bytes', { service: 'db' });
  assert.ok(Math.abs((d1 - d0) / cap - 0.2) < 0.01, `filled ${(d1 - d0) / cap} of capacity`);
  assert.ok(Math.abs(value(sim.metrics(), 'node_filesystem_avail_bytes', { service: 'queue' }) - q0) / cap < 0.01);
});

test('traffic_surge multiplies the service’s traffic and loads its callees', () => {
  const sim = createSimulator({ seed: 16, startMs: T0 });
  const F = T0 + 12 * 3600_000;
  sim.inject({ type: 'traffic_surge', service: 'frontend', durationSeconds: 600, magnitude: 3, startMs: F });
  const r = (s: string, a: number, b: number): number => rate(sim, 'http_requests_total', { service: s }, a, b);
  const before = { f: r('frontend', F - 5 * MIN, F), c: r('catalogue', F - 5 * MIN, F) };
  const during = { f: r('frontend', F + MIN, F + 6 * MIN), c: r('catalogue', F + MIN, F + 6 * MIN) };
  assert.ok(during.f / before.f > 2.5, JSON.stringify({ before, during }));
  assert.ok(during.c / before.c > 2.5, JSON.stringify({ before, during }));
  // CPU seconds per second of the service's one core, over the last minute of the surge.
  const cpu = rate(sim, 'container_cpu_usage_seconds_total', { service: 'frontend' }, F + 6 * MIN, F + 7 * MIN);
  assert.ok(cpu > 0.5, `frontend cpu ${cpu}`);
});

test('the ground-truth log records what, where, start and end (ended early too)', () => {
  const sim = createSimulator({ seed: 17, startMs: T0 });
  const a = sim.inject({ type: 'error_burst', service: 'cart', durationSeconds: 120, startMs: T0 + MIN });
  const b = sim.inject({ type: 'traffic_surge', service: 'catalogue', durationSeconds: 600, magnitude: 2, startMs: T0 + 2 * MIN });
  sim.advance(T0 + 4 * MIN);
  sim.end(b, T0 + 5 * MIN);
  assert.deepEqual(
    sim.faults().map(({ id, type, service, magnitude, start, end }) => ({ id, type, service, magnitude, start, end })),
    [
      { id: a, type: 'error_burst', service: 'cart', magnitude: 0.3, start: new Date(T0 + MIN).toISOString(), end: new Date(T0 + 3 * MIN).toISOString() },
      { id: b, type: 'traffic_surge', service: 'catalogue', magnitude: 2, start: new Date(T0 + 2 * MIN).toISOString(), end: new Date(T0 + 5 * MIN).toISOString() },
    ],
  );
  assert.notEqual(a, b);
  assert.throws(() => sim.end('nope', T0 + 5 * MIN), /no fault with id "nope"/);
  assert.throws(() => sim.inject({ type: 'error_burst', service: 'cart', durationSeconds: 60, startMs: T0 }), /before the simulator's current time/);
  assert.throws(() => sim.advance(T0), /cannot go back in time/);
});

test('a fault on one service leaves the unrelated services unchanged (same seed, with and without)', () => {
  const clean = createSimulator({ seed: 21, startMs: T0 });
  const faulty = createSimulator({ seed: 21, startMs: T0 });
  faulty.inject({ type: 'error_burst', service: 'cart', durationSeconds: 600, startMs: T0 + MIN });
  clean.advance(T0 + 20 * MIN);
  faulty.advance(T0 + 20 * MIN);
  for (const s of ['catalogue', 'checkout', 'payments', 'db', 'queue'])
    assert.equal(value(faulty.metrics(), 'http_requests_total', { service: s }), value(clean.metrics(), 'http_requests_total', { service: s }), s);
  assert.ok(value(faulty.metrics(), 'http_requests_total', { service: 'cart', code: '500' }) > 10 * value(clean.metrics(), 'http_requests_total', { service: 'cart', code: '500' }));
});

test('sampleSimulator records every series on a regular grid (RangeSeries shape)', async () => {
  const { sampleSimulator } = await import('../../src/demo/sampler.js');
  const sim = createSimulator({ seed: 30, startMs: T0 });
  const series = sampleSimulator(sim, { fromMs: T0, toMs: T0 + 10 * MIN, stepMs: 15_000, names: (n) => n.startsWith('probe_success') || n === 'http_requests_total' });
  const up = series.filter((s) => s.labels.__name__ === 'probe_success');
  assert.equal(up.length, 7);
  assert.equal(up[0].timestamps.length, 41);
  assert.equal(up[0].timestamps[1] - up[0].timestamps[0], 15);
  assert.ok(up.every((s) => s.values.every((v) => v === 1)));
  const fr = series.find((s) => s.labels.service === 'frontend' && s.labels.route === '/' && s.labels.code === '200');
  assert.ok(fr && fr.values[40] > fr.values[1] && fr.values[0] === 0);
  assert.throws(() => sampleSimulator(sim, { fromMs: T0, toMs: T0 - 1, stepMs: 1 }), /before fromMs/);
});

test('a stalled queue builds a backlog that drains after the fault ends; db pools fill when db is down', () => {
  const sim = createSimulator({ seed: 31, startMs: T0 });
  const F = T0 + 10 * MIN;
  sim.inject({ type: 'dependency_outage', service: 'queue', durationSeconds: 300, startMs: F });
  sim.inject({ type: 'dependency_outage', service: 'db', durationSeconds: 300, startMs: F + 20 * MIN });
  const depth = (t: number): number => value(at(sim, t), 'rabbitmq_queue_messages_ready', { service: 'queue' });
  const d0 = depth(F - MIN);
  const d5 = depth(F + 5 * MIN - 1000);
  const d12 = depth(F + 12 * MIN);
  assert.ok(d0 < 40 && d5 > 1000 && d12 < 40, `depth ${d0} → ${d5} → ${d12}`);
  const pool = value(at(sim, F + 19 * MIN), 'db_client_connections_usage', { service: 'payments' });
  const poolDown = value(at(sim, F + 23 * MIN), 'db_client_connections_usage', { service: 'payments' });
  const max = value(at(sim, F + 23 * MIN), 'db_client_connections_max', { service: 'payments' });
  assert.ok(pool < max / 2 && poolDown === max, `payments pool ${pool} → ${poolDown} of ${max}`);
});
