// Foresight on a stack a user already runs, with a config that names no demo metric: real Prometheus
// scraping Debian's node_exporter, itself and Alertmanager, and the real companion (`foresight companion`).
// Health lists node, prometheus and alertmanager with scores; capacity forecasts the host's filesystems
// (the defaults, nothing configured); an alert reaches the webhook with the webhook secret only
// (Alertmanager's credentials_file) and opens an incident; RCA candidates carry their PromQL. Then
// VictoriaMetrics as the datasource: instant, range, series, labels, discovery and health through
// Foresight's client, and a rule evaluated by vmalert whose alert opens an incident the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, startAlertmanager, startNodeExporter, startPrometheus, type Managed } from '../../src/stack/index.js';
import { spawnSupervised, waitReady, findBinary } from '../../src/stack/children.js';
import { startCompanionProcess } from './companion-process.js';
import { until } from './until.js';
import { PromClient } from '../../src/prom/client.js';
import { discover } from '../../src/discovery/index.js';
import { HealthService } from '../../src/health/service.js';
import { openStore } from '../../src/store/db.js';

const TOKEN = 'real-stack-api-token';
const SECRET = 'real-stack-webhook-secret-42';
const RULES = `groups:
  - name: real-stack
    rules:
      - alert: HostFilesystemWatched
        expr: max by (job, instance) (node_filesystem_avail_bytes{fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs"}) > 0
        labels: { severity: warning }
        annotations: { summary: a filesystem alert from node_exporter's own metrics }
`;

const POLL = { ms: 90_000, everyMs: 500 };
let dir = '';
const parts: Managed[] = [];
let companion = '';
let amConfigText = '';

const api = async <T>(path: string): Promise<T> => {
  const r = await fetch(`${companion}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-real-stack-'));
  await mkdir(join(dir, 'rules'));
  await mkdir(join(dir, 'secrets'), { mode: 0o700 });
  await writeFile(join(dir, 'rules', 'real.yml'), RULES);
  const secretFile = join(dir, 'secrets', 'webhook-secret');
  await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
  const companionPort = await freePort();

  const node = await startNodeExporter({ logFile: join(dir, 'node.log') });
  parts.push(node);
  amConfigText = stringify({
    route: { receiver: 'foresight', group_by: ['alertname'], group_wait: '1s', group_interval: '2s', repeat_interval: '1h' },
    receivers: [
      {
        name: 'foresight',
        webhook_configs: [
          {
            url: `http://127.0.0.1:${companionPort}/api/alerting/webhook`,
            send_resolved: true,
            http_config: { authorization: { type: 'Bearer', credentials_file: secretFile } },
          },
        ],
      },
    ],
  });
  const am = await startAlertmanager({ configYaml: amConfigText, dataDir: join(dir, 'am'), logFile: join(dir, 'am.log') });
  parts.push(am);
  const promPort = await freePort();
  const prom = await startPrometheus({
    port: promPort,
    dataDir: join(dir, 'prom'),
    logFile: join(dir, 'prom.log'),
    configYaml: stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules', '*.yml')],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${am.port}`] }] }] },
      scrape_configs: [
        { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${promPort}`] }] },
        { job_name: 'alertmanager', static_configs: [{ targets: [`127.0.0.1:${am.port}`] }] },
        { job_name: 'node', static_configs: [{ targets: [`127.0.0.1:${node.port}`] }] },
      ],
    }),
  });
  parts.push(prom);

  // The companion's config: connection, auth, the webhook secret and short intervals. Not one metric name.
  const configFile = join(dir, 'companion.yml');
  await writeFile(
    configFile,
    stringify({
      server: { host: '127.0.0.1', port: companionPort },
      prometheus: { url: prom.url },
      alertmanager: { url: am.url },
      rules: { dir: join(dir, 'rules') },
      store: { file: join(dir, 'foresight.db') },
      auth: { token: TOKEN },
      alerting: { webhook: { secret: { file: secretFile } } },
      health: { intervalSeconds: 2, baselineHours: 0.05, baselineStepSeconds: 1, baselineGapSeconds: 0, baselineRefreshSeconds: 5 },
      models: { intervalSeconds: 2, defaultCapacity: { step: 1, lookback: 300, horizon: 3600 } },
      rca: { anomalies: { investigate: false }, stepSeconds: 1, baselineMinutes: 1 },
    }),
  );
  const c = await startCompanionProcess({ port: companionPort, dir, configFile });
  parts.push(c);
  companion = c.url;
});

after(async () => {
  for (const m of parts.reverse()) await m.stop().catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Health = { components: { component: string; score?: number; categories: Record<string, unknown> }[] };

test('health lists node, prometheus and alertmanager with scores, discovered with no configuration', async () => {
  const h = await until('scores for the three scraped jobs', async () => {
    const x = await api<Health>('/api/health?refresh=1');
    const want = ['alertmanager', 'node', 'prometheus'];
    return want.every((w) => x.components.some((c) => c.component === w && typeof c.score === 'number')) ? x : undefined;
  }, POLL);
  for (const c of h.components) assert.ok(c.score! > 0 && c.score! <= 100, `${c.component}: ${c.score}`);
  assert.ok(!h.components.some((c) => /demo/.test(c.component)));
});

test('capacity forecasts the host filesystems by default', async () => {
  type Cap = { results: { target: string; labels: Record<string, string>; current: number; threshold: number; headroomRatio: number }[] };
  const cap = await until('filesystem capacity results', async () => {
    const r = await api<Cap>('/api/models/capacity?target=filesystem_bytes');
    return r.results.length ? r : undefined;
  }, POLL);
  for (const r of cap.results) {
    assert.ok(r.labels.mountpoint, `a filesystem series: ${JSON.stringify(r.labels)}`);
    assert.ok(r.threshold > 0 && r.current >= 0 && r.current <= r.threshold, JSON.stringify(r));
  }
  const models = await api<{ targets: { target: string }[] }>('/api/models');
  assert.deepEqual(models.targets.map((t) => t.target).sort(), ['filesystem_bytes', 'filesystem_inodes', 'memory_bytes']);
});

test('an Alertmanager alert reaches the webhook with the webhook secret only and opens an incident', async () => {
  assert.ok(!amConfigText.includes(TOKEN), 'Alertmanager never holds the API token');
  type Inc = { id: number; status: string; alertnames?: string[] };
  const inc = await until('an incident from HostFilesystemWatched', async () => {
    const list = await api<Inc[]>('/api/alerting/incidents');
    for (const i of list) {
      const d = await api<{ alerts: { alertname: string }[] }>(`/api/alerting/incidents/${i.id}`);
      if (d.alerts.some((a) => a.alertname === 'HostFilesystemWatched')) return i;
    }
    return undefined;
  }, POLL);
  assert.equal(inc.status, 'open');
  // Nothing else passes: no credential, or a wrong one, is refused by the real app.
  const bare = await fetch(`${companion}/api/alerting/webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(bare.status, 401);
  const log = await readFile(join(dir, 'am.log'), 'utf8').catch(() => '');
  assert.doesNotMatch(log, /401/, 'Alertmanager saw no auth failure');
});

test('RCA gathers the discovered components\' conventional series, each candidate with the PromQL of its series', async () => {
  type Inv = { status: string; components: { component: string }[]; candidates: { component: string; metric: string }[]; queries: Record<string, Record<string, string>>; contract: { candidates: { series?: string }[] } };
  const inv = await until('an investigation over a minute of history', async () => {
    const r = await fetch(`${companion}/api/rca/investigations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ incidentTime: Math.floor(Date.now() / 1000) - 5 }),
    });
    return r.status === 201 ? ((await r.json()) as Inv) : undefined;
  }, POLL);
  assert.deepEqual(['alertmanager', 'node', 'prometheus'].filter((c) => inv.queries[c]), ['alertmanager', 'node', 'prometheus']);
  const q = inv.queries.node!.disk_usage_ratio!;
  assert.match(q, /node_filesystem_avail_bytes\{.*job="node"/);
  const rows = await new PromClient({ url: (await api<{ prometheusUrl: string }>('/api/info')).prometheusUrl }).query(q);
  assert.equal(rows.length, 1, 'the carried PromQL selects exactly that candidate series');
  for (const c of inv.contract.candidates) assert.ok(c.series, 'every ranked candidate carries its PromQL');
});

test('VictoriaMetrics as the datasource: instant, range, series, labels, discovery and health through Foresight', async (t) => {
  const vmBin = findBinary('victoria-metrics');
  if (!vmBin) {
    t.skip('victoria-metrics is not installed (apt-get install -y victoria-metrics)');
    return;
  }
  const nodeUrl = parts[0]!.url;
  const port = await freePort();
  await writeFile(
    join(dir, 'vm-scrape.yml'),
    stringify({ scrape_configs: [{ job_name: 'node', scrape_interval: '1s', static_configs: [{ targets: [nodeUrl.replace('http://', '')] }] }, { job_name: 'victoria-metrics', scrape_interval: '1s', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }] }),
  );
  const vm = spawnSupervised({
    name: `victoria-metrics (port ${port})`,
    cmd: vmBin,
    args: [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${join(dir, 'vm')}`, `-promscrape.config=${join(dir, 'vm-scrape.yml')}`, '-search.latencyOffset=0s', '-loggerLevel=ERROR'],
    logFile: join(dir, 'vm.log'),
  });
  t.after(() => vm.stop(3000));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(vm, `${url}/health`, 30_000);
  const client = new PromClient({ url, retries: 0 });
  const now = () => Date.now() / 1000;
  const up = await until('up{job="node"} in VictoriaMetrics', async () => {
    const r = await client.query('up{job="node"}', now());
    return r.length ? r : undefined;
  }, POLL);
  assert.equal(up[0]!.value, 1);
  const range = await until('a range of node_filesystem_avail_bytes', async () => {
    const r = await client.queryRange('node_filesystem_avail_bytes', now() - 60, now(), 1);
    return r.length && r[0]!.values.length >= 2 ? r : undefined;
  }, POLL);
  assert.ok(range[0]!.labels.mountpoint);
  const series = await client.series(['node_filesystem_size_bytes'], now() - 300, now());
  assert.ok(series.length > 0 && series.every((s) => s.__name__ === 'node_filesystem_size_bytes'));
  assert.ok((await client.labelValues('job')).includes('node'));
  assert.ok((await client.labelNames()).includes('mountpoint'));
  const d = await discover(client, { now: now() });
  assert.ok(d.components.some((c) => c.name === 'node'), JSON.stringify(d));
  assert.ok(d.present.has('node_filesystem_avail_bytes'));
  const store = openStore(':memory:');
  t.after(() => store.close());
  const health = new HealthService({ prom: client, store, config: { baselineHours: 0.02, baselineStepSeconds: 1, baselineGapSeconds: 0 } });
  const snap = await health.runOnce(now());
  const node = snap.components.find((c) => c.component === 'node');
  assert.ok(node && typeof node.score === 'number', JSON.stringify(snap));

  // Rules on VictoriaMetrics: Debian's victoria-metrics ships vmalert, which evaluates a rule file against
  // VictoriaMetrics and notifies the same Alertmanager, whose webhook opens an incident in the companion.
  const vmalertBin = findBinary('vmalert');
  if (!vmalertBin) return t.diagnostic('vmalert not installed: rules on VictoriaMetrics not checked');
  await writeFile(join(dir, 'vm-rules.yml'), RULES.replace('real-stack', 'real-stack-vm').replace('HostFilesystemWatched', 'VictoriaMetricsFilesystemWatched'));
  const vmaPort = await freePort();
  const vma = spawnSupervised({
    name: `vmalert (port ${vmaPort})`,
    cmd: vmalertBin,
    args: [`-datasource.url=${url}`, `-notifier.url=${parts[1]!.url}`, `-rule=${join(dir, 'vm-rules.yml')}`, '-evaluationInterval=1s', `-httpListenAddr=127.0.0.1:${vmaPort}`, '-loggerLevel=ERROR'],
    logFile: join(dir, 'vmalert.log'),
  });
  t.after(() => vma.stop(3000));
  await waitReady(vma, `http://127.0.0.1:${vmaPort}/health`, 30_000);
  await until('an incident from the vmalert rule', async () => {
    for (const i of await api<{ id: number }[]>('/api/alerting/incidents')) {
      const d = await api<{ alerts: { alertname: string }[] }>(`/api/alerting/incidents/${i.id}`);
      if (d.alerts.some((a) => a.alertname === 'VictoriaMetricsFilesystemWatched')) return i;
    }
    return undefined;
  }, POLL);
});
