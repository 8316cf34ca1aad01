// Evidence text speaks in units: durations from the timestamp unit the model is told, values from the
// metric's unit suffix (seconds, bytes, ratio shown in percent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankRootCauses, type CandidateSeries } from '../../src/rca/model/index.js';
import { formatDuration, formatValue, valueUnitOf } from '../../src/rca/model/units.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function make(component: string, metric: string, seed: number, value: (t: number, n: number) => number, t0: number, step: number, n: number): CandidateSeries {
  const r = rng(seed);
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < n; i++) {
    ts.push(t0 + i * step);
    vs.push(value(i * step, (r() - 0.5) * 2));
  }
  return { component, metric, timestamps: ts, values: vs };
}

test('evidence tells the lead as a duration and values in their unit when the time unit is given', () => {
  const t0 = 1_700_000_000;
  // Latency jumps from 50 ms to ~1.2 s at 1050 s; the alert comes at 1200 s (150 s = 2.5 min later).
  const lat = make('db', 'http_server_request_duration_seconds', 1, (t, n) => 0.05 + 0.002 * n + (t >= 1050 ? 1.15 : 0), t0, 10, 150);
  const err = make('db', 'http_server_error_ratio', 2, (t, n) => 0.01 + 0.001 * n + (t >= 1050 ? 0.2 : 0), t0, 10, 150);
  const r = rankRootCauses({ series: [lat, err], incidentTime: t0 + 1200, secondsPerUnit: 1 });
  assert.equal(r.status, 'ranked');
  if (r.status !== 'ranked') return;
  const text = r.candidates.map((c) => c.evidence).join('\n');
  assert.match(text, /http_server_request_duration_seconds rose from 50 ms to 1\.\d s .*started 2\.5 min before the incident/);
  assert.match(text, /http_server_error_ratio rose from 1(\.\d+)?% to 2\d(\.\d+)?% .*started 2\.5 min before the incident/);
  // Milliseconds as the time unit: the same lead.
  const ms = (s: CandidateSeries): CandidateSeries => ({ ...s, timestamps: Array.from(s.timestamps, (t) => t * 1000) });
  const r2 = rankRootCauses({ series: [ms(lat), ms(err)], incidentTime: (t0 + 1200) * 1000, secondsPerUnit: 0.001 });
  assert.equal(r2.status, 'ranked');
  if (r2.status === 'ranked') assert.match(r2.candidates[0]!.evidence, /started 2\.5 min before the incident/);
});

test('units are read from metric-name suffixes and formatted readably', () => {
  assert.equal(valueUnitOf('container_memory_working_set_bytes'), 'bytes');
  assert.equal(valueUnitOf('http_server_request_duration_p95_seconds'), 'seconds');
  assert.equal(valueUnitOf('availability_percent'), 'percent');
  assert.equal(valueUnitOf('http_server_requests_per_second'), 'none');
  assert.equal(valueUnitOf('container_cpu_usage_seconds_total'), 'none');
  assert.equal(formatValue(3 * 1024 ** 3, 'bytes'), '3 GiB');
  assert.equal(formatValue(0.025, 'ratio'), '2.5%');
  assert.equal(formatDuration(150), '2.5 min');
  assert.equal(formatDuration(0.45), '450 ms');
  assert.equal(formatDuration(7200), '2 h');
});
