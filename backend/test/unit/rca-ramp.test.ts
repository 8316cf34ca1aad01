// A slow leak: a saturation metric climbing steadily crosses the meaningful-change floor late and by little,
// so it was dated after the symptoms it causes and ranked below them (issue 14, synthetic memory leaks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankRootCauses, type CandidateSeries } from '../../src/rca/model/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Samples every 10 s on [0, to]; noise is uniform in [-1, 1]. */
function make(component: string, metric: string, seed: number, value: (t: number, n: number) => number, to = 1200): CandidateSeries {
  const r = rng(seed);
  const ts: number[] = [];
  const vs: number[] = [];
  for (let t = 0; t <= to; t += 10) {
    ts.push(t);
    vs.push(value(t, (r() - 0.5) * 2));
  }
  return { component, metric, timestamps: ts, values: vs };
}

// cache leaks from t = 900: +0.25 % of its memory per sample, +7.5 % by the end (its noise is 0.2 %).
// api calls cache; its latency steps up at 930 (it waits on the leaking cache).
const leak = make('cache', 'container_memory_working_set_bytes', 1, (t, n) => 1e9 * (1 + 0.002 * n + (t >= 900 ? 0.00025 * (t - 900) : 0)));
const series = [
  leak,
  make('cache', 'http_server_request_duration_seconds', 2, (t, n) => 0.02 + 0.001 * n),
  make('api', 'http_server_request_duration_seconds', 3, (t, n) => 0.1 + 0.005 * n + (t >= 930 ? 0.06 : 0)),
  make('api', 'container_memory_working_set_bytes', 4, (t, n) => 5e8 * (1 + 0.002 * n)),
];
const edges = [{ caller: 'api', callee: 'cache' }];

test('a steady climb of a saturation metric is judged against its noise and dated from where the ramp began', () => {
  const r = rankRootCauses({ series, incidentTime: 960, edges });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  const mem = r.findings.find((f) => f.component === 'cache' && f.semantic === 'saturation')!;
  assert.ok(mem.anomalous);
  // Against the 5 %-of-level floor the climb is worth z ≈ 4; against its measured noise, far more.
  assert.ok(mem.deviation > 10, `deviation ${mem.deviation}`);
  // The ramp began at 900, before the caller's latency step at 930: not when it crossed the alarm threshold.
  assert.ok(mem.onset! <= 920, `onset ${mem.onset}`);
  // Still climbing at the end: judged by where it has got to, not by its typical level since the onset.
  const reached = (mem.peakValue! - mem.baselineMedian) / mem.baselineScale;
  assert.ok(mem.deviation >= 0.85 * reached, `deviation ${mem.deviation} against ${reached} reached`);
  assert.equal(r.components[0]!.component, 'cache');
});

test('a step of the same metric keeps the floor and its own onset (only a steady climb is re-judged)', () => {
  // The same 7.5 % change as a step at 1100: no climb, so it is judged against the meaningful-change floor.
  const step = make('cache', 'container_memory_working_set_bytes', 1, (t, n) => 1e9 * (1 + 0.002 * n + (t >= 1100 ? 0.075 : 0)));
  const r = rankRootCauses({ series: [step, ...series.slice(1)], incidentTime: 960, edges });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  const mem = r.findings.find((f) => f.component === 'cache' && f.semantic === 'saturation')!;
  assert.ok(mem.deviation < 6, `deviation ${mem.deviation}`);
  assert.equal(mem.onset, 1100);
});

test("a leak is the component's own doing: a callee's simultaneous slowdown does not take its blame", () => {
  // svc leaks memory from 900; its callee db happens to slow down at the same time (a second, smaller fault).
  // svc's latency follows db's. Without the rule the walk hands svc's anomaly to db, which "explains" it.
  const s = [
    make('svc', 'container_memory_working_set_bytes', 11, (t, n) => 1e9 * (1 + 0.002 * n + (t >= 900 ? 0.0003 * (t - 900) : 0))),
    make('svc', 'http_server_request_duration_seconds', 12, (t, n) => 0.1 + 0.005 * n + (t >= 910 ? 0.03 : 0)),
    make('db', 'http_server_request_duration_seconds', 13, (t, n) => 0.02 + 0.001 * n + (t >= 900 ? 0.012 : 0)),
  ];
  const r = rankRootCauses({ series: s, incidentTime: 960, edges: [{ caller: 'svc', callee: 'db' }] });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  assert.ok(r.findings.find((f) => f.component === 'svc' && f.semantic === 'saturation')!.climbing);
  assert.deepEqual(r.components.map((c) => c.component), ['svc', 'db'], r.components.map((c) => `${c.component} ${c.score} (${c.anomaly})`).join(', '));
});

test('a leak that began before the analysis window and is still climbing into the incident is not discounted as background', () => {
  // 40 min of data, incident at 2160; cache has leaked since 1500 (+0.1 % per sample), its callers' latency
  // steps up at 2100 and 2130. The climb is already under way when the analysis window opens.
  const s = [
    make('cache', 'container_memory_working_set_bytes', 1, (t, n) => 1e9 * (1 + 0.002 * n + (t >= 1500 ? 0.0001 * (t - 1500) : 0)), 2400),
    make('cache', 'http_server_request_duration_seconds', 2, (t, n) => 0.02 + 0.001 * n, 2400),
    make('api', 'http_server_request_duration_seconds', 3, (t, n) => 0.1 + 0.005 * n + (t >= 2130 ? 0.03 : 0), 2400),
    make('web', 'http_server_request_duration_seconds', 4, (t, n) => 0.1 + 0.005 * n + (t >= 2100 ? 0.02 : 0), 2400),
  ];
  const r = rankRootCauses({ series: s, incidentTime: 2160, edges: [{ caller: 'api', callee: 'cache' }, { caller: 'web', callee: 'cache' }] });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  const mem = r.findings.find((f) => f.component === 'cache' && f.semantic === 'saturation')!;
  assert.ok(mem.preexisting && mem.climbing, JSON.stringify(mem));
  assert.equal(r.components[0]!.component, 'cache', r.components.map((c) => `${c.component} ${c.score} (${c.anomaly})`).join(', '));
});

test('the evidence says a resource is still climbing', () => {
  const r = rankRootCauses({ series, incidentTime: 960, edges, secondsPerUnit: 1 });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  const line = r.candidates.find((c) => c.component === 'cache' && c.metric === 'container_memory_working_set_bytes')!.evidence;
  assert.match(line, /still climbing steadily/);
});
