import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeriesCsv, parseTimestamp, fmt } from '../../src/io/csv.js';
import { cleanSeries, counterToRate } from '../../src/models/series/clean.js';
import { detectPeriod } from '../../src/models/series/seasonality.js';
import { rng } from '../../eval/lib/rng.js';

test('timestamps: ISO with T or space (UTC unless zoned), Unix seconds, milliseconds', () => {
  assert.equal(parseTimestamp('2024-01-01T00:00:00Z'), 1_704_067_200);
  assert.equal(parseTimestamp('2024-01-01 00:00:00'), 1_704_067_200);
  assert.equal(parseTimestamp('2024-01-01T01:00:00+01:00'), 1_704_067_200);
  assert.equal(parseTimestamp('2024-01-01 00:00:30.5'), 1_704_067_230.5);
  assert.equal(parseTimestamp('1704067200'), 1_704_067_200);
  assert.equal(parseTimestamp('1704067200000'), 1_704_067_200);
  assert.equal(parseTimestamp('2024-02-30 00:00:00'), null);
  assert.equal(parseTimestamp('yesterday'), null);
});

test('header optional, gaps kept as NaN, malformed lines reported with their line numbers', () => {
  const ok = parseSeriesCsv('timestamp,value\n1,2\n2,\n3,NaN\n"4","5.5"\n');
  assert.equal(ok.header, true);
  assert.deepEqual(ok.issues, []);
  assert.equal(ok.rows.length, 4);
  assert.ok(Number.isNaN(ok.rows[1]!.value));
  const noHeader = parseSeriesCsv('1,2\n2,3\n');
  assert.equal(noHeader.header, false);
  assert.equal(noHeader.rows.length, 2);
  const bad = parseSeriesCsv('timestamp,value\n1,2\n2,abc\nnot-a-time,3\n4,5,6\n\n5,1\n');
  assert.deepEqual(bad.issues.map((i) => i.line), [3, 4, 5]);
  assert.match(bad.issues[0]!.message, /'abc' is not a number/);
  assert.match(bad.issues[2]!.message, /expected 2 columns/);
  assert.equal(fmt(0.1 + 0.2), '0.3');
});

test('cleanSeries: unsorted, duplicate, NaN, irregular and gappy input onto a regular grid', () => {
  const ts = [0, 60, 180, 120, 120, 240, 600, 660];
  const vs = [0, 1, 3, 9, 2, Number.NaN, 10, 11];
  const s = cleanSeries(ts, vs);
  assert.equal(s.step, 60);
  assert.equal(s.values.length, 12);
  assert.ok(s.values.every((v) => Number.isFinite(v)));
  assert.equal(s.report.unsorted, true);
  assert.equal(s.report.duplicates, 1);
  assert.equal(s.report.dropped, 1);
  assert.equal(s.values[2], 2); // last duplicate wins
  assert.ok(s.report.interpolated >= 5);
  assert.ok(s.report.longGaps >= 1);
  assert.throws(() => cleanSeries([0, 1e12], [1, 2], { step: 1 }), /exceeds the limit/);
});

test('counter resets are stitched like increase() and turned into a rate', () => {
  const s = cleanSeries([0, 10, 20, 30, 40], [100, 110, 5, 15, 25], { counter: true });
  assert.equal(s.report.counterResets, 1);
  assert.deepEqual([...s.values], [100, 110, 115, 125, 135]);
  const r = counterToRate(s);
  assert.deepEqual([...r.values], [1, 1, 0.5, 1, 1]);
});

test('period detection: finds 24 in hourly data, nothing in noise or a constant', () => {
  const y = Array.from({ length: 24 * 10 }, (_, i) => Math.sin((2 * Math.PI * i) / 24) + 0.2 * Math.cos(i * 7.3));
  assert.equal(detectPeriod(y)?.period, 24);
  assert.equal(detectPeriod(new Array(200).fill(5)), null);
  let x = 1;
  const noise = Array.from({ length: 300 }, () => ((x = (x * 16807) % 2147483647) / 2147483647) - 0.5);
  assert.equal(detectPeriod(noise, { candidates: [24] }), null);
});

test('period detection on long series: short periods at full resolution, long ones via the coarse scan', () => {
  let x = 7;
  const noise = () => ((x = (x * 16807) % 2147483647) / 2147483647) - 0.5;
  const long = Array.from({ length: 3000 }, (_, i) => Math.sin((2 * Math.PI * i) / 200) + 0.3 * noise());
  assert.equal(detectPeriod(long)?.period, 200);
  const short = Array.from({ length: 3000 }, (_, i) => Math.sin((2 * Math.PI * i) / 12) + 0.3 * noise());
  assert.equal(detectPeriod(short)?.period, 12);
  const odd = Array.from({ length: 3000 }, (_, i) => Math.sin((2 * Math.PI * i) / 333) + 0.3 * noise());
  const p = detectPeriod(odd)?.period ?? 0;
  assert.ok(Math.abs(p - 333) <= 1, String(p));
});

test('fmt: the same text as String(Number(v.toPrecision(10))) (its definition) across magnitudes and signs', () => {
  const r = rng(9);
  const def = (v: number): string => (!Number.isFinite(v) ? 'NaN' : v === 0 ? '0' : String(Number(v.toPrecision(10))));
  const xs = [100, -100, 0.3, 1e-7, 123456789012, 1234567890, 0.000001, 0.0000012345, 9999999999.5, -0.5, 1e21, 5e-324, -0, NaN, Infinity];
  for (let i = 0; i < 20_000; i++) xs.push((r() - 0.3) * 10 ** Math.floor(r() * 30 - 12), Math.round(r() * 1e6) / 10 ** Math.floor(r() * 8));
  for (const v of xs) assert.equal(fmt(v), def(v), String(v));
});
