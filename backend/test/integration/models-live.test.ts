// The live models against a REAL Prometheus scraping the REAL demo workload (src/stack):
//  - an injected memory leak gives a capacity exhaustion forecast while usage is still below the
//    threshold, and the generated predictive alert (checked by promtool) fires before it is reached;
//  - an injected latency spike is flagged by the second evaluation after it shows in the data;
//  - two replicas (hashmod sharding) evaluate every series exactly once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { startPrometheus, startWorkload, freePort } from '../../src/stack/index.js';
import { ModelScheduler } from '../../src/live/scheduler.js';
import { applyCapacityRules } from '../../src/live/rules.js';
import { parseModelsConfig } from '../../src/live/config.js';
import { PromClient } from '../../src/prom/client.js';
import { openStore } from '../../src/store/db.js';
import type { AnomalySeriesResult, CapacitySeriesResult } from '../../src/live/results.js';

const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('memory leak -> exhaustion forecast and predictive alert before the threshold; latency spike flagged within two intervals; two replicas split the series', { timeout: 150_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fs-models-live-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const workload = await startWorkload({ seed: 11 });
  cleanups.push(() => workload.stop());
  // Memory limit of the cart service, read from the workload itself.
  const metricsText = await (await fetch(`${workload.url}/metrics`)).text();
  const limit = Number(/container_spec_memory_limit_bytes\{service="cart"[^}]*\} ([0-9.e+]+)/.exec(metricsText)![1]);
  const threshold = 0.9 * limit;
  const rulesDir = join(dir, 'rules');
  await mkdir(rulesDir);
  const promPort = await freePort();
  const prom = await startPrometheus({
    configYaml: `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: ['${rulesDir}/*.yml']\nscrape_configs:\n  - job_name: demo\n    static_configs: [{ targets: ['127.0.0.1:${workload.port}'] }]\n`,
    port: promPort,
  });
  cleanups.push(() => prom.stop());
  // The companion's own Prometheus client (shared interface 4) for queries, rules and reload.
  const client = new PromClient({ url: prom.url });
  const reader = { queryRange: client.queryRange.bind(client), instant: (e: string) => client.query(e) };
  const latencyQuery = 'sum by (service) (rate(http_request_duration_seconds_sum[4s])) / sum by (service) (rate(http_request_duration_seconds_count[4s]))';
  const targets = [
    { name: 'latency', query: latencyQuery, kind: 'anomaly', step: 1, warmupPoints: 20, lookback: 40 },
    // The limit comes from PromQL (same labels as the usage series).
    { name: 'cart-memory', query: 'container_memory_working_set_bytes{service="cart"}', kind: 'capacity', threshold: '0.9 * container_spec_memory_limit_bytes{service="cart"}', step: 1, lookback: 15, horizon: 120, season: 0, within: 60 },
  ];
  // Predictive alert rules through the one rules writer (promtool check, write, reload, verify).
  const applied = await applyCapacityRules({ rulesDir, prom: client, targets: parseModelsConfig({ targets }).targets, interval: '1s', lookback: '20s', for: '0s', mode: 'predict_linear' });
  assert.deepEqual(applied.applied.length, 1);
  const mk = (index: number, count: number) => new ModelScheduler({ prom: client, store: openStore(':memory:'), registry: new Registry(), config: { targets, replica: { index, count } } });
  const single = mk(0, 1);
  const replicas = [mk(0, 2), mk(1, 2)];
  // Warm-up: 28 s of scrapes.
  await sleep(28_000);
  await single.runOnce();
  for (const r of replicas) await r.runOnce();
  const warm = single.results('latency') as AnomalySeriesResult[];
  assert.ok(warm.length >= 6, `latency series: ${warm.length}`);
  assert.ok(warm.every((r) => !r.warmup), 'warm-up done');
  // Two replicas: every series exactly once, together the same set as one replica.
  const split = replicas.map((r) => r.results('latency').map((x) => x.series));
  const union = [...split[0]!, ...split[1]!].sort();
  assert.deepEqual(union, warm.map((r) => r.series).sort());
  assert.equal(new Set(union).size, union.length);
  assert.ok(split[0]!.length > 0 && split[1]!.length > 0, `split ${split[0]!.length}/${split[1]!.length}`);
  // Inject both faults.
  const inject = async (body: object) => {
    const r = await fetch(`${workload.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, 201, await r.text());
  };
  await inject({ type: 'latency_spike', service: 'catalogue', durationSeconds: 30, magnitude: 20 });
  await inject({ type: 'memory_leak', service: 'cart', durationSeconds: 120, magnitude: 1 });
  const injectedAt = Date.now() / 1000;
  // Evaluation interval 2 s: the spike must be flagged by the second evaluation after it shows in the data.
  // Counted in evaluations, not seconds, so a busy machine (slow scrapes, slow rate windows) cannot fail it.
  const interval = 2;
  const before = (single.results('latency') as AnomalySeriesResult[]).find((r) => r.labels.service === 'catalogue')!.recent.map((p) => p.value).sort((a, b) => a - b);
  const baseline = before[Math.floor(before.length / 2)]!;
  let spikeVisibleEval: number | null = null;
  let spikeFlaggedEval: number | null = null;
  let spikeFlaggedAt: number | null = null;
  let forecastAt: { t: number; current: number; eta: number } | null = null;
  let alertAt: { t: number; usage: number } | null = null;
  for (let i = 0; i < 40 && !(spikeFlaggedAt && forecastAt && alertAt); i++) {
    await sleep(interval * 1000);
    await single.runOnce();
    const now = Date.now() / 1000;
    const cat = (single.results('latency') as AnomalySeriesResult[]).find((r) => r.labels.service === 'catalogue');
    if (spikeVisibleEval === null && cat?.recent.some((p) => p.t >= injectedAt - 1 && p.value > 5 * baseline)) spikeVisibleEval = i;
    if (!spikeFlaggedAt && cat?.recent.some((p) => p.anomaly && p.t >= injectedAt - 1)) {
      spikeFlaggedAt = now;
      spikeFlaggedEval = i;
    }
    const cap = (single.results('cart-memory') as CapacitySeriesResult[])[0];
    if (cap) assert.ok(Math.abs(cap.threshold - threshold) < 1, `threshold from PromQL ${cap.threshold} vs ${threshold}`);
    if (!forecastAt && cap && cap.secondsToThreshold !== null && cap.secondsToThreshold > 0 && cap.current < threshold) forecastAt = { t: now, current: cap.current, eta: cap.secondsToThreshold };
    if (!alertAt) {
      const alerts = await reader.instant('ALERTS{alertname="ForesightCapacityCartMemoryPredictedExhaustion",alertstate="firing"}');
      if (alerts.length) {
        const usage = (await reader.instant('container_memory_working_set_bytes{service="cart"}'))[0]!.value;
        alertAt = { t: now, usage };
      }
    }
  }
  assert.ok(spikeVisibleEval !== null, `latency spike visible in the data (baseline ${baseline})`);
  const catRecent = (single.results('latency') as AnomalySeriesResult[]).find((r) => r.labels.service === 'catalogue')?.recent ?? [];
  const trace = catRecent.map((p) => `${(p.t - injectedAt).toFixed(0)}s:${p.value.toPrecision(3)}/${p.score.toFixed(2)}${p.anomaly ? '!' : ''}`).join(' ');
  assert.ok(spikeFlaggedAt !== null && spikeFlaggedEval !== null, `latency spike flagged (visible at evaluation ${spikeVisibleEval}); catalogue t:value/score ${trace}`);
  assert.ok(spikeFlaggedEval - spikeVisibleEval <= 1, `spike flagged at evaluation ${spikeFlaggedEval}, visible at ${spikeVisibleEval}`);
  assert.ok(forecastAt, 'capacity exhaustion forecast made');
  assert.ok(forecastAt.current < threshold, 'forecast made before the threshold');
  assert.ok(alertAt, 'predictive alert fired');
  assert.ok(alertAt.usage < threshold, `alert fired at ${alertAt.usage} >= threshold ${threshold}`);
  t.diagnostic(`spike flagged ${(spikeFlaggedAt - injectedAt).toFixed(1)} s after injection; exhaustion forecast ${(forecastAt.t - injectedAt).toFixed(1)} s after the leak started (usage ${(forecastAt.current / limit * 100).toFixed(1)}% of limit, ETA ${forecastAt.eta.toFixed(0)} s); predictive alert firing ${(alertAt.t - injectedAt).toFixed(1)} s after (usage ${(alertAt.usage / limit * 100).toFixed(1)}%, threshold 90%); replicas ${split[0]!.length}+${split[1]!.length} series`);
  await single.stop();
  for (const r of replicas) await r.stop();
});
