// RCA and health on the real stack: prometheus scraping the demo workload every second. A dependency
// outage injected into payments must come back as an incident whose top candidate is payments, with the
// injection, the firing alert and a config reload on its timeline and the dependency-down runbook
// suggested; the health scores must put payments last, with availability as the category costing the most.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { startDemoStack, type DemoStack } from '../../src/stack/index.js';
import { parseRcaConfig } from '../../src/rca/config.js';
import { DEMO_HEALTH, DEMO_RCA_METRICS } from '../../src/demo/foresight-config.js';
import { investigate } from '../../src/rca/investigate.js';
import { KnowledgeBase } from '../../src/rca/knowledge-base.js';
import { HealthService } from '../../src/health/service.js';
import { healthScoreProvider } from '../../src/health/ds-provider.js';
import { healthServiceFor } from '../../src/api/health.js';
import { decodeHealthScores } from '@foresight/contract';
import { PromClient } from '../../src/prom/client.js';

let dir: string;
let stack: DemoStack;
let injectedAt: number;



const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(500);
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foresight-rca-test-'));
  const rulesDir = join(dir, 'rules');
  await mkdir(rulesDir, { recursive: true });
  await writeFile(
    join(rulesDir, 'rca.yml'),
    'groups:\n  - name: rca-test\n    rules:\n      - alert: ServiceDown\n        expr: probe_success == 0\n        labels: {severity: page}\n',
  );
  stack = await startDemoStack({ dir, rulesDir, withCompanion: false, scrapeIntervalSeconds: 1, evaluationIntervalSeconds: 1 });
  const prom = new PromClient({ url: stack.prometheus.url });
  // 90 s of healthy history for the baselines (the workload's values move on a 5 s grid: 18 steps, so a 5 s blip is not a robust outlier).
  await eventually('90 s of scraped history', 110_000, async () => {
    const r = await prom.query('count_over_time(probe_success{service="payments"}[2m])');
    return r[0] && r[0].value >= 90 ? true : undefined;
  });
  const res = await fetch(`${stack.workload.url}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'dependency_outage', service: 'payments', durationSeconds: 120 }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  injectedAt = Date.now() / 1000;
  await sleep(3000);
  // A config reload during the incident: must show on the timeline as a change marker.
  assert.equal((await fetch(`${stack.prometheus.url}/-/reload`, { method: 'POST' })).status, 200);
  await sleep(17_000);
});

after(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a dependency outage yields an incident blaming the failing dependency, with timeline and runbook', async () => {
  const prom = new PromClient({ url: stack.prometheus.url });
  // One-second scrapes: short rate windows so onsets are seconds, not a minute, apart.
  const config = parseRcaConfig({
    stepSeconds: 1,
    baselineMinutes: 90 / 60,
    faultsUrl: stack.workload.url,
    metrics: DEMO_RCA_METRICS.map((m) => ({ name: m.name, query: m.query.replaceAll('[1m]', '[10s]') })),
  });
  const store = openStore(':memory:');
  try {
    const kb = new KnowledgeBase(store);
    const inv = await investigate({ prom, config, kb }, { incidentTime: injectedAt });
    assert.equal(inv.status, 'ranked', inv.reason);
    assert.equal(inv.components[0]!.component, 'payments', JSON.stringify(inv.components.map((c) => [c.component, c.score, c.onset! - injectedAt, c.evidence]), null, 1));
    assert.ok(inv.edges.some((e) => e.caller === 'checkout' && e.callee === 'payments'), 'topology inferred from the service graph');
    // The outage's own signal (the top candidate) starts at the injection. The component's onset is its
    // earliest abnormal series; with only a 90 s baseline another of its series once set it 17 s early in CI
    // (which one was not recorded: the messages now list them), so it is held to at most 30 s before the
    // injection (the analysis window looks back 20 s; an onset already present walks back past it).
    const anomalies = JSON.stringify(inv.timeline.filter((e) => e.kind === 'anomaly').map((e) => [e.time - injectedAt, e.component, e.event]));
    const top = inv.candidates[0]!;
    assert.equal(top.component, 'payments', anomalies);
    assert.ok(Math.abs(top.onset! - injectedAt) < 10, `top candidate ${top.metric} onset ${top.onset! - injectedAt}s from the injection; anomalies (s from the injection): ${anomalies}`);
    assert.ok(inv.components[0]!.onset! <= top.onset! && inv.components[0]!.onset! >= injectedAt - 30, `component onset ${inv.components[0]!.onset! - injectedAt}s; anomalies: ${anomalies}`);
    // Each candidate carries the PromQL of exactly its series (a configured grouped query narrowed to the component).
    const q = inv.queries!.payments!.error_ratio!;
    // Over the investigated window (an instant may fall where the outage left no series to divide).
    const narrowed = await prom.queryRange(q, injectedAt - 60, injectedAt + 15, 1);
    assert.deepEqual(narrowed.map((r) => r.labels.service), ['payments'], q);
    const kinds = new Set(inv.timeline.map((e) => e.kind));
    assert.ok(inv.timeline.some((e) => e.kind === 'fault' && e.component === 'payments' && /dependency_outage/.test(e.event)), 'fault on the timeline');
    assert.ok(inv.timeline.some((e) => e.kind === 'alert' && e.component === 'payments' && /ServiceDown/.test(e.event)), `alert on the timeline; kinds ${[...kinds]}`);
    assert.ok(kinds.has('anomaly'));
    assert.ok(inv.timeline.some((e) => e.kind === 'change' && /Prometheus config reloaded/.test(e.event)), `change marker; kinds ${[...kinds]}`);
    for (let i = 1; i < inv.timeline.length; i++) assert.ok(inv.timeline[i - 1]!.time <= inv.timeline[i]!.time);
    assert.equal(inv.runbooks[0]?.id, 'dependency-down', JSON.stringify(inv.runbooks));
    // Saved in the knowledge base and findable by symptom.
    assert.ok(inv.id);
    assert.ok(kb.search({ symptom: 'payments:up' }).some((x) => x.id === inv.id));
    // A scope that matches nothing is a clear error, not a ranking.
    await assert.rejects(investigate({ prom, config }, { incidentTime: injectedAt, scope: { components: ['nope'] } }), /scope matches no component with data; known components: .*payments/);
  } finally {
    store.close();
  }
});

test('health scores put the failing service last, availability costing the most', async () => {
  const store = openStore(':memory:');
  try {
    const svc = new HealthService({ prom: new PromClient({ url: stack.prometheus.url }), store, config: { ...DEMO_HEALTH, baselineHours: 0.02, baselineStepSeconds: 1, baselineGapSeconds: 0 } });
    const snap = await svc.runOnce();
    assert.deepEqual(snap.errors, []);
    const byName = new Map(snap.components.map((c) => [c.component, c]));
    assert.equal(byName.size, 7);
    const pay = byName.get('payments')!;
    assert.equal(snap.worst, 'payments');
    assert.ok(pay.score! < 60, `payments ${pay.score}`);
    assert.match(pay.recommendations[0]!, /^availability costs/);
    assert.ok(byName.get('catalogue')!.score! > pay.score!);
    assert.equal(svc.history.scores('payments', 0).length, 1);
    // The datasource query serves the same scores as contract frames.
    const ctx = { config: { health: { ...DEMO_HEALTH, baselineHours: 0.02, baselineStepSeconds: 1, baselineGapSeconds: 0 } }, prom: new PromClient({ url: stack.prometheus.url }), store };
    await healthServiceFor(ctx).runOnce();
    const decoded = decodeHealthScores(await healthScoreProvider({ refId: 'A', queryType: 'healthScore', component: 'payments' }, { from: 0, to: Date.now() + 60_000 }, ctx));
    assert.equal(decoded.length, 1);
    assert.equal(decoded[0]!.component, 'payments');
    assert.ok(decoded[0]!.score < 60);
    assert.ok(decoded[0]!.history.length >= 1);
  } finally {
    store.close();
  }
});
