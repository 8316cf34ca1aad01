import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  rankRootCauses,
  zScoreBaseline,
  componentOrder,
  RcaInputError,
  type CandidateSeries,
} from '../../src/rca/model/index.js';

// Deterministic noise so tests are repeatable yet not flat.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** A series sampled every 10 s from 0 to 1200, level `base` ± noise, shifted by `shift` from `from` on. */
function series(component: string, metric: string, base: number, noise: number, from: number, shift: number, seed: number): CandidateSeries {
  const r = rng(seed);
  const ts: number[] = [];
  const vs: number[] = [];
  for (let t = 0; t <= 1200; t += 10) {
    ts.push(t);
    vs.push(base + (r() - 0.5) * 2 * noise + (t >= from ? shift : 0));
  }
  return { component, metric, timestamps: ts, values: vs };
}

const chain = [
  { caller: 'frontend', callee: 'checkout' },
  { caller: 'checkout', callee: 'payments' },
  { caller: 'checkout', callee: 'queue' },
];

test('a dependency outage is blamed on the dependency, not its louder callers', () => {
  const s = [
    // payments' own error ratio moves least relative to its noise; the callers' move more and later.
    series('payments', 'error_ratio', 0.02, 0.01, 800, 0.3, 1),
    series('checkout', 'error_ratio', 0.001, 0.0005, 820, 0.3, 2),
    series('frontend', 'error_ratio', 0.0005, 0.0001, 840, 0.25, 3),
    series('queue', 'error_ratio', 0.01, 0.003, 9999, 0, 4),
    series('frontend', 'request_rate', 100, 5, 9999, 0, 5),
  ];
  const r = rankRootCauses({ series: s, incidentTime: 850, edges: chain });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  assert.equal(r.components[0]!.component, 'payments');
  assert.equal(r.candidates[0]!.metric, 'error_ratio');
  assert.ok(r.components[0]!.onset! >= 790 && r.components[0]!.onset! <= 810, `onset ${r.components[0]!.onset}`);
  assert.ok(!r.components.some((c) => c.component === 'queue'), 'a normal component is not a candidate');
  // The naive z-score ranking blames the loudest symptom; this is the failure the model exists to fix.
  assert.equal(componentOrder(zScoreBaseline(s, 850))[0], 'frontend');
  assert.match(r.components[0]!.evidence.join(' '), /callers turned abnormal at or after it: checkout/);
});

test('without the graph the earlier onset still wins among equally loud anomalies', () => {
  const s = [
    series('b', 'latency_seconds', 0.2, 0.01, 830, 0.5, 1),
    series('a', 'latency_seconds', 0.2, 0.01, 800, 0.5, 2),
  ];
  const r = rankRootCauses({ series: s, incidentTime: 840 });
  assert.equal(r.status, 'ranked');
  if (r.status === 'ranked') assert.deepEqual(r.components.map((c) => c.component), ['a', 'b']);
});

test('a traffic surge is blamed on the caller whose load rose, not the saturated callee', () => {
  const s = [
    series('frontend', 'request_rate', 100, 3, 800, 200, 1),
    series('checkout', 'request_rate', 50, 2, 800, 100, 2),
    series('checkout', 'latency_seconds', 0.1, 0.005, 810, 0.4, 3),
    series('payments', 'request_rate', 40, 2, 800, 80, 4),
    series('payments', 'cpu_usage_ratio', 0.3, 0.02, 800, 0.6, 5),
  ];
  const r = rankRootCauses({ series: s, incidentTime: 820, edges: chain });
  assert.equal(r.status, 'ranked');
  if (r.status === 'ranked') assert.equal(r.components[0]!.component, 'frontend');
});

test('confirmed causes from the knowledge base act as priors', () => {
  const s = [series('a', 'error_ratio', 0.01, 0.002, 800, 0.2, 1), series('b', 'error_ratio', 0.01, 0.002, 800, 0.2, 2)];
  const plain = rankRootCauses({ series: s, incidentTime: 800 });
  const favoured = plain.status === 'ranked' && plain.components[0]!.component === 'a' ? 'b' : 'a';
  const r = rankRootCauses({ series: s, incidentTime: 800, priors: { [favoured]: 2 } });
  assert.equal(r.status === 'ranked' && r.components[0]!.component, favoured);
});

test('nothing abnormal gives an insufficient-evidence answer, not a ranking', () => {
  const s = [series('a', 'error_ratio', 0.01, 0.002, 9999, 0, 1), series('b', 'cpu', 0.5, 0.05, 9999, 0, 2)];
  const r = rankRootCauses({ series: s, incidentTime: 800 });
  assert.equal(r.status, 'insufficient');
  if (r.status === 'insufficient') assert.match(r.reason, /no series deviated/);
});

test('too little history before the incident is reported per series', () => {
  const s = [series('a', 'error_ratio', 0.01, 0.002, 40, 0.5, 1)];
  const r = rankRootCauses({ series: s, incidentTime: 60 });
  assert.equal(r.status, 'insufficient');
  if (r.status === 'insufficient') {
    assert.match(r.reason, /enough history/);
    assert.match(r.skipped[0]!.reason, /baseline points/);
  }
});

test('bad input names what is wrong', () => {
  const s = [series('a', 'error_ratio', 0.01, 0.002, 800, 0.5, 1)];
  assert.throws(() => rankRootCauses({ series: s, incidentTime: 5000 }), /incident time 5000 is outside the data, which runs from 0 to 1200/);
  assert.throws(() => rankRootCauses({ series: [], incidentTime: 5 }), RcaInputError);
  assert.throws(
    () => rankRootCauses({ series: [{ component: 'x', metric: 'm', timestamps: [1, 2, 3], values: [1, 2] }], incidentTime: 2 }),
    /series\[0\] \(x\/m\): timestamps has 3 entries but values has 2/,
  );
  assert.throws(() => rankRootCauses({ series: s, incidentTime: NaN }), /incidentTime must be a finite number/);
});

test('a callee whose traffic dropped is explained by its failing caller (a dead service stops calling)', () => {
  const s = [
    series('payments', 'up', 1, 0, 800, -1, 1),
    series('payments', 'error_ratio', 0.005, 0.001, 800, 0.9, 2),
    series('db', 'request_rate', 90, 2, 800, -15, 3), // payments no longer calls db: db's load falls at once
    series('checkout', 'error_ratio', 0.005, 0.001, 830, 0.5, 4),
  ];
  const r = rankRootCauses({ series: s, incidentTime: 800, edges: [...chain, { caller: 'payments', callee: 'db' }] });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  assert.equal(r.components[0]!.component, 'payments');
  assert.equal(r.findings.find((f) => f.component === 'db')!.kind, 'drop');
});

test('a baseline trend (daily traffic rising) and quantised error counts are not anomalies', () => {
  const ts = Array.from({ length: 121 }, (_, i) => i * 10);
  const rising: CandidateSeries = { component: 'frontend', metric: 'request_rate', timestamps: ts, values: ts.map((t) => 50 + t * 0.05 + Math.sin(t) * 0.5) };
  // 0, 1 or 2 errors per window over ~640 requests: the ratio jumps between 3 levels all the time.
  const r0 = rng(7);
  const quantised: CandidateSeries = { component: 'cart', metric: 'error_ratio', timestamps: ts, values: ts.map(() => [0, 1, 1, 1, 2][Math.floor(r0() * 5)]! / 640) };
  const r = rankRootCauses({ series: [rising, quantised], incidentTime: 900 });
  assert.equal(r.status, 'insufficient', JSON.stringify(r.status === 'ranked' && r.candidates));
});

test('a tiny error ratio on a flat zero baseline is judged against its peers (one went to 1)', () => {
  const ts = Array.from({ length: 121 }, (_, i) => i * 10);
  const flat = (after: number, from: number): number[] => ts.map((t) => (t >= from ? after : 0));
  const s: CandidateSeries[] = [
    { component: 'payments', metric: 'error_ratio', timestamps: ts, values: flat(1, 800) },
    { component: 'cart', metric: 'error_ratio', timestamps: ts, values: flat(0.008, 820) },
  ];
  const r = rankRootCauses({ series: s, incidentTime: 800 });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  assert.deepEqual(r.components.map((c) => c.component), ['payments']);
  // Alone, a lasting rise of the same size is the largest change of its metric and does count.
  const alone = rankRootCauses({ series: [s[1]!], incidentTime: 800 });
  assert.equal(alone.status, 'ranked');
});
