// The companion container's command line (docker-compose.yml services.companion: command + environment +
// mounted config + secret), run on the host against a real Prometheus and Alertmanager configured from
// provisioning/*.yml, container paths and service names mapped to temp files and loopback ports. The
// entrypoint starts the companion and applies the example SLOs (Prometheus then loads their rules); an
// alert posted to Alertmanager reaches the webhook with the compose secret and opens an incident.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { freePort, startAlertmanager, startPrometheus, type Managed } from '../../src/stack/index.js';
import { startCompanionProcess } from './companion-process.js';
import { until } from './until.js';
import { repoRoot } from '../../src/paths.js';

const root = repoRoot();
const compose = parse(await readFile(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { command?: string[]; environment?: Record<string, string>; volumes?: string[] }>;
  secrets: Record<string, { file: string }>;
};
const companionSvc = compose.services.companion!;
const SECRET_PATH = '/run/secrets/foresight_webhook';

const POLL = { ms: 90_000, everyMs: 500 };
let dir = '';
const parts: Managed[] = [];
let companion = '';
let token = '';
let promUrl = '';
let amUrl = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-compose-entry-'));
  const rules = join(dir, 'rules');
  await mkdir(rules);
  const secret = join(dir, 'foresight_webhook');
  await writeFile(secret, await readFile(join(root, compose.secrets.foresight_webhook!.file)), { mode: 0o600 });
  const companionPort = await freePort();
  const amPort = await freePort();
  const promPort = await freePort();
  // Container names → loopback ports, container paths → temp paths.
  const map = (text: string): string =>
    text
      .replaceAll(SECRET_PATH, secret)
      .replaceAll('/etc/prometheus/rules', rules)
      .replaceAll('http://companion:8787', `http://127.0.0.1:${companionPort}`)
      .replaceAll('alertmanager:9093', `127.0.0.1:${amPort}`)
      .replaceAll('http://prometheus:9090', `http://127.0.0.1:${promPort}`)
      .replaceAll("'localhost:9090'", `'127.0.0.1:${promPort}'`);
  const am = await startAlertmanager({ port: amPort, dataDir: join(dir, 'am'), configYaml: map(await readFile(join(root, 'provisioning', 'alertmanager.yml'), 'utf8')) });
  parts.push(am);
  amUrl = am.url;
  const prom = await startPrometheus({ port: promPort, dataDir: join(dir, 'prom'), configYaml: map(await readFile(join(root, 'provisioning', 'prometheus.yml'), 'utf8')) });
  parts.push(prom);
  promUrl = prom.url;

  const cfgMount = companionSvc.volumes!.find((v) => v.includes(':/etc/foresight/companion.yaml'))!;
  const config = join(dir, 'companion.yaml');
  await writeFile(config, map(await readFile(join(root, cfgMount.split(':')[0]!), 'utf8')));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(companionSvc.environment ?? {})) env[k] = map(v);
  env.FORESIGHT_HOST = '127.0.0.1';
  env.FORESIGHT_PORT = String(companionPort);
  env.FORESIGHT_STORE_PATH = join(dir, 'foresight.db');
  token = env.FORESIGHT_API_TOKEN!;
  const [cmd, ...args] = companionSvc.command!;
  assert.equal(cmd, 'node');
  const c = await startCompanionProcess({
    name: 'compose companion command',
    port: companionPort,
    dir,
    args: args.map((a) => (a === '/etc/foresight/companion.yaml' ? config : a)),
    cwd: root, // the image's WORKDIR /app holds the same layout
    env: { ...process.env, ...env },
  });
  parts.push(c);
  companion = c.url;
});

after(async () => {
  for (const m of parts.reverse()) await m.stop().catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the entrypoint applies the example SLOs at start and Prometheus loads their rules', async () => {
  type Slos = { slos: { id: string; loaded: boolean | null }[] };
  const s = await until('the example SLOs applied and loaded', async () => {
    const r = (await (await fetch(`${companion}/api/slo`, { headers: { Authorization: `Bearer ${token}` } })).json()) as Slos;
    return r.slos.length && r.slos.every((x) => x.loaded) ? r : undefined;
  }, POLL);
  assert.ok(s.slos.length >= 1);
  const groups = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: { name: string }[] } };
  assert.ok(groups.data.groups.length >= 2, 'the SLO rule groups are loaded by Prometheus');
});

test('an alert sent through the provisioned Alertmanager reaches the webhook with the compose secret', async () => {
  const now = new Date().toISOString();
  const post = await fetch(`${amUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([{ labels: { alertname: 'ComposeEntrypointCheck', service: 'checkout', severity: 'critical' }, annotations: { summary: 'compose path check' }, startsAt: now }]),
  });
  assert.equal(post.status, 200);
  const inc = await until('an incident from the alert', async () => {
    const list = (await (await fetch(`${companion}/api/alerting/incidents`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { id: number; services: string[] }[];
    return list.find((i) => i.services.includes('checkout'));
  }, POLL);
  assert.ok(inc.id > 0);
});
