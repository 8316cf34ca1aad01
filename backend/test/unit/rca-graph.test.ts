// The dependency graph against the data: a graph whose edges' onsets contradict it loses its say, and with
// no graph one is inferred from onset order and co-moving deviations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankRootCauses, type CandidateSeries, type DependencyEdge } from '../../src/rca/model/index.js';
import { inferEdges } from '../../src/rca/model/graph-evidence.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** 10 s samples on [0, 1200]: latency with uniform noise ±0.001 and a ramp of `size` starting at `at`. */
function lat(component: string, seed: number, at: number, size: number): CandidateSeries {
  const r = rng(seed);
  const ts: number[] = [];
  const vs: number[] = [];
  for (let t = 0; t <= 1200; t += 10) {
    ts.push(t);
    const ramp = t < at ? 0 : Math.min(1, (t - at + 10) / 40);
    vs.push(0.05 + 0.001 * (r() - 0.5) * 2 + size * ramp * (1 + 0.3 * Math.sin(t / 37)));
  }
  return { component, metric: 'http_server_request_duration_seconds', timestamps: ts, values: vs };
}

const callers = ['api', 'web', 'worker'];

test('a reversed graph whose onsets contradict it does not bury the strongest, earliest anomaly', () => {
  // db breaks at 800 (large); its three callers follow one sample later (smaller).
  const series = [lat('db', 1, 800, 0.04), ...callers.map((c, i) => lat(c, 10 + i, 810, 0.02))];
  const truth: DependencyEdge[] = callers.map((c) => ({ caller: c, callee: 'db' }));
  const reversed = truth.map((e) => ({ caller: e.callee, callee: e.caller }));
  for (const edges of [truth, reversed, []]) {
    const r = rankRootCauses({ series, incidentTime: 830, edges });
    assert.equal(r.status, 'ranked');
    if (r.status === 'ranked') assert.equal(r.components[0]!.component, 'db', `${JSON.stringify(edges)}: ${r.components.map((c) => c.component)}`);
  }
});

test('with no graph, edges are inferred from onset order and co-moving deviations, and lift the earlier cause', () => {
  // db breaks first but mildly; its callers' latency follows three samples later and louder.
  const series = [lat('db', 1, 800, 0.012), ...callers.map((c, i) => lat(c, 10 + i, 830, 0.03))];
  const r = rankRootCauses({ series, incidentTime: 850 });
  assert.equal(r.status, 'ranked');
  if (r.status === 'ranked') assert.equal(r.components[0]!.component, 'db', r.components.map((c) => `${c.component} ${c.score}`).join(', '));
  const off = rankRootCauses({ series, incidentTime: 850, options: { inferGraph: false } });
  assert.equal(off.status, 'ranked');
  if (off.status === 'ranked') assert.notEqual(off.components[0]!.component, 'db', 'the fixture must need the inferred graph');
});

test('inferred edges point from the later component to the earlier one, only between co-moving anomalies', () => {
  const nodes = new Map([
    ['db', { failure: 0.5, load: 0, drop: 0, failureOnset: 100 }],
    ['api', { failure: 0.6, load: 0, drop: 0, failureOnset: 130 }],
    ['batch', { failure: 0.6, load: 0, drop: 0, failureOnset: 140 }],
  ]);
  const up = new Map<number, number>();
  const flatThenNoise = new Map<number, number>();
  for (let t = 90; t <= 300; t += 10) {
    up.set(t, t < 100 ? 0 : Math.min(10, (t - 90) / 10) + Math.sin(t / 23));
    flatThenNoise.set(t, Math.cos(t * 7.3) * 5);
  }
  const apiTrace = new Map([...up].map(([t, z]) => [t, up.get(t - 30) ?? 0]));
  const edges = inferEdges(nodes, new Map([['db', up], ['api', apiTrace], ['batch', flatThenNoise]]), { step: 10 });
  assert.deepEqual(edges, [{ caller: 'api', callee: 'db' }]);
});

test('a reversed graph is caught by latency nesting when every onset falls in the same sample', () => {
  // 5-minute data: db and its three callers all turn abnormal in the same sample, so onset order cannot tell
  // which way the edges point. The callers wait on db, so their latency sits above db's (before and after).
  const step = 300;
  const mk = (component: string, seed: number, base: number, rise: number, noise: number): CandidateSeries => {
    const r = rng(seed);
    const ts: number[] = [];
    const vs: number[] = [];
    for (let k = 0; k <= 60; k++) {
      ts.push(k * step);
      vs.push(base + noise * (r() - 0.5) * 2 + (k >= 56 ? rise : 0));
    }
    return { component, metric: 'latency_Average', timestamps: ts, values: vs };
  };
  const series = [mk('db', 1, 0.01, 0.02, 0.0005), ...callers.map((c, i) => mk(c, 10 + i, 0.05, 0.024, 0.0005))];
  const truth: DependencyEdge[] = callers.map((c) => ({ caller: c, callee: 'db' }));
  const reversed = truth.map((e) => ({ caller: e.callee, callee: e.caller }));
  for (const edges of [truth, reversed]) {
    const r = rankRootCauses({ series, incidentTime: 56 * step, edges });
    assert.equal(r.status, 'ranked');
    if (r.status === 'ranked') assert.equal(r.components[0]!.component, 'db', `${edges[0]!.caller} → ${edges[0]!.callee}: ${r.components.map((c) => `${c.component} ${c.score}`)}`);
  }
});
