// The resolution floor shared by the anomaly detector (online) and the RCA model (batch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchResolution, nextQuantum, nextTypicalDiff, resolutionFloor } from '../../src/models/series/noise-floor.js';
import { noiseScale } from '../../src/rca/model/noise-floor.js';

function online(values: number[]): { quantum: number; typical: number } {
  let quantum = 0;
  let typical = 0;
  for (let i = 1; i < values.length; i++) {
    const d = Math.abs(values[i]! - values[i - 1]!);
    quantum = nextQuantum(quantum, d);
    typical = nextTypicalDiff(typical, d);
  }
  return { quantum, typical };
}

test('online and batch forms find the same quantum on quantised data, and the floor is the larger part', () => {
  // Error counts per window: 0..4, in steps of 1 (the quantum), times 0.25 to be sure no constant is assumed.
  const counts = [0, 1, 0, 2, 1, 1, 0, 3, 1, 0, 0, 2, 4, 1, 0, 1, 2, 1, 0, 1].map((c) => c * 0.25);
  const t = counts.map((_, i) => i * 10);
  const b = batchResolution(Float64Array.from(counts).sort(), counts, t, 30);
  assert.equal(b.quantum, 0.25);
  assert.equal(online(counts).quantum, 0.25);
  assert.equal(b.floor, Math.max(b.quantum, b.typicalDiff));
  assert.equal(resolutionFloor(2, 3), 3);
  assert.equal(resolutionFloor(3, 2), 3);
});

test('two distinct values say nothing about the quantum; gaps are not differenced', () => {
  const v = [100, 100, 100, 80, 100, 100];
  const t = [0, 10, 20, 30, 40, 50];
  assert.equal(batchResolution(Float64Array.from(v).sort(), v, t, 30).quantum, 0);
  // A level change across a gap is no neighbour difference.
  const v2 = [1, 1, 1, 9, 9, 9];
  const t2 = [0, 10, 20, 5000, 5010, 5020];
  assert.equal(batchResolution(Float64Array.from(v2).sort(), v2, t2, 30).typicalDiff, 0);
});

test('the online typical difference is a running median: it starts at the first difference and moves by ±5%', () => {
  assert.equal(nextTypicalDiff(0, 0), 0);
  assert.equal(nextTypicalDiff(0, 2), 2);
  assert.equal(nextTypicalDiff(2, 4), 2 * 1.05);
  assert.equal(nextTypicalDiff(2, 1), 2 * 0.9524);
  assert.equal(nextTypicalDiff(2, 2), 2);
});

test('the RCA noise scale takes its resolution from the shared helper', () => {
  const v = [0, 1, 0, 2, 1, 1, 0, 3, 1, 0, 0, 2];
  const t = v.map((_, i) => i * 10);
  const n = noiseScale(v, t, 10);
  const b = batchResolution(Float64Array.from(v).sort(), v, t, 30);
  assert.equal(n.resolution, b.quantum);
  assert.equal(n.diff, b.typicalDiff);
});
