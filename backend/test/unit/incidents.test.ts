// Incidents from Alertmanager webhooks: validation, replay protection, grouping by service/dependency/time,
// life cycle (ack, resolve, time to resolve), feedback and per-rule precision/noise/MTTR (API + /metrics).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/db.js';
import { Registry } from 'prom-client';
import { IncidentService, type Incident } from '../../src/alerting/incidents/service.js';
import { WebhookError } from '../../src/alerting/incidents/webhook-schema.js';
import { registerAlertingMetrics } from '../../src/alerting/incidents/metrics.js';
import type { AlertingStore } from '../../src/alerting/store.js';

const memStore = (): AlertingStore => openStore(':memory:');

let clock = Date.parse('2026-01-01T00:00:00Z');
const alert = (name: string, service: string, status: 'firing' | 'resolved', fp: string, startsAt = '2026-01-01T00:00:00Z', endsAt = '') => ({
  status, labels: { alertname: name, service, severity: 'critical' }, annotations: {}, startsAt, endsAt: endsAt || '0001-01-01T00:00:00Z',
  generatorURL: 'http://prom/graph?g0.expr=up+%3D%3D+0', fingerprint: fp,
});
const payload = (status: 'firing' | 'resolved', alerts: unknown[], groupKey = '{}:{alertname="A"}') => ({
  version: '4', groupKey, status, receiver: 'foresight-critical', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am', alerts,
});
const svc = (opened: Incident[] = []) =>
  new IncidentService({
    store: memStore(),
    now: () => clock,
    dependencies: new Map([['checkout', ['payments']], ['frontend', ['checkout']]]),
    groupWindowMs: 10 * 60_000,
    hooks: { onIncidentOpened: (i) => void opened.push(i) },
  });

test('malformed webhook is rejected with 400 naming the field', async () => {
  const s = svc();
  await assert.rejects(s.receive({ version: '4', groupKey: 'g', status: 'firing', receiver: 'r', alerts: [{ status: 'firing', labels: { alertname: 'A' }, startsAt: 'yesterday' }] }), (e: unknown) => {
    assert.ok(e instanceof WebhookError);
    assert.equal(e.status, 400);
    assert.match(e.message, /alerts\.0\.startsAt: must be an RFC 3339 time/);
    assert.match(e.message, /alerts\.0\.fingerprint: Required/);
    return true;
  });
  await assert.rejects(s.receive({ version: '3' }), /version/);
});

test('replayed notification is answered duplicate with no state change, a changed one is accepted', async () => {
  const opened: Incident[] = [];
  const s = svc(opened);
  const body = payload('firing', [alert('A', 'payments', 'firing', 'f1')]);
  const first = await s.receive(body);
  assert.equal(first.duplicate, undefined);
  assert.equal(first.opened.length, 1);
  const before = s.getIncident(first.opened[0]!);
  const alertsBefore = s.alertsOf(before.id);
  clock += 5 * 60_000; // a retry or repeat_interval re-send of the very same notification
  const dup = await s.receive(body);
  assert.equal(dup.duplicate, true);
  assert.deepEqual([dup.incidents, dup.opened, dup.resolved], [[], [], []]);
  assert.equal(dup.firstProcessedAt, before.openedAt);
  assert.deepEqual(s.getIncident(before.id), before, 'incident untouched');
  assert.deepEqual(s.alertsOf(before.id), alertsBefore, 'alerts untouched');
  assert.equal(s.listIncidents().length, 1);
  assert.equal(opened.length, 1, 'hooks not called again');
  // The duplicate did not extend the incident's activity (which decides grouping): 11 minutes after the
  // first copy, outside the 10-minute window, a changed notification is accepted and opens a new incident.
  clock += 6 * 60_000;
  const r = await s.receive(payload('firing', [alert('A', 'payments', 'firing', 'f2')], 'g-other'));
  assert.equal(r.duplicate, undefined);
  assert.equal(r.opened.length, 1);
});

test('grouping: same service and dependency within the window join; far in time or unrelated open new', async () => {
  const opened: Incident[] = [];
  const s = svc(opened);
  clock = Date.parse('2026-01-01T00:00:00Z');
  const a = await s.receive(payload('firing', [alert('PaymentsDown', 'payments', 'firing', 'p1')], 'g1'));
  clock += 60_000;
  const b = await s.receive(payload('firing', [alert('CheckoutErrors', 'checkout', 'firing', 'c1')], 'g2')); // depends on payments
  clock += 60_000;
  const c = await s.receive(payload('firing', [alert('DiskFull', 'db', 'firing', 'd1')], 'g3')); // unrelated
  assert.equal(b.incidents[0], a.incidents[0]);
  assert.notEqual(c.incidents[0], a.incidents[0]);
  assert.equal(opened.length, 2, 'RCA hook called once per new incident');
  assert.deepEqual(s.getIncident(a.incidents[0]!).services, ['payments', 'checkout']);
  clock += 60 * 60_000; // an hour later, payments again: a new incident
  const d = await s.receive(payload('firing', [alert('PaymentsDown', 'payments', 'firing', 'p2', '2026-01-01T01:02:00Z')], 'g1'));
  assert.notEqual(d.incidents[0], a.incidents[0]);
});

test('life cycle: resolved alerts resolve the incident with time to resolve; ack and manual resolve', async () => {
  const s = svc();
  clock = Date.parse('2026-01-01T00:00:00Z');
  const r = await s.receive(payload('firing', [alert('A', 'cart', 'firing', 'x1'), alert('B', 'cart', 'firing', 'x2')]));
  const id = r.incidents[0]!;
  assert.equal(s.acknowledge(id, 'alice').acknowledgedBy, 'alice');
  clock += 5 * 60_000;
  await s.receive(payload('resolved', [alert('A', 'cart', 'resolved', 'x1', '2026-01-01T00:00:00Z', '2026-01-01T00:05:00Z')]));
  assert.equal(s.getIncident(id).status, 'acknowledged', 'one alert still firing');
  clock += 5 * 60_000;
  const done = await s.receive(payload('resolved', [alert('B', 'cart', 'resolved', 'x2', '2026-01-01T00:00:00Z', '2026-01-01T00:10:00Z')]));
  assert.deepEqual(done.resolved, [id]);
  const inc = s.getIncident(id);
  assert.equal(inc.status, 'resolved');
  assert.equal(inc.timeToResolveSeconds, 600);
  assert.throws(() => s.resolve(id, 'bob'), /already resolved/);
  assert.throws(() => s.acknowledge(999, 'bob'), /incident 999 not found/);
});

test('feedback → per-rule precision, noise and MTTR, also on /metrics', async () => {
  const s = svc();
  clock = Date.parse('2026-01-01T00:00:00Z');
  await s.receive(payload('firing', [alert('Flappy', 'cart', 'firing', 'a1'), alert('Flappy', 'cart', 'firing', 'a2', '2026-01-01T00:01:00Z'), alert('Flappy', 'cart', 'firing', 'a3', '2026-01-01T00:02:00Z'), alert('Good', 'cart', 'firing', 'g1')]));
  await s.receive(payload('resolved', [alert('Good', 'cart', 'resolved', 'g1', '2026-01-01T00:00:00Z', '2026-01-01T00:20:00Z')]));
  const ids = s.alertsOf(1).map((a) => [a.alertname, a.id] as const);
  const flappy = ids.filter(([n]) => n === 'Flappy').map(([, i]) => i);
  s.feedback(flappy[0]!, 'noise', 'alice');
  s.feedback(flappy[1]!, 'noise', 'alice');
  s.feedback(flappy[2]!, 'useful', 'bob');
  s.feedback(ids.find(([n]) => n === 'Good')![1], 'useful', 'bob');
  const stats = new Map(s.ruleStats().map((r) => [r.alertname, r]));
  assert.equal(stats.get('Flappy')!.precision, 1 / 3);
  assert.equal(stats.get('Flappy')!.noiseRatio, 2 / 3);
  assert.equal(stats.get('Good')!.precision, 1);
  assert.equal(stats.get('Good')!.mttrSeconds, 1200);
  assert.throws(() => s.feedback(12345, 'noise', 'x'), /alert 12345 not found/);

  const reg = new Registry();
  registerAlertingMetrics(reg, s);
  const text = await reg.metrics();
  assert.match(text, /foresight_alert_rule_precision\{alertname="Flappy"\} 0\.333/);
  assert.match(text, /foresight_alert_rule_noise_ratio\{alertname="Flappy"\} 0\.666/);
  assert.match(text, /foresight_alert_rule_mttr_seconds\{alertname="Good"\} 1200/);
  assert.match(text, /foresight_incidents_open\{status="open"\} 1/);
});

test('escalation: unacknowledged critical incidents become due after the delay, once', async () => {
  const s = svc();
  clock = Date.parse('2026-01-01T00:00:00Z');
  const r = await s.receive(payload('firing', [alert('A', 'cart', 'firing', 'e1')]));
  clock += 10 * 60_000;
  assert.equal(s.dueForEscalation(['critical'], 15 * 60_000).length, 0);
  clock += 6 * 60_000;
  assert.deepEqual(s.dueForEscalation(['critical'], 15 * 60_000).map((i) => i.id), r.incidents);
  s.markEscalated(r.incidents[0]!);
  assert.equal(s.dueForEscalation(['critical'], 15 * 60_000).length, 0);
});

test('a resolved alert never seen firing opens no incident', async () => {
  const opened: Incident[] = [];
  const s = svc(opened);
  const r = await s.receive(payload('resolved', [alert('Old', 'cart', 'resolved', 'o1', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z')]));
  assert.deepEqual([r.opened, r.incidents, opened.length, s.listIncidents().length], [[], [], 0, 0]);
});
