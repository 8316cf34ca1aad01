// A conventional app and nothing else: a real Prometheus scraping only the demo workload (Prometheus-client
// HTTP metrics, cAdvisor, node_exporter, OpenTelemetry db-client and blackbox-probe names, no `demo_`
// prefix) and the real companion with no health, RCA or model config: no metric name, no component label.
// Health must list the workload's services as components with scores; after a fault is injected into one
// service, a root-cause investigation must rank that service first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, startAlertmanager, startPrometheus, startWorkload, type Managed } from '../../src/stack/index.js';
import { startCompanionProcess } from './companion-process.js';
import { until } from './until.js';
import { PromClient } from '../../src/prom/client.js';

const TOKEN = 'conventional-app-api-token';
const SERVICES = ['cart', 'catalogue', 'checkout', 'db', 'frontend', 'payments', 'queue'];

const POLL = { ms: 120_000, everyMs: 1000 };
let dir = '';
const parts: Managed[] = [];
let companion = '';
let workloadUrl = '';
let configText = '';

const api = async <T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
  const r = await fetch(`${companion}${path}`, { ...init, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' } });
  return { status: r.status, body: (await r.json()) as T };
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-conventional-app-'));
  await mkdir(join(dir, 'rules'));
  const workload = await startWorkload({ seed: 7, logFile: join(dir, 'workload.log') });
  parts.push(workload);
  workloadUrl = workload.url;
  // The companion needs an Alertmanager to talk to; Prometheus scrapes only the app.
  const am = await startAlertmanager({ configYaml: stringify({ route: { receiver: 'none' }, receivers: [{ name: 'none' }] }), dataDir: join(dir, 'am'), logFile: join(dir, 'am.log') });
  parts.push(am);
  const promPort = await freePort();
  const prom = await startPrometheus({
    port: promPort,
    dataDir: join(dir, 'prom'),
    logFile: join(dir, 'prom.log'),
    configYaml: stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: [{ job_name: 'shop', static_configs: [{ targets: [`127.0.0.1:${workload.port}`] }] }],
    }),
  });
  parts.push(prom);

  // Connection, auth and short intervals only: no health categories or component label, no RCA metrics,
  // no model targets, no fault log.
  const companionPort = await freePort();
  configText = stringify({
    server: { host: '127.0.0.1', port: companionPort },
    prometheus: { url: prom.url },
    alertmanager: { url: am.url },
    rules: { dir: join(dir, 'rules') },
    store: { file: join(dir, 'foresight.db') },
    auth: { token: TOKEN },
    health: { intervalSeconds: 2, baselineHours: 0.05, baselineStepSeconds: 1, baselineGapSeconds: 0, baselineRefreshSeconds: 5 },
    rca: { anomalies: { investigate: false }, stepSeconds: 1, baselineMinutes: 1.5, afterMinutes: 1 },
  });
  const configFile = join(dir, 'companion.yml');
  await writeFile(configFile, configText);
  const c = await startCompanionProcess({ port: companionPort, dir, configFile });
  parts.push(c);
  companion = c.url;
});

after(async () => {
  for (const m of parts.reverse()) await m.stop().catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the companion is told no metric name, component label or demo map', () => {
  assert.doesNotMatch(configText, /componentLabel|categories|metrics:|targets:|faultsUrl|_total|_bytes|probe_success/);
});

type Health = { components: { component: string; score?: number; categories: { indicators: { name: string }[] }[] }[] };
const indicators = (h: Health, component: string): string[] =>
  (h.components.find((c) => c.component === component)?.categories ?? []).flatMap((c) => c.indicators.map((i) => i.name));

test('health lists every service of the app as a component with a score, from the conventional families', async () => {
  // Indicators scored against an objective or as a usage/limit ratio need no learned baseline.
  const want: Record<string, string[]> = {
    payments: ['probe_success', 'error_ratio', 'container_memory_usage_ratio'],
    db: ['probe_success', 'error_ratio', 'container_memory_usage_ratio', 'disk_usage_ratio'],
  };
  const h = await until('scores for the seven services', async () => {
    const x = (await api<Health>('/api/health?refresh=1')).body;
    if (!SERVICES.every((s) => x.components.some((c) => c.component === s && typeof c.score === 'number'))) return undefined;
    return Object.entries(want).every(([c, names]) => names.every((n) => indicators(x, c).includes(n))) ? x : undefined;
  }, POLL);
  for (const s of SERVICES) {
    const c = h.components.find((x) => x.component === s)!;
    assert.ok(c.score! > 0 && c.score! <= 100, `${s}: ${c.score}`);
  }
  // The scrape job `shop` carries all seven services: they are the components, not the job.
  assert.deepEqual(h.components.map((c) => c.component).sort(), SERVICES);
});

test('a fault injected into payments: root cause ranks payments first', async (t) => {
  const prom = new PromClient({ url: (await api<{ prometheusUrl: string }>('/api/info')).body.prometheusUrl });
  // Baselines need healthy history: 90 one-second scrapes.
  await until('90 s of scraped history', async () => {
    const r = await prom.query('count_over_time(probe_success{service="payments"}[2m])');
    return r[0] && r[0].value >= 90 ? true : undefined;
  }, POLL);
  const res = await fetch(`${workloadUrl}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'dependency_outage', service: 'payments', durationSeconds: 300 }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const injectedAt = Date.now() / 1000;
  // Wait until Prometheus has scraped the outage and its spread to the callers (30 s per hop in the workload).
  await until('the outage reaching frontend', async () => {
    const r = await prom.query('sum(rate(http_requests_total{service="frontend",code=~"5.."}[10s]))');
    return r[0] && r[0].value > 0 && Date.now() / 1000 - injectedAt > 70 ? true : undefined;
  }, { ...POLL, ms: 180_000 });

  type Inv = { status: string; reason?: string; components: { component: string; score: number; onset?: number }[]; queries: Record<string, Record<string, string>> };
  const r = await api<Inv>('/api/rca/investigations', { method: 'POST', body: JSON.stringify({ incidentTime: Math.floor(injectedAt) }) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const inv = r.body;
  const ranking = JSON.stringify(inv.components.map((c) => [c.component, c.score, c.onset === undefined ? null : Math.round(c.onset - injectedAt)]));
  t.diagnostic(`ranking [component, score, onset s after the injection]: ${ranking}`);
  assert.equal(inv.status, 'ranked', inv.reason);
  assert.equal(inv.components[0]!.component, 'payments', ranking);
  // Every candidate came from a conventional family narrowed by the discovered `service` label.
  assert.match(inv.queries.payments!.error_ratio!, /http_requests_total.*service="payments"/);
  assert.ok(Object.keys(inv.queries).filter((c) => SERVICES.includes(c)).length >= 6, Object.keys(inv.queries).join(','));
});
