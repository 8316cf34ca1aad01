// The onset of a change is where the change that explains the incident began, not an earlier, separate
// blip of noise. Shape taken from live one-second scrapes (issue 14, integration rca-demo): a service whose
// error ratio was exactly 0 through the baseline logs one ordinary error 3 to 16 s before it goes down; the
// rate window smears that single error into a ~10-sample plateau, which abuts (or nearly abuts) the outage's
// own rise, and the series (then the component) was dated from the stray error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankRootCauses, type CandidateSeries, type RcaInput } from '../../src/rca/model/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const INCIDENT = 90;
const WINDOW = 10; // seconds of the rate window
const END = 110;

/** One sample per second on [0, END]; noise is uniform in [-1, 1] and moves on a 5 s grid, like the scraped workload. */
function make(component: string, metric: string, seed: number, value: (t: number, n: number) => number): CandidateSeries {
  const r = rng(seed);
  const ts: number[] = [];
  const vs: number[] = [];
  let n = 0;
  for (let t = 0; t <= END; t++) {
    if (t % 5 === 0) n = (r() - 0.5) * 2;
    ts.push(t);
    vs.push(value(t, n));
  }
  return { component, metric, timestamps: ts, values: vs };
}

/**
 * api goes down just after the incident time (every request fails from t = 92, its probe fails from 91);
 * before that it served ~3.3 requests/s with no error in the baseline but one ordinary error at `blipAt`.
 * Its caller web shows the failure 10 s later; its callee store loses api's calls.
 */
function incident(blipAt: number | undefined): RcaInput {
  const rps = (n: number) => 3.3 * (1 + 0.05 * n);
  // Errors counted in the rate window ending at t, over the requests in it.
  const errorRatio = (t: number, n: number) => {
    const blip = blipAt !== undefined && t >= blipAt && t < blipAt + WINDOW ? 1 : 0;
    const failing = Math.max(0, Math.min(WINDOW, t - 91)) * rps(n);
    return Math.min(1, (blip + failing) / (WINDOW * rps(n)));
  };
  const series = [
    make('api', 'request_rate', 1, (t, n) => rps(n)),
    make('api', 'error_ratio', 1, errorRatio),
    make('api', 'up', 2, (t) => (t >= 91 ? 0 : 1)),
    make('api', 'latency_p95_seconds', 3, (t, n) => 0.22 + 0.01 * n),
    make('web', 'request_rate', 4, (t, n) => 10 * (1 + 0.05 * n)),
    make('web', 'error_ratio', 5, (t, n) => 0.01 + 0.002 * n + (t >= 102 ? 0.3 : 0)),
    make('web', 'latency_p95_seconds', 6, (t, n) => 0.3 + 0.01 * n + (t >= 100 ? 0.7 : 0)),
    make('store', 'request_rate', 7, (t, n) => 12 * (1 + 0.03 * n) - (t >= 101 ? 3.3 : 0)),
    make('store', 'latency_p95_seconds', 8, (t, n) => 0.01 + 0.001 * n),
  ];
  return {
    series,
    incidentTime: INCIDENT,
    edges: [
      { caller: 'web', callee: 'api' },
      { caller: 'api', callee: 'store' },
    ],
    secondsPerUnit: 1,
  };
}

function ranked(input: RcaInput) {
  const r = rankRootCauses(input);
  assert.equal(r.status, 'ranked', r.status === 'insufficient' ? r.reason : '');
  if (r.status !== 'ranked') throw new Error('unreachable');
  return r;
}

for (const blipAt of [66, 68, 74, 78, 81, 87]) {
  test(`one ordinary error ${INCIDENT - blipAt} s before the outage does not date the outage (or the component) from it`, () => {
    const r = ranked(incident(blipAt));
    const err = r.findings.find((f) => f.component === 'api' && f.metric === 'error_ratio')!;
    assert.ok(err.anomalous);
    assert.ok(err.onset! >= INCIDENT && err.onset! <= 93, `error_ratio onset ${err.onset! - INCIDENT} s from the incident`);
    assert.equal(r.components[0]!.component, 'api');
    assert.ok(Math.abs(r.components[0]!.onset! - INCIDENT) <= 3, `component onset ${r.components[0]!.onset! - INCIDENT} s from the incident`);
  });
}

test('without the stray error the outage is dated as before; shuffled columns give the identical result', () => {
  const input = incident(undefined);
  const r = ranked(input);
  const err = r.findings.find((f) => f.component === 'api' && f.metric === 'error_ratio')!;
  assert.ok(err.onset! >= 91 && err.onset! <= 93, `error_ratio onset ${err.onset}`);
  const withBlip = incident(81);
  const ref = JSON.stringify(ranked(withBlip).components);
  for (const order of [[...withBlip.series].reverse(), [...withBlip.series.slice(4), ...withBlip.series.slice(0, 4)]]) {
    assert.equal(JSON.stringify(ranked({ ...withBlip, series: order }).components), ref);
  }
});

test('a change that rises steadily out of the noise is still dated from where the rise began', () => {
  // Latency creeps up from t = 80 (+3 % of its level per second) before the service fails at 92: the creep
  // is part of the same change, so the onset stays at its start, not at the failure.
  const input = incident(undefined);
  input.series = input.series.map((s) =>
    s.component === 'api' && s.metric === 'latency_p95_seconds'
      ? make('api', 'latency_p95_seconds', 3, (t, n) => 0.22 + 0.002 * n + (t >= 80 ? 0.0066 * Math.min(t - 80, 30) : 0) + (t >= 92 ? 0.5 : 0))
      : s,
  );
  const r = ranked(input);
  const lat = r.findings.find((f) => f.component === 'api' && f.metric === 'latency_p95_seconds')!;
  assert.ok(lat.anomalous);
  assert.ok(lat.onset! <= 86, `latency onset ${lat.onset}`);
});

test("a resource growing at its usual pace does not pull the failing component's onset before the incident", () => {
  // api's memory grows steadily through the baseline and the incident alike (a cache warming up); the
  // outage at 91 is the change. Neither the growth nor its noise may date api from before the incident.
  for (const rate of [0.0005, 0.002, 0.005]) {
    const input = incident(undefined);
    input.series.push(make('api', 'memory_usage_ratio', 9, (t, n) => 0.3 + rate * t + 0.004 * n));
    input.series.push(make('api', 'cpu_usage_ratio', 10, (t, n) => 0.1 + 0.5 * rate * t + 0.002 * n));
    const r = ranked(input);
    assert.equal(r.components[0]!.component, 'api');
    const late = r.findings.filter((f) => f.anomalous && f.component === 'api' && f.onset! < INCIDENT - 2);
    assert.deepEqual(late.map((f) => `${f.metric} ${f.onset! - INCIDENT}`), [], `rate ${rate}`);
    assert.ok(Math.abs(r.components[0]!.onset! - INCIDENT) <= 3, `rate ${rate}: component onset ${r.components[0]!.onset! - INCIDENT}`);
  }
});
