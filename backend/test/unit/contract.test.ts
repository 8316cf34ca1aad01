// The contract's schemas and its frame encoders/decoders (used by both companion and plugin).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  anomaliesFrame,
  budgetHistoryFrame,
  decodeAnomalies,
  decodeBudgetHistory,
  decodeForecasts,
  decodeHealthScores,
  decodeRootCause,
  decodeSloStatus,
  describeZodError,
  dsQueryRequestSchema,
  dsQueryResponseSchema,
  forecastFrame,
  forecastSchema,
  frameSchema,
  gradeFor,
  healthScoreFrames,
  rootCauseFrames,
  sloStatusFrames,
  type Forecast,
  type HealthScore,
  type SloStatus,
} from '@foresight/contract';

const slo: SloStatus = {
  id: 'checkout-availability',
  service: 'checkout',
  name: 'Checkout availability',
  objective: 0.999,
  sli: 0.9987,
  budgetRemaining: -0.3,
  burnRates: [
    { window: '1h', rate: 15.2, threshold: 14.4 },
    { window: '6h', rate: 4.1, threshold: 6 },
  ],
  secondsToExhaustion: null,
  window: '30d',
};

test('request schema accepts every query type and names the failing field', () => {
  const ok = dsQueryRequestSchema.safeParse({
    range: { from: 1, to: 2 },
    queries: [
      { refId: 'A', queryType: 'sloStatus' },
      { refId: 'B', queryType: 'budgetHistory', slo: 'x' },
      { refId: 'C', queryType: 'burnRates', slo: 'x' },
      { refId: 'D', queryType: 'healthScore', component: 'db' },
      { refId: 'E', queryType: 'forecast', target: 'disk', horizon: '7d' },
      { refId: 'F', queryType: 'anomalies', minScore: 3 },
      { refId: 'G', queryType: 'rootCause' },
    ],
  });
  assert.equal(ok.success, true);
  const bad = dsQueryRequestSchema.safeParse({
    range: { from: 1, to: 2 },
    queries: [{ refId: 'A', queryType: 'budgetHistory' }],
  });
  assert.equal(bad.success, false);
  if (!bad.success) assert.match(describeZodError(bad.error), /queries\.0\.slo/);
  const unknown = dsQueryRequestSchema.safeParse({
    range: { from: 1, to: 2 },
    queries: [{ refId: 'A', queryType: 'nope' }],
  });
  assert.equal(unknown.success, false);
  if (!unknown.success) assert.match(describeZodError(unknown.error), /queries\.0\.queryType/);
  const dup = dsQueryRequestSchema.safeParse({
    range: { from: 1, to: 2 },
    queries: [
      { refId: 'A', queryType: 'rootCause' },
      { refId: 'A', queryType: 'rootCause' },
    ],
  });
  assert.equal(dup.success, false);
  if (!dup.success) assert.match(describeZodError(dup.error), /duplicate refId 'A'/);
  const backwards = dsQueryRequestSchema.safeParse({
    range: { from: 5, to: 2 },
    queries: [{ refId: 'A', queryType: 'rootCause' }],
  });
  assert.equal(backwards.success, false);
});

test('frames with fields of unequal length are rejected', () => {
  const r = frameSchema.safeParse({
    fields: [
      { name: 'a', type: 'number', values: [1, 2] },
      { name: 'b', type: 'number', values: [1] },
    ],
  });
  assert.equal(r.success, false);
  if (!r.success) assert.match(describeZodError(r.error), /fields\.1\.values: field 'b' has 1 values/);
});

test('SLO status round-trips through frames, keeping burn rates per SLO', () => {
  const other: SloStatus = {
    ...slo,
    id: 'cart-latency',
    service: 'cart',
    burnRates: [{ window: '1h', rate: 0.5, threshold: 14.4 }],
    secondsToExhaustion: 3600,
  };
  const frames = sloStatusFrames([slo, other]);
  for (const fr of frames) assert.equal(frameSchema.safeParse(fr).success, true);
  assert.deepEqual(decodeSloStatus(frames), [slo, other]);
  // A separate burn-rates query for the same SLO does not duplicate its windows.
  assert.deepEqual(decodeSloStatus([...frames, frames[1]!])[0]?.burnRates, slo.burnRates);
  assert.ok(dsQueryResponseSchema.safeParse({ results: { A: { frames }, B: { error: 'x' } } }).success);
  // Data coverage travels with each status when the companion measured it.
  const covered = [{ ...slo, coverage: 0.03 }, { ...other, coverage: null }];
  assert.deepEqual(decodeSloStatus(sloStatusFrames(covered)), covered);
});

test('health scores round-trip with categories and history', () => {
  const h: HealthScore = {
    component: 'db',
    score: 72.5,
    grade: gradeFor(72.5),
    trend: -4,
    categories: [
      { name: 'uptime', weight: 0.3, score: 100 },
      { name: 'errors', weight: 0.3, score: null },
    ],
    history: [
      { time: 1000, score: 80 },
      { time: 2000, score: 72.5 },
    ],
  };
  assert.equal(h.grade, 'C');
  assert.deepEqual(decodeHealthScores(healthScoreFrames([h])), [h]);
  assert.deepEqual([95, 85, 75, 65, 10].map(gradeFor), ['A', 'B', 'C', 'D', 'F']);
});

test('forecast round-trips and its schema checks array lengths', () => {
  const fc: Forecast = {
    target: 'disk',
    series: '{service="db"}',
    unit: 'bytes',
    timestamps: [1, 2, 3],
    history: [10, 11, null],
    forecast: [null, 11, 12],
    lo80: [null, 11, 11.5],
    hi80: [null, 11, 12.5],
    lo95: [null, 11, 11],
    hi95: [null, 11, 13],
    threshold: 20,
    crossingTime: null,
    headroom: 0.4,
    recommendation: 'no action needed',
  };
  assert.deepEqual(decodeForecasts([forecastFrame(fc)]), [fc]);
  const withNotes: Forecast = { ...fc, notes: ['season 288 steps', '1 gap(s) longer than 3 steps: filled, and not validated on'] };
  assert.deepEqual(decodeForecasts([forecastFrame(withNotes)]), [withNotes]);
  const bad = forecastSchema.safeParse({ ...fc, hi95: [1] });
  assert.equal(bad.success, false);
  if (!bad.success) assert.match(describeZodError(bad.error), /hi95: has 1 points, timestamps has 3/);
});

test('anomalies, budget history and root cause round-trip', () => {
  const an = [{ time: 5, target: 'latency', series: 'x{a="b"}', score: 4.2, value: 3, expected: 1 }];
  assert.deepEqual(decodeAnomalies([anomaliesFrame(an)]), an);
  const pts = [
    { time: 1, budgetRemaining: 1 },
    { time: 2, budgetRemaining: null },
  ];
  assert.deepEqual(decodeBudgetHistory([budgetHistoryFrame('s', pts)]), [{ slo: 's', points: pts }]);
  const rc = {
    incident: 'inc-1',
    candidates: [
      {
        component: 'payments',
        metric: 'probe_success',
        score: 0.9,
        onset: 100,
        evidence: 'went to 0',
        series: 'probe_success{service="payments"}',
      },
    ],
    timeline: [
      { time: 200, component: 'checkout', event: 'errors rose' },
      { time: 100, component: 'payments', event: 'down' },
    ],
  };
  const back = decodeRootCause(rootCauseFrames({ ...rc, incidentTime: 150 }));
  assert.equal(back?.candidates[0]?.component, 'payments');
  assert.equal(back?.incidentTime, 150);
  assert.equal(back?.candidates[0]?.series, 'probe_success{service="payments"}');
  // No PromQL from the companion stays absent (the panel then offers no Explore link).
  const { series: _s, ...bare } = rc.candidates[0]!;
  assert.equal(decodeRootCause(rootCauseFrames({ ...rc, candidates: [bare] }))?.candidates[0]?.series, undefined);
  assert.deepEqual(
    back?.timeline.map((t) => t.time),
    [100, 200],
    'timeline is sorted by time'
  );
  assert.equal(decodeRootCause([]), null);
});

test('decoders name the missing field', () => {
  assert.throws(
    () =>
      decodeSloStatus([{ name: 'x', meta: { type: 'foresight.sloStatus' }, fields: [{ name: 'id', values: ['a'] }] }]),
    /frame 'x' has no field 'service'/
  );
});
