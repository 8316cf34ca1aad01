// The same-time-yesterday baseline: a daily pattern is not an anomaly when the data reaches back a day.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankRootCauses, type CandidateSeries } from '../../src/rca/model/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const DAY = 86_400;
const T0 = 1_700_000_000 - (1_700_000_000 % DAY); // a midnight
/** 60 s samples from 01:00 yesterday to 02:25 today; value(secondsOfDay, dayIndex, noise). */
function make(component: string, metric: string, seed: number, value: (sod: number, d: number, n: number) => number): CandidateSeries {
  const r = rng(seed);
  const ts: number[] = [];
  const vs: number[] = [];
  for (let t = T0 + 3600; t <= T0 + DAY + 2 * 3600 + 25 * 60; t += 60) {
    ts.push(t);
    vs.push(value((t - T0) % DAY, Math.floor((t - T0) / DAY), (r() - 0.5) * 2));
  }
  return { component, metric, timestamps: ts, values: vs };
}

// A nightly batch raises its cpu from 02:00 to 02:30 every day; today api's latency also jumps at 02:02.
const batch = make('batch', 'process_cpu_utilization', 1, (sod, _d, n) => 0.2 + 0.01 * n + (sod >= 7200 && sod < 9000 ? 0.6 : 0));
const api = make('api', 'http_server_request_duration_seconds', 2, (sod, d, n) => 0.1 + 0.004 * n + (d === 1 && sod >= 7320 ? 0.05 : 0));
const incidentTime = T0 + DAY + 7200 + 5 * 60;

test('with a day of data and a known time unit, the nightly batch is judged against yesterday and the api ranks first', () => {
  const r = rankRootCauses({ series: [batch, api], incidentTime, secondsPerUnit: 1 });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  assert.equal(r.components[0]!.component, 'api', JSON.stringify(r.components.map((c) => [c.component, c.score])));
  const b = r.findings.find((f) => f.component === 'batch')!;
  assert.equal(b.anomalous, false, `batch deviation ${b.deviation}`);
});

test('the option can be turned off, and without a time unit no day is assumed', () => {
  for (const input of [
    { series: [batch, api], incidentTime, secondsPerUnit: 1, options: { sameTimeYesterday: false } },
    { series: [batch, api], incidentTime },
  ]) {
    const r = rankRootCauses(input);
    assert.equal(r.status, 'ranked');
    if (r.status === 'ranked') assert.equal(r.findings.find((f) => f.component === 'batch')!.anomalous, true);
  }
});

test('a real fault today stays abnormal against yesterday too', () => {
  const r = rankRootCauses({ series: [api], incidentTime, secondsPerUnit: 1 });
  assert.equal(r.status, 'ranked');
  if (r.status === 'ranked') assert.equal(r.findings[0]!.anomalous, true);
});
