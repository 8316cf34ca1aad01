// The proof: real Prometheus + Alertmanager + demo workload. An injected error burst fires an SLO-style page
// alert; Alertmanager routes it through the generated tree to the companion's webhook, served by the whole
// app (createApp, API token check included) and authenticated with the webhook secret only (credentials_file); an incident opens; a dry-run remediation is audited; ending the
// fault resolves the incident. Then a bad policy is rejected and the running Alertmanager is untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { openStore } from '../../src/store/db.js';
import { startDemoStack, type DemoStack } from '../../src/stack/index.js';
import pino from 'pino';
import { Registry } from 'prom-client';
import { alertingRouter, alertingServicesFor, type AlertingRouterContext } from '../../src/api/alerting.js';
import { loadConfig } from '../../src/config/index.js';
import type { AppContext } from '../../src/context.js';
import { createApp } from '../../src/http/app.js';
import { parseAlertingConfig } from '../../src/alerting/config.js';
import { generateAlertmanager } from '../../src/alerting/routes/generate.js';
import { applyAlertmanagerConfig } from '../../src/alerting/writer.js';
import { PromClient } from '../../src/prom/client.js';

const RULE = `groups:
  - name: foresight-it
    rules:
      - alert: PaymentsAvailabilitySLOBurn
        expr: sum by (service) (rate(http_requests_total{service="payments",code=~"5.."}[5s])) / sum by (service) (rate(http_requests_total{service="payments"}[5s])) > 0.1
        labels: { severity: critical, foresight_source: slo, foresight_tier: page, slo: payments-availability, sloth_id: payments-availability }
        annotations: { summary: payments is burning its error budget }
`;
const USER_AM = `route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n`;
const SECRET = 'it-webhook-secret-0123456789';

let dir = '';
let stack: DemoStack | undefined;
let server: Server | undefined;
let ctx: AlertingRouterContext | undefined;
let base = '';

const API_TOKEN = 'it-api-token';
const API = { Authorization: `Bearer ${API_TOKEN}` };

const policy = (companionUrl: string) => ({
  secretsDir: join(dir, 'secrets'),
  receivers: [
    { name: 'companion', type: 'webhook', url: `${companionUrl}/api/alerting/webhook`, bearerToken: { env: 'FS_IT_WEBHOOK_SECRET' } },
    { name: 'manager', type: 'webhook', url: 'http://127.0.0.1:9/manager' }, // nobody listens: only the routing is checked
  ],
  tiers: { critical: { receivers: ['companion'], groupWait: '1s', groupInterval: '2s', repeatInterval: '1h', escalation: { after: '1h', receivers: ['manager'] } } },
  services: [{ name: 'checkout', dependsOn: ['payments'] }],
  webhook: { secret: { env: 'FS_IT_WEBHOOK_SECRET' } },
  remediation: {
    scriptDir: resolve(import.meta.dirname, '../../../remediation'),
    actions: [
      {
        name: 'restart-service', match: ['alertname="PaymentsAvailabilitySLOBurn"'], cooldownSeconds: 0,
        params: { service: { label: 'service', pattern: '[a-z]+' } },
        run: { kind: 'script', script: 'restart-service.sh', args: ['--service', '{service}'] },
      },
      // Runs for real (the example script only echoes), is verified 2 s later against Prometheus, and, the
      // fault still being on, escalates.
      {
        name: 'restart-and-verify', match: ['alertname="PaymentsAvailabilitySLOBurn"'], mode: 'auto', verify: { afterSeconds: 2 },
        params: { service: { label: 'service', pattern: '[a-z]+' } },
        run: { kind: 'script', script: 'restart-service.sh', args: ['--service', '{service}'] },
      },
    ],
  },
});

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${base}${path}`, { headers: API })).json()) as T;

before(async () => {
  process.env.FS_IT_WEBHOOK_SECRET = SECRET;
  dir = await mkdtemp(join(tmpdir(), 'fs-incident-it-'));
  await mkdir(join(dir, 'rules'));
  await writeFile(join(dir, 'rules', 'it.yml'), RULE);
  const app = express();
  server = await new Promise<Server>((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stack = await startDemoStack({ withCompanion: false, scrapeIntervalSeconds: 1, evaluationIntervalSeconds: 1, rulesDir: join(dir, 'rules'), alertmanagerConfigYaml: USER_AM, seed: 7 });
  const config = {
    ...loadConfig(undefined, { FORESIGHT_API_TOKEN: API_TOKEN, FORESIGHT_PROMETHEUS_URL: stack.prometheus.url, FORESIGHT_ALERTMANAGER_URL: stack.alertmanager.url }),
    alerting: { ...policy(base), alertmanager: { url: stack.alertmanager.url, configFile: stack.alertmanager.configFile } },
  };
  const appCtx: AppContext = { config, store: openStore(':memory:'), prom: new PromClient({ url: stack.prometheus.url }), log: pino({ level: 'silent' }), registry: new Registry() };
  ctx = appCtx;
  app.use(createApp(appCtx, { alerting: alertingRouter(appCtx) }));
});

after(async () => {
  if (ctx) alertingServicesFor(ctx).stop();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('error burst → page alert → generated route → webhook → incident + dry-run audit → fault ends → resolved', async () => {
  const applied = await fetch(`${base}/api/alerting/routes/apply`, { method: 'POST', headers: API });
  assert.equal(applied.status, 200, await applied.clone().text());
  const result = (await applied.json()) as { changed: boolean; reloaded: boolean; pushedToMimir: boolean; deliveryChecked?: number };
  assert.deepEqual([result.changed, result.reloaded, result.pushedToMimir], [true, true, false]);
  assert.ok((result.deliveryChecked ?? 0) > 0, 'the apply compared delivery before and after');

  const fault = (await (await fetch(`${stack!.workload.url}/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'error_burst', service: 'payments', durationSeconds: 120, magnitude: 0.6 }),
  })).json()) as { id: string };

  type Inc = { id: number; status: string; services: string[]; timeToResolveSeconds?: number };
  const inc = await until('an incident for payments', async () => (await getJson<Inc[]>('/api/alerting/incidents')).find((i) => i.services.includes('payments')));
  assert.equal(inc.status, 'open');
  const detail = await getJson<{ alerts: { alertname: string; labels: Record<string, string> }[] }>(`/api/alerting/incidents/${inc.id}`);
  assert.equal(detail.alerts[0]!.alertname, 'PaymentsAvailabilitySLOBurn');
  assert.equal(detail.alerts[0]!.labels.foresight_tier, 'page');

  type Audit = { action: string; target: string; outcome: string; reason: string; actor: string; dryRun: boolean };
  const audit = await until('a dry-run audit entry', async () => (await getJson<Audit[]>('/api/alerting/remediation/audit')).find((a) => a.outcome === 'dry_run'));
  assert.equal(audit.action, 'restart-service');
  assert.equal(audit.target, 'payments');
  assert.equal(audit.dryRun, true);
  assert.match(audit.reason, /restart-service\.sh \["--service","payments"\]/);

  // The alert went through the generated tree: Alertmanager says which receiver it routed to.
  const amAlerts = (await (await fetch(`${stack!.alertmanager.url}/api/v2/alerts?filter=alertname%3D%22PaymentsAvailabilitySLOBurn%22`)).json()) as { labels: Record<string, string>; receivers: { name: string }[] }[];
  assert.deepEqual(amAlerts.find((a) => !a.labels.escalate)!.receivers.map((r) => r.name), ['foresight-critical', 'blackhole']); // continue: the user's tree too

  // The real action ran, verification re-queried Prometheus, the condition still held → escalated.
  const failed = await until('verification of the real action', async () => (await getJson<Audit[]>('/api/alerting/remediation/audit')).find((a) => a.outcome === 'verify_failed'));
  assert.equal(failed.action, 'restart-and-verify');
  assert.match(failed.reason, /alert condition still holds after the action/);
  const audit2 = await getJson<Audit[]>('/api/alerting/remediation/audit');
  assert.ok(audit2.some((a) => a.action === 'restart-and-verify' && a.outcome === 'executed' && a.reason === 'finished successfully'));
  const escalated = await until('the escalated copy in Alertmanager', async () => {
    const r = (await (await fetch(`${stack!.alertmanager.url}/api/v2/alerts?filter=escalate%3D%22true%22`)).json()) as { receivers: { name: string }[] }[];
    return r[0];
  }, 15_000);
  assert.deepEqual(escalated.receivers.map((r) => r.name), ['foresight-critical-escalation', 'blackhole']);

  await fetch(`${stack!.workload.url}/faults/${fault.id}`, { method: 'DELETE' });
  const done = await until('the incident to resolve', async () => {
    const i = await getJson<Inc>(`/api/alerting/incidents/${inc.id}`);
    return i.status === 'resolved' ? i : undefined;
  });
  assert.ok(done.timeToResolveSeconds! > 0);
  const stats = await getJson<{ alertname: string; fired: number; mttrSeconds?: number }[]>('/api/alerting/rules/stats');
  assert.ok(stats.find((s) => s.alertname === 'PaymentsAvailabilitySLOBurn')!.mttrSeconds! > 0);
});

test('webhook without the secret is rejected 401', async () => {
  const r = await fetch(`${base}/api/alerting/webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(r.status, 401);
  assert.match(((await r.json()) as { error: string }).error, /not authenticated/);
});

test('a bad policy is rejected and the running Alertmanager config is untouched', async () => {
  const status = async () => ((await (await fetch(`${stack!.alertmanager.url}/api/v2/status`)).json()) as { config: { original: string } }).config.original;
  const before = await status();
  const fileBefore = await readFile(stack!.alertmanager.configFile, 'utf8');
  const bad = { ...policy(base), tiers: { critical: { receivers: ['companion', 'nobody'] } } };
  assert.throws(() => generateAlertmanager(parseAlertingConfig(bad)), /alerting\.tiers\.critical\.receivers\[1\]: unknown receiver 'nobody'/);
  // And a fragment amtool rejects never reaches the file.
  const g = generateAlertmanager(parseAlertingConfig(policy(base)));
  g.fragment.route.routes!.unshift({ receiver: 'foresight-ghost', matchers: ['a="b"'] });
  await assert.rejects(applyAlertmanagerConfig({ configFile: stack!.alertmanager.configFile, generated: g, alertmanagerUrl: stack!.alertmanager.url }), /amtool check-config rejected/);
  assert.equal(await readFile(stack!.alertmanager.configFile, 'utf8'), fileBefore);
  assert.equal(await status(), before);
});
