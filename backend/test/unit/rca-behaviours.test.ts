// The behaviours seen when the ranking was tried on real incident data (issue 14, items 1–7), each on a
// small fixture. Every fixture failed on the model before the rework.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankRootCauses, type CandidateSeries, type RcaInput } from '../../src/rca/model/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Samples every 10 s on [from, to]; value(t, noise) gives the level, noise is uniform in [-1, 1]. */
function make(component: string, metric: string, seed: number, value: (t: number, n: number) => number, from = 0, to = 1200): CandidateSeries {
  const r = rng(seed);
  const ts: number[] = [];
  const vs: number[] = [];
  for (let t = from; t <= to; t += 10) {
    ts.push(t);
    vs.push(value(t, (r() - 0.5) * 2));
  }
  return { component, metric, timestamps: ts, values: vs };
}

function top(input: RcaInput): string[] {
  const r = rankRootCauses(input);
  assert.equal(r.status, 'ranked', r.status === 'insufficient' ? r.reason : '');
  return r.status === 'ranked' ? r.components.map((c) => c.component) : [];
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const r = rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test('1. huge deviations stay distinct (no ties at a cap) and shuffled columns give the identical ranking', () => {
  // Four services jump by 200, 400, 800 and 1600 times their noise at the same moment; listed smallest first.
  const jumps = [200, 400, 800, 1600];
  const s = jumps.map((k, i) => make(`svc${i}`, 'cpu_utilization', 10 + i, (t, n) => 0.2 + 0.0005 * n + (t >= 800 ? 0.0005 * k * 0.5 : 0)));
  const r = rankRootCauses({ series: s, incidentTime: 820 });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  assert.deepEqual(r.components.map((c) => c.component), ['svc3', 'svc2', 'svc1', 'svc0']);
  const scores = r.components.map((c) => c.score);
  assert.equal(new Set(scores).size, scores.length, `scores tie: ${scores.join(', ')}`);
  const reference = r.components.map((c) => c.component).join();
  for (let k = 0; k < 5; k++) assert.equal(top({ series: shuffle(s, 100 + k), incidentTime: 820 }).join(), reference);
});

test('2. a trend in a baseline that ended hours earlier is not extrapolated across the gap', () => {
  // Yesterday's hour, then (after a 20 h gap) the few minutes around today's incident.
  const today = 20 * 3600;
  const join = (a: CandidateSeries, b: CandidateSeries): CandidateSeries => ({
    ...a,
    timestamps: [...Array.from(a.timestamps), ...Array.from(b.timestamps)],
    values: [...Array.from(a.values), ...Array.from(b.values)],
  });
  // search's latency fell steadily yesterday and sits where it ended: nothing happened to it.
  const search = join(
    make('search', 'latency_seconds', 1, (t, n) => 0.5 - (0.3 * t) / 3600 + 0.002 * n, 0, 3590),
    make('search', 'latency_seconds', 2, (_t, n) => 0.2 + 0.002 * n, today + 700, today + 1200),
  );
  // db's latency jumps by 20σ at the incident.
  const db = join(
    make('db', 'latency_seconds', 3, (_t, n) => 0.05 + 0.001 * n, 0, 3590),
    make('db', 'latency_seconds', 4, (t, n) => 0.05 + 0.001 * n + (t >= today + 900 ? 0.02 : 0), today + 700, today + 1200),
  );
  assert.deepEqual(top({ series: [search, db], incidentTime: today + 920 }), ['db']);
});

test('3. a column constant at 0 that moves by 1e-6 does not outrank a real 20σ jump', () => {
  const s = [
    make('batch', 'x_gauge', 1, (t) => (t >= 800 ? 1e-6 : 0)),
    make('api', 'latency_seconds', 2, (t, n) => 0.1 + 0.005 * n + (t >= 800 ? 0.06 : 0)),
  ];
  assert.equal(top({ series: s, incidentTime: 820 })[0], 'api');
});

test('4. availability 100 → 97 → 95.5 % over two samples is flagged and ranked first', () => {
  const s = [
    make('lb', 'availability_percent', 1, (t) => (t < 1190 ? 100 : t < 1200 ? 97 : 95.5), 0, 1200),
    make('web', 'latency_seconds', 2, (_t, n) => 0.2 + 0.02 * n, 0, 1200),
  ];
  const r = rankRootCauses({ series: s, incidentTime: 1190 });
  assert.equal(r.status, 'ranked', r.status === 'insufficient' ? r.reason : '');
  if (r.status !== 'ranked') return;
  assert.equal(r.components[0]!.component, 'lb');
  assert.equal(r.components[0]!.onset, 1190);
});

// However many times it happened before: recurring incidents are still incidents, not the series' habit.
for (const past of [[[300, 400]], [[200, 260], [500, 560]], [[100, 200], [400, 500], [650, 750]]]) {
  test(`5. ${past.length} past incident(s) inside the baseline do not hide the same fault now`, () => {
    // worker's cpu bursts in the baseline (previous incidents) and again at 1000; api latency rises a little at 1000.
    const burst = (t: number) => past.some(([a, b]) => t >= a! && t < b!) || t >= 1000;
    const s = [
      make('api', 'latency_seconds', 1, (t, n) => 0.1 + 0.004 * n + (t >= 1000 ? 0.04 : 0), 0, 1300),
      make('worker', 'cpu_utilization', 2, (t, n) => 0.3 + 0.01 * n + (burst(t) ? 0.5 : 0), 0, 1300),
    ];
    const r = rankRootCauses({ series: s, incidentTime: 1010 });
    assert.equal(r.status, 'ranked');
    if (r.status !== 'ranked') return;
    assert.equal(r.components[0]!.component, 'worker');
    const f = r.findings.find((x) => x.component === 'worker')!;
    assert.ok(f.deviation > 20, `the burst is judged against clean cpu, not the previous bursts (z ${f.deviation})`);
  });
}

test('6. a change that began long before the incident does not win by onset order', () => {
  // The load balancer lost a fifth of its availability 20 samples before the incident; checkout's latency
  // jumped at the incident.
  const s = [
    make('lb', 'availability_percent', 1, (t) => (t >= 600 ? 80 : 100), 0, 1200),
    make('checkout', 'latency_seconds', 2, (t, n) => 0.1 + 0.005 * n + (t >= 800 ? 0.1 : 0), 0, 1200),
  ];
  assert.equal(top({ series: s, incidentTime: 810 })[0], 'checkout');
  // …and one already abnormal when the baseline ends is marked as pre-existing.
  const r = rankRootCauses({ series: s, incidentTime: 810, options: { lookback: 150 } });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  assert.equal(r.findings.find((f) => f.component === 'lb')?.preexisting, true);
  assert.equal(r.components[0]!.component, 'checkout');
});

test('7. sporadic latency of a rarely-called endpoint does not beat a 20× cpu jump on a busy service', () => {
  // Every other sample from 810 on (before the cpu jump): a handful of report requests taking 30 s each.
  const slow = new Set(Array.from({ length: 20 }, (_, i) => 810 + 20 * i));
  const s = [
    make('reports', 'http_server_request_duration_seconds', 1, (t, n) => (slow.has(t) ? 30 : 0.005 + 0.0005 * n)),
    make('reports', 'http_requests_per_second', 2, (_t, n) => 0.02 + 0.002 * n),
    make('api', 'process_cpu_utilization', 3, (t, n) => 0.03 + 0.003 * n + (t >= 820 ? 0.57 : 0)),
    make('api', 'http_requests_per_second', 4, (_t, n) => 200 + 5 * n),
  ];
  assert.equal(top({ series: s, incidentTime: 830 })[0], 'api');
});
