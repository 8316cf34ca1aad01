// Forecasts take their temporaries from one scratch area (series/scratch.ts) that the next forecast
// reuses: nothing a forecast returns may live there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forecast, type Forecast } from '../../src/models/forecast/forecast.js';
import { scratchF64, withScratch } from '../../src/models/series/scratch.js';
import { rng } from '../../eval/lib/rng.js';

const copy = (f: Forecast): number[][] => [f.mean, f.lo80, f.hi80, f.lo95, f.hi95].map((a) => Array.from(a));

test('a forecast keeps its values when later forecasts reuse the scratch area', () => {
  const r = rng(5);
  const kept: { f: Forecast; at: number[][]; params: string }[] = [];
  // Seasonal, trending, multi-season and short series, so every path (ensemble, short ETS, fallback) runs.
  const shapes: [number, number][] = [[2016, 288], [700, 24], [1500, 168], [400, 0], [20, 0], [8, 0]];
  for (const [n, P] of shapes) {
    const y = Float64Array.from({ length: n }, (_, i) => 50 + 0.02 * i + (P ? 10 * Math.sin((2 * Math.PI * i) / P) : 0) + 2 * r.gauss());
    const f = forecast(y, { horizon: 48, stepSeconds: 300 });
    kept.push({ f, at: copy(f), params: JSON.stringify(f.params) });
  }
  for (let s = 0; s < 3; s++) forecast(Float64Array.from({ length: 2016 }, () => 1e6 * r.gauss()), { horizon: 288, stepSeconds: 300 });
  for (const k of kept) {
    assert.deepEqual(copy(k.f), k.at, `${k.f.model}: its arrays changed after later forecasts`);
    assert.equal(JSON.stringify(k.f.params), k.params);
  }
});

test('scratch arrays: zeroed views inside a scope, reused after the outermost scope, fresh outside any', () => {
  const outside = scratchF64(100);
  assert.equal(outside.byteOffset, 0);
  assert.equal(outside.buffer.byteLength, 800, 'outside a scope: an array of its own');
  let first: Float64Array | null = null;
  withScratch(() => {
    first = scratchF64(100);
    first.fill(7);
    const second = scratchF64(50);
    assert.notEqual(second.byteOffset, first.byteOffset, 'two arrays in one scope do not overlap');
    withScratch(() => {
      const inner = scratchF64(10);
      assert.ok(inner.byteOffset >= second.byteOffset + 50 * 8, 'a nested scope does not reuse what its caller holds');
    });
  });
  withScratch(() => {
    const again = scratchF64(100);
    assert.equal(again.buffer, first!.buffer, 'the area is reused');
    assert.ok(again.every((v) => v === 0), 'and zeroed');
  });
  assert.throws(() => withScratch(() => { throw new Error('boom'); }), /boom/);
  assert.equal(scratchF64(3).buffer.byteLength, 24, 'a throw leaves no scope open');
});

test('scratch arrays: a scope that takes more than the area holds gets fresh arrays past it', () => {
  withScratch(() => {
    const views = new Set<ArrayBufferLike>();
    let fresh = 0;
    for (let i = 0; i < 100; i++) {
      const a = scratchF64(30_000);
      if (a.byteOffset === 0 && a.buffer.byteLength === 30_000 * 8) fresh++;
      else views.add(a.buffer);
    }
    assert.equal(views.size, 8, 'eight 2 MB buffers at most');
    assert.ok(fresh >= 100 - 8 * 8, `the rest fresh (${fresh})`);
  });
});
