// /api/alerting over HTTP through the whole app (createApp: token check, body parser, error handler) on a
// loopback port: webhook validation, auth (its own secret or the API token, nothing else) and replay
// protection, incident ack/resolve, feedback, rule stats, approvals, routes preview, and clear 4xx errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { openStore } from '../../src/store/db.js';
import { Registry } from 'prom-client';
import { alertingRouter, alertingServicesFor, type AlertingRouterContext } from '../../src/api/alerting.js';
import type { AlertingStore } from '../../src/alerting/store.js';
import type { AppContext } from '../../src/context.js';
import { loadConfig } from '../../src/config/index.js';
import { createApp } from '../../src/http/app.js';
import { PromClient } from '../../src/prom/client.js';

const memStore = (): AlertingStore => openStore(':memory:');

const SECRET = 'unit-secret';
let server: Server;
let base = '';
let ctx: AlertingRouterContext;
const registry = new Registry();
before(async () => {
  process.env.FS_UNIT_WEBHOOK_SECRET = SECRET;
  const base0 = loadConfig(undefined, { FORESIGHT_API_TOKEN: 'api-token', FORESIGHT_PROMETHEUS_URL: 'http://127.0.0.1:9' });
  const config = {
    ...base0,
    alerting: {
      receivers: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/x' }],
      tiers: { critical: { receivers: ['hook'] } },
      webhook: { secret: { env: 'FS_UNIT_WEBHOOK_SECRET' } },
      remediation: { actions: [{ name: 'scale', match: ['alertname="Busy"'], run: { kind: 'http', url: 'http://127.0.0.1:9/scale' }, mode: 'approval' }] },
    },
  };
  const app0: AppContext = { config, prom: new PromClient({ url: config.prometheus.url, retries: 0 }), store: openStore(':memory:'), log: pino({ level: 'silent' }), registry };
  ctx = app0;
  const app = createApp(app0, { alerting: alertingRouter(app0) });
  server = await new Promise<Server>((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/alerting`;
});
after(async () => {
  alertingServicesFor(ctx).stop();
  await new Promise((r) => server.close(r));
});

const API = { Authorization: 'Bearer api-token' };
// Every route but the webhook sends the API token by default (the webhook's tests choose their credential).
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(path === '/webhook' ? {} : API), ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const get = (path: string, headers: Record<string, string> = API) => fetch(`${base}${path}`, { headers });
const auth = { Authorization: `Bearer ${SECRET}` };
const hook = (alertname: string, fp: string, status: 'firing' | 'resolved' = 'firing', service = 'cart') => ({
  version: '4', groupKey: `{}:{alertname="${alertname}"}`, status, receiver: 'foresight-critical', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: '',
  alerts: [{ status, labels: { alertname, service, severity: 'critical' }, annotations: {}, startsAt: '2026-01-01T00:00:00Z', endsAt: status === 'resolved' ? '2026-01-01T00:03:00Z' : '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: fp }],
});

test('webhook: unauthenticated 401, wrong secret 401, malformed JSON 400, bad shape 400 naming the field', async () => {
  assert.equal((await post('/webhook', hook('A', 'a'))).status, 401);
  assert.equal((await post('/webhook', hook('A', 'a'), { Authorization: 'Bearer nope' })).status, 401);
  // The API token is accepted too; the webhook secret opens the webhook only, never the rest of the API.
  assert.equal((await post('/webhook', hook('TokenAuth', 'tok', 'firing', 'auth'), API)).status, 200);
  assert.equal((await post('/webhook', hook('SecretHeader', 'sh', 'firing', 'auth'), { 'X-Foresight-Webhook-Secret': SECRET })).status, 200);
  assert.equal((await get('/incidents', auth)).status, 401);
  assert.equal((await get('/incidents', {})).status, 401);
  assert.equal((await post('/incidents/1/ack', {}, auth)).status, 401);
  const r = await post('/webhook', '{"version": "4",', auth);
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: string }).error, /JSON/); // the whole app's body parser answers first
  const r2 = await post('/webhook', { ...hook('A', 'a'), alerts: [] }, auth);
  assert.equal(r2.status, 400);
  assert.match(((await r2.json()) as { error: string }).error, /alerts: Array must contain at least 1/);
});

test('webhook accepted once, replay 200 duplicate; incident ack, feedback, stats, resolve', async () => {
  const r = await post('/webhook', hook('HighErrors', 'h1'), auth);
  assert.equal(r.status, 200);
  const { opened } = (await r.json()) as { opened: number[] };
  assert.equal(opened.length, 1);
  const countIncidents = async () => ((await (await get(`/incidents`)).json()) as unknown[]).length;
  const before = await countIncidents();
  const replay = await post('/webhook', hook('HighErrors', 'h1'), auth);
  // Alertmanager retries any non-2xx, so a replay is a 200 that changes nothing.
  assert.equal(replay.status, 200);
  const dup = (await replay.json()) as { duplicate?: boolean; opened: number[] };
  assert.equal(dup.duplicate, true);
  assert.deepEqual(dup.opened, []);
  assert.equal(await countIncidents(), before);

  const id = opened[0]!;
  const ack = (await (await post(`/incidents/${id}/ack`, { by: 'alice' })).json()) as { status: string; acknowledgedBy: string };
  // The actor is the authenticated identity (the API token here), never the body's `by`.
  assert.deepEqual([ack.status, ack.acknowledgedBy], ['acknowledged', 'api-token']);
  const inc = (await (await get(`/incidents/${id}`)).json()) as { alerts: { id: number }[] };
  const fb = await post(`/alerts/${inc.alerts[0]!.id}/feedback`, { verdict: 'noise', by: 'alice' });
  assert.equal(fb.status, 200);
  assert.equal((await post(`/alerts/${inc.alerts[0]!.id}/feedback`, { verdict: 'meh' })).status, 400);
  const stats = (await (await get(`/rules/stats`)).json()) as { alertname: string; fired: number; precision: number; noiseRatio: number }[];
  assert.deepEqual(stats.filter((s) => s.alertname === 'HighErrors').map((s) => [s.fired, s.precision, s.noiseRatio]), [[1, 0, 1]]);
  assert.match(await registry.metrics(), /foresight_alert_rule_noise_ratio\{alertname="HighErrors"\} 1/);
  const res = (await (await post(`/incidents/${id}/resolve`, {}, { 'X-Foresight-User': 'bob' })).json()) as { status: string; resolvedBy: string };
  // …nor a free header.
  assert.deepEqual([res.status, res.resolvedBy], ['resolved', 'api-token']);
  assert.equal((await post(`/incidents/${id}/resolve`, {})).status, 409);
  assert.equal((await get(`/incidents/999`)).status, 404);
  assert.equal((await get(`/incidents/abc`)).status, 400);
  assert.equal((await get(`/incidents?status=weird`)).status, 400);
});

test('approvals: a firing alert for an approval-mode action waits; an operator rejects it', async () => {
  await post('/webhook', hook('Busy', 'b1'), auth);
  const pending = (await (await get(`/remediation/approvals`)).json()) as { id: number; action: string; target: string }[];
  assert.deepEqual(pending.map((p) => [p.action, p.target]), [['scale', 'cart']]);
  const d = (await (await post(`/remediation/approvals/${pending[0]!.id}`, { approve: false, by: 'carol' })).json()) as { outcome: string };
  assert.equal(d.outcome, 'rejected');
  assert.equal((await post(`/remediation/approvals/${pending[0]!.id}`, { approve: true })).status, 409);
  const audit = (await (await get(`/remediation/audit`)).json()) as { actor: string; outcome: string }[];
  assert.deepEqual(audit.map((a) => [a.actor, a.outcome]), [['api-token', 'rejected'], ['foresight', 'awaiting_approval']]);
});

test('AppContext (shared interface 5) satisfies the router context', () => {
  const fits = (c: AppContext): AlertingRouterContext => c; // compile-time check; fails tsc if the shapes drift
  assert.equal(typeof fits, 'function');
});

test('routes preview returns the generated fragment; apply without a config file is a clear 400', async () => {
  const p = (await (await get(`/routes/preview`)).json()) as { fragment: string };
  assert.match(p.fragment, /name: foresight-critical/);
  const a = await post('/routes/apply', {});
  assert.equal(a.status, 400);
  assert.match(((await a.json()) as { error: string }).error, /alerting\.alertmanager\.configFile is not set/);
});
