import { test } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { Registry } from 'prom-client';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelsConfig } from '../../src/live/config.js';
import { ownsSeries, seriesHash } from '../../src/live/shard.js';
import { ModelScheduler, anomalyOptions } from '../../src/live/scheduler.js';
import { ModelsState } from '../../src/live/state.js';
import { anomaliesProvider } from '../../src/wiring/models-providers.js';
import { datasourceProviders } from '../../src/wiring/features.js';
import { datasourceRouter } from '../../src/api/datasource.js';
import { createApp } from '../../src/http/app.js';
import { loadConfig } from '../../src/config/index.js';
import { decodeAnomalies, decodeForecasts, type DsQueryResponse } from '@foresight/contract';
import pino from 'pino';
import type { PromRangeReader, RangeSeries, StoreLike, Labels } from '../../src/live/ports.js';
import type { AnomalySeriesResult, CapacitySeriesResult, ForecastSeriesResult, TargetStatus } from '../../src/live/results.js';
import { modelsRouter, modelsServiceFor, type ModelsRouterContext } from '../../src/api/models.js';
import { openStore } from '../../src/store/db.js';
import type { AppContext } from '../../src/context.js';
import { rng } from '../../eval/lib/rng.js';

/** The companion's real store, in memory. */
function memStore(): StoreLike {
  return openStore(':memory:');
}

// Compile-time check that the companion's AppContext can be handed to modelsRouter as is.
export const appContextFits = (ctx: AppContext): ModelsRouterContext => ctx;

/**
 * Deterministic in-memory series source answering query_range like Prometheus (points at start + k*step;
 * where f gives NaN there is no point, as for a series not scraped then; a series with no point is left out).
 */
function fakeProm(series: { labels: Labels; f: (t: number) => number; expr?: string }[], calls: { start: number; end: number }[] = []): PromRangeReader {
  return {
    async queryRange(expr, start, end, step) {
      calls.push({ start, end });
      const out: RangeSeries[] = [];
      for (const s of series) {
        if ((s.expr ?? expr) !== expr && s.expr !== undefined) continue;
        if (s.expr === undefined && expr === 'limit') continue;
        const ts: number[] = [];
        for (let t = Math.ceil(start / step) * step; t <= end; t += step) if (!Number.isNaN(s.f(t))) ts.push(t);
        if (ts.length) out.push({ labels: s.labels, timestamps: Float64Array.from(ts), values: Float64Array.from(ts, s.f) });
      }
      return out;
    },
  };
}

test('config: defaults, and errors that name the field', () => {
  const c = parseModelsConfig({ targets: [{ name: 'a', query: 'up', kind: 'anomaly' }] });
  assert.equal(c.intervalSeconds, 60);
  assert.deepEqual(c.replica, { index: 0, count: 1 });
  assert.equal(c.targets[0]!.step, 60);
  assert.throws(() => parseModelsConfig({ targets: [{ name: 'disk', query: 'x', kind: 'capacity' }] }), /models\.targets\.0\.threshold: is required for kind capacity/);
  assert.throws(() => parseModelsConfig({ replica: { index: 2, count: 2 } }), /models\.replica: replica\.index must be < replica\.count/);
  assert.throws(() => parseModelsConfig({ targets: [{ name: 'a', query: 'x', kind: 'anomaly' }, { name: 'a', query: 'y', kind: 'anomaly' }] }), /duplicate target name 'a'/);
  assert.throws(() => parseModelsConfig({ bogus: 1 }), /models\.\(root\)|Unrecognized key/);
});

test('sharding: stable hash of sorted labels; two replicas own every series exactly once', () => {
  assert.equal(seriesHash({ a: '1', b: '2' }), seriesHash({ b: '2', a: '1' }));
  assert.notEqual(seriesHash({ a: 'b,c' }), seriesHash({ a: 'b', c: '' }));
  const r = rng(5);
  let zero = 0;
  for (let i = 0; i < 2000; i++) {
    const l = { __name__: 'm', instance: `host-${r.int(0, 1e6)}:9100`, job: `j${i % 7}` };
    const owners = [0, 1].filter((idx) => ownsSeries(l, idx, 2));
    assert.equal(owners.length, 1);
    if (owners[0] === 0) zero++;
  }
  assert.ok(zero > 850 && zero < 1150, `replica 0 owns ${zero} of 2000`);
});

const STEP = 60;
const NOW = 1_700_006_400 + 3 * 86_400;
const wave = (svc: number) => (t: number) => 100 + 10 * Math.sin((2 * Math.PI * t) / 3600) + ((t * 7919 + svc * 104729) % 13) / 13;

test('anomaly target: primes the warm-up, flags a spike, exports, and resumes from the store after a restart', async (t) => {
  // A file store, closed and reopened, as a restarted companion would see it.
  const dir = await mkdtemp(join(tmpdir(), 'fs-live-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'foresight.db');
  let store = openStore(file);
  let now = NOW;
  const spikeAt = NOW + 10 * STEP;
  const series = [0, 1, 2].map((i) => ({ labels: { __name__: 'lat', service: `s${i}` }, f: (t: number) => wave(i)(t) + (i === 1 && t === spikeAt ? 80 : 0) }));
  const calls: { start: number; end: number }[] = [];
  const cfg = { models: undefined, targets: [{ name: 'lat', query: 'lat', kind: 'anomaly', step: STEP, warmupPoints: 240 }] };
  const reg = new Registry();
  const s1 = new ModelScheduler({ prom: fakeProm(series, calls), store, registry: reg, config: { targets: cfg.targets }, now: () => now });
  await s1.runOnce();
  assert.equal(calls[0]!.end - calls[0]!.start, 240 * STEP, 'first cycle reads the warm-up window');
  let res = s1.results('lat') as AnomalySeriesResult[];
  assert.equal(res.length, 3);
  assert.ok(res.every((r) => !r.warmup && r.periodSeconds === 3600), JSON.stringify(res.map((r) => [r.warmup, r.periodSeconds])));
  for (let k = 1; k <= 10; k++) {
    now = NOW + k * STEP;
    await s1.runOnce();
  }
  assert.equal(calls[1]!.start, NOW + STEP, 'later cycles read only new points');
  res = s1.results('lat') as AnomalySeriesResult[];
  const spiked = res.find((r) => r.labels.service === 's1')!;
  assert.equal(spiked.latest!.t, spikeAt);
  assert.ok(spiked.latest!.anomaly, `score ${spiked.latest!.score}`);
  assert.ok(res.filter((r) => r.labels.service !== 's1').every((r) => !r.latest!.anomaly));
  const metrics = await reg.metrics();
  assert.match(metrics, /foresight_anomaly_score\{target="lat",series="lat\{service=\\"s1\\"\}"\} (1|0\.[6-9]\d*)\n/);
  const f = s1.findings();
  assert.equal(f.length, 1);
  assert.equal(f[0]!.component, 'service=s1');
  await s1.stop();
  (store as ReturnType<typeof openStore>).close();
  store = openStore(file);
  t.after(() => (store as ReturnType<typeof openStore>).close());
  // Restart on the same store: state restored, no second warm-up, incremental read continues.
  const calls2: { start: number; end: number }[] = [];
  now = NOW + 11 * STEP;
  const s2 = new ModelScheduler({ prom: fakeProm(series, calls2), store, registry: new Registry(), config: { targets: cfg.targets }, now: () => now });
  assert.equal(s2.results('lat').length, 3, 'last results served right after restart');
  // The anomaly findings survive the restart (issue 12 finding 7), before and after the next cycle.
  assert.deepEqual(s2.findings().map((x) => x.component), ['service=s1'], 'findings lost across a restart');
  await s2.runOnce();
  assert.deepEqual(s2.findings().map((x) => x.component), ['service=s1'], 'findings lost after the first cycle since restart');
  assert.equal(calls2[0]!.start, NOW + 11 * STEP);
  const after = s2.results('lat') as AnomalySeriesResult[];
  assert.ok(after.every((r) => !r.warmup && r.latest!.t === NOW + 11 * STEP));
});

test('anomaly target with a series that goes away: reads stay incremental, and after a week its detector and stored state are forgotten', async () => {
  const store = memStore();
  let now = NOW;
  let goneAt = Infinity;
  const series = [
    { labels: { __name__: 'lat', service: 'stays' }, f: wave(0) },
    { labels: { __name__: 'lat', service: 'leaves' }, f: (t: number) => (t < goneAt ? wave(1)(t) : Number.NaN) },
  ];
  const calls: { start: number; end: number }[] = [];
  const s = new ModelScheduler({ prom: fakeProm(series, calls), store, registry: new Registry(), config: { targets: [{ name: 'lat', query: 'lat', kind: 'anomaly', step: STEP, warmupPoints: 120 }] }, now: () => now });
  await s.runOnce();
  goneAt = now + STEP;
  for (let i = 0; i < 30; i++) {
    now += STEP;
    await s.runOnce();
  }
  // Half an hour after it left, a cycle reads only the new minute (not the 2 h warm-up window again).
  const last = calls[calls.length - 1]!;
  assert.equal(last.end - last.start, 0, JSON.stringify(last));
  assert.deepEqual([...new ModelsState(store).loadAnomalyStates('lat').keys()].sort(), ['lat{service="leaves"}', 'lat{service="stays"}']);
  // A week and a day on, the departed series is forgotten; the other one is still learned.
  now += 8 * 86_400;
  await s.runOnce();
  assert.deepEqual([...new ModelsState(store).loadAnomalyStates('lat').keys()], ['lat{service="stays"}']);
  assert.deepEqual((s.results('lat') as AnomalySeriesResult[]).map((r) => r.labels.service), ['stays']);
});

test('capacity and forecast targets, series cap and two replicas splitting the series', async () => {
  const grow = (i: number) => (t: number) => 50 + ((t - NOW) / 86_400) * 5 * (i + 1) + Math.sin(t / 977);
  const series = Array.from({ length: 6 }, (_, i) => ({ labels: { __name__: 'disk', instance: `h${i}` }, f: grow(i) }));
  const targets = [
    { name: 'disk', query: 'disk', kind: 'capacity', threshold: 100, horizon: 30 * 86_400, step: 3600, lookback: 3 * 86_400, season: 0 },
    { name: 'diskfc', query: 'disk', kind: 'forecast', horizon: 3600 * 6, step: 3600, lookback: 3 * 86_400 },
  ];
  const evaluated: string[][] = [];
  for (const index of [0, 1]) {
    const reg = new Registry();
    const s = new ModelScheduler({ prom: fakeProm(series), store: memStore(), registry: reg, config: { targets, replica: { index, count: 2 } }, now: () => NOW });
    const report = await s.runOnce();
    assert.ok(report.targets.every((t) => t.error === null), JSON.stringify(report));
    const caps = s.results('disk', 'capacity') as CapacitySeriesResult[];
    evaluated.push(caps.map((c) => c.series));
    for (const c of caps) {
      const i = Number(c.labels.instance!.slice(1));
      const expected = ((100 - c.current) / (5 * (i + 1))) * 86_400;
      assert.ok(c.secondsToThreshold !== null && Math.abs(c.secondsToThreshold - expected) < 0.2 * expected + 7200, `${c.series}: ${c.secondsToThreshold} vs ${expected}`);
      assert.ok(c.exhaustionTime! > NOW);
    }
    assert.match(await reg.metrics(), /foresight_capacity_seconds_to_threshold\{target="disk"/);
    assert.match(await reg.metrics(), /foresight_forecast_value\{target="diskfc",series="disk\{instance=\\"h\d\\"\}",horizon="6h"\}/);
  }
  const all = [...evaluated[0]!, ...evaluated[1]!].sort();
  assert.equal(all.length, 6);
  assert.equal(new Set(all).size, 6, 'each series evaluated by exactly one replica');
  // Series cap.
  const reg = new Registry();
  const capped = new ModelScheduler({ prom: fakeProm(series), store: memStore(), registry: reg, config: { targets: [targets[0]], maxSeriesPerTarget: 4 }, now: () => NOW });
  const rep = await capped.runOnce();
  assert.equal(rep.targets[0]!.dropped, 2);
  assert.match(await reg.metrics(), /foresight_model_series_dropped_total\{target="disk",reason="series_cap"\} 2/);
});

test('forecast target on series with holes: a gap of hours is filled and said in the notes; a series that is mostly gap is skipped and the log says why', async () => {
  const start = NOW - 3 * 86_400;
  const daily = (t: number): number => 100 + 20 * Math.sin((2 * Math.PI * t) / 86_400) + Math.sin(t / 977);
  const series = [
    // Down for 8 hours, ending 6 hours ago.
    { labels: { __name__: 'req', instance: 'gap' }, f: (t: number) => (t > NOW - 14 * 3600 && t < NOW - 6 * 3600 ? Number.NaN : daily(t)) },
    // Ten hours of data three days ago, then nothing until one last sample now (until it comes back).
    { labels: { __name__: 'req', instance: 'stray' }, f: (t: number) => (back || t < start + 10 * 3600 || t === NOW ? daily(t) : Number.NaN) },
  ];
  let back = false;
  const warned: { obj: Record<string, unknown>; msg?: string }[] = [];
  const told: string[] = [];
  const log = { info: (_o: object, msg?: string) => void told.push(msg ?? ''), error: () => undefined, warn: (obj: object, msg?: string) => void warned.push({ obj: obj as Record<string, unknown>, msg }) };
  const reg = new Registry();
  const s = new ModelScheduler({ prom: fakeProm(series), store: memStore(), registry: reg, log, config: { targets: [{ name: 'reqfc', query: 'req', kind: 'forecast', horizon: 3 * 3600, step: 600, lookback: 3 * 86_400 }] }, now: () => NOW });
  await s.runOnce();
  const res = s.results('reqfc', 'forecast') as ForecastSeriesResult[];
  assert.deepEqual(res.map((r) => r.labels.instance), ['gap']);
  assert.ok(res[0]!.notes.some((n) => /gap\(s\) longer than 3 steps: filled, and not validated on/.test(n)), res[0]!.notes.join('; '));
  assert.ok(res[0]!.notes.some((n) => /origins clear of long gaps/.test(n)), res[0]!.notes.join('; '));
  const skipped = warned.find((w) => w.msg === 'series not forecast');
  assert.ok(skipped, JSON.stringify(warned));
  assert.match(String(skipped.obj.series), /stray/);
  assert.match(String(skipped.obj.err), /longer than all the data .*stray timestamp/);
  assert.match(await reg.metrics(), /foresight_model_series_dropped_total\{target="reqfc",reason="invalid_input"\} 1/);
  // The target's status says it too; the next cycle counts it again but does not log it again.
  assert.deepEqual(s.targets()[0]!.refused.map((r) => r.series), [String(skipped.obj.series)]);
  assert.match(s.targets()[0]!.refused[0]!.reason, /stray timestamp/);
  await s.runOnce();
  assert.equal(warned.filter((w) => w.msg === 'series not forecast').length, 1);
  assert.match(await reg.metrics(), /foresight_model_series_dropped_total\{target="reqfc",reason="invalid_input"\} 2/);
  // Once its data is whole again it is forecast, said once, and no longer listed.
  back = true;
  await s.runOnce();
  assert.deepEqual((s.results('reqfc', 'forecast') as ForecastSeriesResult[]).map((r) => r.labels.instance).sort(), ['gap', 'stray']);
  assert.deepEqual(s.targets()[0]!.refused, []);
  assert.equal(told.filter((m) => m === 'series usable again').length, 1);
});

test('a series that stopped reporting is not forecast from its last data: its results and exported figures go, and the log says so once', async () => {
  let goneAt = Infinity; // h1 stops reporting then
  const grow = (t: number): number => 50 + (t - NOW) / 3600 + Math.sin(t / 977);
  const series = [
    { labels: { __name__: 'disk', instance: 'h0' }, f: grow },
    { labels: { __name__: 'disk', instance: 'h1' }, f: (t: number) => (t < goneAt ? grow(t) : Number.NaN) },
  ];
  const reg = new Registry();
  let now = NOW;
  const told: Record<string, unknown>[] = [];
  const log = { info: (o: object, msg?: string) => void (msg === 'series gone: no longer forecast' && told.push(o as Record<string, unknown>)), warn: () => undefined, error: () => undefined };
  const s = new ModelScheduler({ prom: fakeProm(series), store: memStore(), registry: reg, log, config: { targets: [{ name: 'disk', query: 'disk', kind: 'capacity', threshold: 100, horizon: 86_400, step: 60, lookback: 86_400, season: 0 }] }, now: () => now });
  await s.runOnce();
  assert.deepEqual((s.results('disk') as CapacitySeriesResult[]).map((r) => r.labels.instance), ['h0', 'h1']);
  assert.match(await reg.metrics(), /foresight_capacity_seconds_to_threshold\{target="disk",series="disk\{instance=\\"h1\\"\}"\}/);
  // Ten minutes without a sample (a slow scrape) is not yet gone; an hour is.
  goneAt = NOW + 60;
  now = NOW + 660;
  await s.runOnce();
  assert.equal(s.results('disk').length, 2);
  now = NOW + 3660;
  const rep = await s.runOnce();
  assert.deepEqual((s.results('disk') as CapacitySeriesResult[]).map((r) => r.labels.instance), ['h0']);
  // Said once in the log, not listed as a problem (pods come and go).
  assert.deepEqual(told, [{ target: 'disk', series: 'disk{instance="h1"}', reason: 'no sample for the last 61 min: the series stopped reporting' }]);
  assert.deepEqual(rep.targets[0]!.refused, []);
  now += 60;
  await s.runOnce();
  assert.equal(told.length, 1);
  const text = await reg.metrics();
  assert.doesNotMatch(text, /foresight_capacity_seconds_to_threshold\{target="disk",series="disk\{instance=\\"h1\\"\}"\}/);
  assert.match(text, /foresight_model_series_dropped_total\{target="disk",reason="stale"\} 2/);
});

test('capacity threshold from PromQL: each series gets the limit with the same labels', async () => {
  const series = [
    ...[0, 1, 2].map((i) => ({ labels: { __name__: 'mem', service: `s${i}` }, f: (t: number) => 100 + ((t - NOW) / 3600) * (i + 1) })),
    ...[0, 1].map((i) => ({ expr: 'limit', labels: { __name__: 'limit', service: `s${i}` }, f: () => 200 * (i + 1) })),
  ];
  const s = new ModelScheduler({ prom: fakeProm(series), store: memStore(), registry: new Registry(), config: { targets: [{ name: 'mem', query: 'mem', kind: 'capacity', threshold: 'limit', step: 3600, lookback: 86_400 * 2, horizon: 30 * 86_400, season: 0 }] }, now: () => NOW });
  const rep = await s.runOnce();
  assert.equal(rep.targets[0]!.error, null);
  const caps = s.results('mem') as CapacitySeriesResult[];
  assert.deepEqual(caps.map((c) => c.threshold).sort((a, b) => a - b), [200, 400]);
  for (const c of caps) {
    const i = Number(c.labels.service!.slice(1));
    const expected = ((200 * (i + 1) - c.current) / (i + 1)) * 3600;
    assert.ok(Math.abs(c.secondsToThreshold! - expected) <= 3600 + 0.05 * expected, `${c.secondsToThreshold} vs ${expected}`);
  }
  // s2 has no limit: left out, and the target's status says why.
  assert.deepEqual(rep.targets[0]!.refused.map((r) => [r.series, r.reason]), [['mem{service="s2"}', 'no threshold: the threshold query returned no series with these labels']]);
});

test('API through the whole app: /api/models serves results and names unknown targets; a forecast query says which series were left out and why', async (t) => {
  const series = [
    ...[0, 1].map((i) => ({ labels: { __name__: 'disk', instance: `h${i}` }, f: (x: number) => 50 + (i + 1) * ((x - NOW) / 3600) })),
    // h1 has no limit (h9's is not its own): it is left out.
    ...['h0', 'h9'].map((instance) => ({ expr: 'limit', labels: { __name__: 'limit', instance }, f: () => 100 })),
  ];
  const config = { ...loadConfig(undefined, { FORESIGHT_API_TOKEN: 'api-token', FORESIGHT_PROMETHEUS_URL: 'http://127.0.0.1:9' }), models: { targets: [{ name: 'disk', query: 'disk', kind: 'capacity', threshold: 'limit', step: 3600, lookback: 86_400 * 2, season: 0 }] } };
  // The fake answers query_range only, all the models and the datasource's forecast query read.
  const ctx: AppContext = { config, prom: fakeProm(series) as unknown as AppContext['prom'], store: memStore() as AppContext['store'], log: pino({ level: 'silent' }), registry: new Registry() };
  const app = createApp(ctx, { models: modelsRouter(ctx), ds: datasourceRouter(ctx, datasourceProviders()) });
  const server = app.listen(0, '127.0.0.1');
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  await new Promise((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = `${origin}/api/models`;
  const auth = { Authorization: 'Bearer api-token' };
  assert.equal((await fetch(base)).status, 401);
  const run = await (await fetch(`${base}/run`, { method: 'POST', headers: auth })).json() as { targets: { error: string | null }[] };
  assert.equal(run.targets[0]!.error, null);
  const cap = await (await fetch(`${base}/capacity`, { headers: auth })).json() as { results: CapacitySeriesResult[] };
  assert.deepEqual(cap.results.map((r) => r.labels.instance), ['h0']);
  assert.ok(cap.results[0]!.points.length > 0);
  assert.ok(cap.results[0]!.points.every((p) => p.lo95 <= p.forecast && p.forecast <= p.hi95));
  const nf = await fetch(`${base}/capacity?target=nope`, { headers: auth });
  assert.equal(nf.status, 404);
  assert.match(((await nf.json()) as { error: string }).error, /unknown models target 'nope'; known: disk/);
  const rules = await (await fetch(`${base}/rules`, { headers: auth })).text();
  assert.match(rules, /ForesightCapacityDiskPredictedExhaustion/);
  const root = await (await fetch(base, { headers: auth })).json() as { targets: TargetStatus[] };
  assert.deepEqual(root.targets[0]!.refused, [{ series: 'disk{instance="h1"}', reason: 'no threshold: the threshold query returned no series with these labels' }]);
  // The datasource: the forecast frame carries a notice naming the series left out; a query for that
  // series alone fails with the reason instead of returning nothing.
  const query = async (extra: Record<string, string>) => {
    const r = await fetch(`${origin}/api/ds/query`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ range: { from: (NOW - 86_400) * 1000, to: NOW * 1000 }, queries: [{ refId: 'A', queryType: 'forecast', target: 'disk', ...extra }] }) });
    assert.equal(r.status, 200);
    return ((await r.json()) as DsQueryResponse).results.A!;
  };
  const all = await query({});
  assert.ok('frames' in all, JSON.stringify(all));
  assert.deepEqual(decodeForecasts(all.frames).map((f) => f.series), ['disk{instance="h0"}']);
  assert.deepEqual(all.frames[0]!.meta?.notices, [{ severity: 'warning', text: '1 series left out: disk{instance="h1"}: no threshold: the threshold query returned no series with these labels' }]);
  const h1 = await query({ series: '{instance="h1"}' });
  assert.ok('error' in h1, JSON.stringify(h1));
  assert.match(h1.error, /no capacity result for target 'disk': 1 series left out: disk\{instance="h1"\}: no threshold/);
  const h0 = await query({ series: '{instance="h0"}' });
  assert.ok('frames' in h0 && h0.frames.length === 1 && !h0.frames[0]!.meta?.notices, JSON.stringify(h0));
});

test('anomaly sensitivity: per target and per series in the config; the anomalies query filters by a sensitivity', async () => {
  const cfg = parseModelsConfig({
    targets: [{ name: 'lat', query: 'lat', kind: 'anomaly', step: STEP, warmupPoints: 240, sensitivity: 'high', seriesSensitivity: [{ matchLabels: { service: 's1' }, sensitivity: 'low' }] }],
  });
  const t = cfg.targets[0]!;
  assert.equal(anomalyOptions(t, { service: 's0' }).sensitivity, 'high');
  assert.equal(anomalyOptions(t, { service: 's1' }).sensitivity, 'low');
  assert.equal(anomalyOptions(t, { service: 's1' }).warmupSeconds, 239 * STEP, 'warm-up = span of the primed history');
  assert.throws(() => parseModelsConfig({ targets: [{ name: 'x', query: 'x', kind: 'anomaly', sensitivity: 'loud' }] }), /models\.targets\.0\.sensitivity/);
  // A gross spike in the primed history (the API's scheduler runs on the wall clock), then the query with
  // and without a sensitivity cut.
  const end = Math.floor(Date.now() / 1000 / STEP) * STEP;
  const spikeAt = end - 3 * STEP;
  const series = [{ labels: { __name__: 'lat', service: 's0' }, f: (x: number) => wave(0)(x) + (x === spikeAt ? 400 : 0) }];
  const ctx = { config: { models: { targets: [{ name: 'lat', query: 'lat', kind: 'anomaly', step: STEP, warmupPoints: 240 }] } }, prom: fakeProm(series), store: memStore(), registry: new Registry() } as unknown as AppContext;
  await modelsServiceFor(ctx).runOnce();
  const to = (end + 3600) * 1000;
  const all = decodeAnomalies(anomaliesProvider(ctx, {}, 0, to));
  const spike = all.find((a) => a.time === spikeAt * 1000);
  assert.ok(spike, JSON.stringify(all));
  assert.ok(spike.score > 0 && spike.score <= 1);
  const cut = decodeAnomalies(anomaliesProvider(ctx, { sensitivity: 'low' }, 0, to));
  assert.ok(cut.every((a) => a.score >= 0.72), JSON.stringify(cut));
  assert.equal(cut.some((a) => a.time === spikeAt * 1000), spike.score >= 0.72);
});
