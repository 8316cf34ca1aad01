// The demo's `POST /api/alerting/routes/apply` (whole app, real Alertmanager with the demo's config) keeps the
// companion's webhook receiving: after the apply, both a user alert and a Foresight SLO alert still reach the
// demo's `foresight` webhook receiver, and the companion records incidents for both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import YAML from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { DEMO_API_TOKEN } from '../../src/config/schema.js';
import type { AppContext } from '../../src/context.js';
import { createApp } from '../../src/http/app.js';
import { registry } from '../../src/http/metrics.js';
import { PromClient } from '../../src/prom/client.js';
import { openStore } from '../../src/store/db.js';
import { startAlertmanager } from '../../src/stack/alertmanager.js';
import { demoAlertmanagerConfig } from '../../src/stack/configs.js';
import { amtoolRoutesTest } from '../../src/alerting/amtool.js';
import type { Managed } from '../../src/stack/types.js';
import { alertingRouter, alertingServicesFor, type AlertingRouterContext } from '../../src/api/alerting.js';

let dir = '';
let server: Server | undefined;
let am: (Managed & { configFile: string }) | undefined;
let base = '';
let store: ReturnType<typeof openStore> | undefined;
let actx: AlertingRouterContext | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-demo-apply-'));
  server = createServer();
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  // The demo's webhook credential: Alertmanager sends it from a file, the companion expects the same file.
  const secretFile = join(dir, 'webhook-secret');
  await writeFile(secretFile, 'demo-apply-webhook-secret\n', { mode: 0o600 });
  am = await startAlertmanager({ configYaml: demoAlertmanagerConfig({ companionPort: port, webhookCredentialsFile: secretFile }) });
  const cfgFile = join(dir, 'companion.yml');
  // The demo's alerting section: default policy (tiers without receivers), the Alertmanager it runs.
  await writeFile(cfgFile, YAML.stringify({ auth: { token: DEMO_API_TOKEN }, alerting: { alertmanager: { url: am.url, configFile: am.configFile }, webhook: { secret: { file: secretFile } } } }));
  const config = loadConfig(cfgFile, { FORESIGHT_PROMETHEUS_URL: 'http://127.0.0.1:9' });
  store = openStore(':memory:');
  const ctx: AppContext = { config, prom: new PromClient({ url: config.prometheus.url, retries: 0, timeoutMs: 1000 }), store, log: pino({ level: 'silent' }), registry };
  actx = ctx;
  server.on('request', createApp(ctx, { alerting: alertingRouter(ctx) }));
  base = `http://127.0.0.1:${port}`;
});
after(async () => {
  if (actx) alertingServicesFor(actx).stop();
  await am?.stop();
  if (server) await new Promise((r) => server!.close(r));
  store?.close();
  await rm(dir, { recursive: true, force: true });
});

const auth = { Authorization: `Bearer ${DEMO_API_TOKEN}`, 'Content-Type': 'application/json' };

test('apply keeps every alert reaching the companion webhook, Foresight alerts included', async () => {
  const r = await fetch(`${base}/api/alerting/routes/apply`, { method: 'POST', headers: auth, body: '{}' });
  const body = (await r.json()) as { reloaded?: boolean; deliveryChecked?: number; error?: string };
  assert.equal(r.status, 200, body.error);
  assert.equal(body.reloaded, true);
  assert.ok((body.deliveryChecked ?? 0) > 0);

  const slo = { alertname: 'CheckoutAvailabilityBurn', foresight_source: 'slo', foresight_tier: 'page', severity: 'critical', service: 'checkout', slo: 'availability' };
  const user = { alertname: 'DiskFull', severity: 'critical', service: 'db' };
  assert.ok((await amtoolRoutesTest(am!.configFile, slo)).includes('foresight'), 'SLO alert reaches the demo webhook');
  assert.deepEqual(await amtoolRoutesTest(am!.configFile, user), ['foresight'], 'user alert routes as before');
  assert.equal((await readFile(am!.configFile, 'utf8')).match(/Managed by Foresight/g)?.length, 1);

  // Delivered for real: Alertmanager posts both to the companion, which opens incidents.
  const post = await fetch(`${am!.url}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([{ labels: slo }, { labels: user }]) });
  assert.equal(post.status, 200);
  const deadline = Date.now() + 90_000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    const list = (await (await fetch(`${base}/api/alerting/incidents`, { headers: auth })).json()) as { id: number }[];
    names = [];
    for (const i of list) {
      const d = (await (await fetch(`${base}/api/alerting/incidents/${i.id}`, { headers: auth })).json()) as { alerts: { alertname: string }[] };
      names.push(...d.alerts.map((a) => a.alertname));
    }
    if (names.includes('CheckoutAvailabilityBurn') && names.includes('DiskFull')) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  assert.ok(names.includes('CheckoutAvailabilityBurn') && names.includes('DiskFull'), `incidents seen: ${names.join(', ') || 'none'}`);

  // A second apply changes nothing.
  const again = (await (await fetch(`${base}/api/alerting/routes/apply`, { method: 'POST', headers: auth, body: '{}' })).json()) as { changed: boolean };
  assert.equal(again.changed, false);
});
