import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { ModelScheduler } from '../../src/live/scheduler.js';
import type { Finding } from '../../src/models/anomaly/group.js';
import { FindingDedupe, investigateNewFindings, requestFromFinding } from '../../src/rca/anomaly-trigger.js';
import type { InvestigateRequest } from '../../src/rca/investigate.js';
import { parseRcaConfig } from '../../src/rca/config.js';
import { investigate } from '../../src/rca/investigate.js';
import { forecastEvents, type CapacityLike } from '../../src/rca/timeline.js';
import { openStore } from '../../src/store/db.js';

function finding(service: string, start: number, end: number): Finding {
  return {
    component: `service=${service}`,
    start,
    end,
    score: 9,
    severity: 'critical',
    detectors: ['ewma'],
    members: [{ series: `x{service="${service}"}`, labels: { service }, firstT: start, lastT: end, maxScore: 9, points: 3 }],
  };
}

test('dedupe: a finding growing over cycles gives one investigation; a later burst or another component a new one', () => {
  const d = new FindingDedupe({ gapSeconds: 600, maxAgeSeconds: 3600 });
  const t0 = 1_000_000;
  assert.deepEqual(d.fresh([finding('payments', t0, t0 + 60)], t0 + 60).map((f) => f.component), ['service=payments']);
  // The same incident one and two cycles later: its end moved, its start even moved back a little.
  assert.deepEqual(d.fresh([finding('payments', t0, t0 + 120)], t0 + 120), []);
  assert.deepEqual(d.fresh([finding('payments', t0 - 30, t0 + 900)], t0 + 900), []);
  // Another component at the same time is its own incident.
  assert.equal(d.fresh([finding('payments', t0, t0 + 960), finding('cart', t0 + 900, t0 + 960)], t0 + 960).length, 1);
  // payments again after a quiet hour: a new incident (the remembered window ended at t0 + 960).
  const later = d.fresh([finding('payments', t0 + 4000, t0 + 4060)], t0 + 4060);
  assert.deepEqual(later.map((f) => [f.component, f.start]), [['service=payments', t0 + 4000]]);
  // Within the gap of the remembered window it is still the first incident.
  assert.deepEqual(d.fresh([finding('payments', t0 + 960 + 500, t0 + 1600)], t0 + 4100), []);
});

test('dedupe: over the per-cycle limit findings wait for the next cycle; stale ones are never investigated', () => {
  const d = new FindingDedupe({ maxAgeSeconds: 3600, keepSeconds: 7200 });
  const now = 2_000_000;
  const all = ['a', 'b', 'c'].map((s, i) => finding(s, now - 300 + i, now));
  assert.deepEqual(d.fresh(all, now, 2).map((f) => f.component), ['service=a', 'service=b']);
  assert.deepEqual(d.fresh(all, now + 60, 2).map((f) => f.component), ['service=c']);
  assert.deepEqual(d.fresh(all, now + 120, 2), []);
  // Restored after a restart: ended two hours ago → history, remembered but not investigated.
  assert.deepEqual(d.fresh([finding('old', now - 7300, now - 7200)], now), []);
  // Forgotten after keepSeconds: the same window would count again if it were still recent.
  const e = new FindingDedupe({ keepSeconds: 100, maxAgeSeconds: 1e9 });
  assert.equal(e.fresh([finding('z', 10, 20)], 30).length, 1);
  assert.equal(e.fresh([finding('z', 10, 20)], 50).length, 0);
  assert.equal(e.fresh([finding('z', 10, 20)], 500).length, 1);
});

test('a finding becomes a scoped investigation request at its start', () => {
  const r = requestFromFinding(finding('payments', 500, 900), 'service');
  assert.equal(r.incidentTime, 500);
  assert.deepEqual(r.scope, { components: ['payments'] });
  assert.match(r.title!, /anomalies on payments \(critical anomaly group, 1 series\)/);
  const byJob: Finding = { ...finding('x', 1, 2), component: 'job=api', members: [] };
  assert.equal(requestFromFinding(byJob, 'service').scope, undefined, 'no service label: unscoped');
  assert.deepEqual(requestFromFinding({ ...byJob, component: 'service=db' }, 'service').scope, { components: ['db'] });
});

const cap = (service: string, exhaustionTime: number | null): CapacityLike => ({
  target: 'disk', labels: { service }, current: 0.8, threshold: 0.95, exhaustionTime, origin: 1000,
});

test('forecast crossings inside the incident window become timeline events', () => {
  const ev = forecastEvents([cap('db', 1500), cap('cart', 5000), cap('queue', null), cap('pay', 1200), cap('old', 100)], 'service', 1000, 2000);
  assert.deepEqual(ev.map((e) => [e.time, e.component, e.kind]), [[1200, 'pay', 'forecast'], [1500, 'db', 'forecast']]);
  assert.match(ev[0]!.event, /disk predicted to cross its threshold 0\.95 \(was 0\.8, forecast at 1970-01-01T00:16:40\.000Z\)/);
});

test('investigate puts predicted crossings on the timeline (and notes a failing forecast source)', async () => {
  // One flat series per metric for 'db' (nothing abnormal), no alerts.
  const empty = {
    query: async () => [],
    queryRange: async (expr: string, start: number, end: number, step: number) => {
      if (expr.includes('ALERTS')) return [];
      const n = Math.floor((end - start) / step) + 1;
      return [{ labels: { service: 'db' }, timestamps: Float64Array.from({ length: n }, (_, i) => start + i * step), values: new Float64Array(n).fill(1) }];
    },
  };
  const cfg = parseRcaConfig({ topology: { infer: false }, markers: [], metrics: [{ name: 'up', query: 'min by (service) (up)' }, { name: 'error_ratio', query: 'sum by (service) (rate(errors_total[1m]))' }] });
  const t = 10_000;
  const inv = await investigate({ prom: empty, config: cfg, now: () => t + 600, forecasts: () => [cap('db', t + 120), cap('db', t + 86_400)] }, { incidentTime: t });
  assert.deepEqual(inv.timeline.filter((e) => e.kind === 'forecast').map((e) => [e.time, e.component]), [[t + 120, 'db']]);
  const bad = await investigate({ prom: empty, config: cfg, now: () => t + 600, forecasts: () => { throw new Error('scheduler gone'); } }, { incidentTime: t });
  assert.ok(bad.notes.some((n) => /capacity forecasts unavailable: scheduler gone/.test(n)), bad.notes.join('; '));
});

test('rca config: anomaly triggering defaults and bad fields named', () => {
  assert.deepEqual(parseRcaConfig({}).anomalies, { investigate: true, maxPerCycle: 3, maxAgeMinutes: 60 });
  assert.throws(() => parseRcaConfig({ anomalies: { maxPerCycle: -1 } }), /rca\.anomalies\.maxPerCycle/);
});

test('the models scheduler reports each completed cycle to onCycle; a throwing callback does not fail the cycle', async () => {
  const store = openStore(':memory:');
  try {
    const s = new ModelScheduler({ prom: { queryRange: async () => [] } as never /* no targets: never queried */, store, registry: new Registry(), config: { targets: [] }, now: () => 42 });
    const seen: number[] = [];
    s.onCycle = (r) => seen.push(r.at);
    await s.runOnce();
    assert.deepEqual(seen, [42]);
    s.onCycle = () => {
      throw new Error('boom');
    };
    assert.equal((await s.runOnce()).at, 42);
    await s.stop();
  } finally {
    store.close();
  }
});

test('after each cycle new findings are investigated one at a time, each once; stop drops the rest', async () => {
  let current: Finding[] = [];
  const source: { findings(): Finding[]; onCycle: ((r: { at: number }) => void) | null } = { findings: () => current, onCycle: null };
  const started: InvestigateRequest[] = [];
  let running = 0;
  let maxRunning = 0;
  const trigger = investigateNewFindings(source, {
    componentLabel: 'service',
    maxPerCycle: 2,
    maxAgeSeconds: 3600,
    run: async (req) => {
      started.push(req);
      maxRunning = Math.max(maxRunning, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (req.scope?.components?.[0] === 'cart') throw new Error('prometheus down'); // must not stop the others
    },
  });
  const t = 5_000_000;
  current = [finding('cart', t, t + 60), finding('payments', t + 10, t + 60), finding('db', t + 20, t + 60)];
  source.onCycle!({ at: t + 60 });
  current = current.map((f) => ({ ...f, end: t + 120 })); // the same incidents a cycle later
  source.onCycle!({ at: t + 120 });
  current = [...current, finding('queue', t + 200, t + 240)];
  source.onCycle!({ at: t + 240 });
  // Poll rather than sleep a fixed time: on a loaded machine the queued runs may take longer.
  for (const deadline = Date.now() + 10_000; started.length < 4 || running > 0; ) {
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.deepEqual(started.map((r) => [r.scope?.components, r.incidentTime]), [
    [['cart'], t],
    [['payments'], t + 10],
    [['db'], t + 20], // over the first cycle's limit: picked up by the next one
    [['queue'], t + 200],
  ]);
  assert.equal(maxRunning, 1, 'one investigation at a time');
  current = [finding('late', t + 300, t + 360)];
  source.onCycle!({ at: t + 360 });
  const stopping = trigger.stop();
  source.onCycle!({ at: t + 420 });
  await stopping;
  // 'late' was queued but had not begun when stop() came: dropped, as is everything after stop.
  assert.equal(started.length, 4, started.map((r) => r.title).join('; '));
});
