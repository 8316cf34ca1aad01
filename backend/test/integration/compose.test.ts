// docker-compose.yml checked without Docker: it parses, every mounted host path and build file exists,
// images are pinned, Grafana may load every plugin id the repo defines, and the ports and URLs agree
// with provisioning/*.yml (and provisioning/datasources/*.yaml when present), which promtool and
// amtool accept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { DEMO_API_TOKEN } from '../../src/config/schema.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (p: string): string => readFileSync(join(root, p), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  command?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
  secrets?: string[];
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown>; secrets?: Record<string, { file: string }> };
const svc = compose.services;

/** Container port each service listens on, from its `host:container` port mapping. */
function containerPort(name: string): number {
  const ports = svc[name]?.ports ?? [];
  assert.equal(ports.length, 1, `docker-compose.yml: services.${name}.ports should publish exactly one port`);
  const [host, container] = ports[0].split(':').map(Number);
  assert.equal(host, container, `docker-compose.yml: services.${name}.ports maps ${host} to ${container}; keep them equal so URLs match`);
  return container;
}

/** "host:port" or a URL → [host, port], checked against compose services. */
function assertPointsAt(where: string, target: string, service: string): void {
  const m = /^(?:https?:\/\/)?([^:/]+):(\d+)/.exec(target);
  assert.ok(m, `${where}: cannot read host:port from ${target}`);
  const host = m[1] === 'localhost' && service === 'prometheus' ? 'prometheus' : m[1];
  assert.equal(host, service, `${where}: ${target} should point at the compose service '${service}'`);
  assert.equal(Number(m[2]), containerPort(service), `${where}: ${target} uses port ${m[2]}, but services.${service} listens on ${containerPort(service)}`);
}

test('docker-compose.yml has the six services with pinned images or a build that exists', () => {
  assert.deepEqual(Object.keys(svc).sort(), ['alertmanager', 'companion', 'grafana', 'node-exporter', 'prometheus', 'workload']);
  for (const [name, s] of Object.entries(svc)) {
    if (s.image) assert.match(s.image, /^[\w./-]+:v?\d+\.\d+\.\d+$/, `services.${name}.image must pin a version`);
    else {
      assert.ok(s.build, `services.${name} needs an image or a build`);
      assert.ok(existsSync(join(root, s.build.context, s.build.dockerfile ?? 'Dockerfile')), `services.${name}.build: Dockerfile missing`);
    }
  }
  assert.match(svc.grafana.image ?? '', /^grafana\/grafana:/);
  // The workload's command runs a file that exists.
  const entry = svc.workload.command?.find((a) => a.endsWith('.ts'));
  assert.ok(entry && existsSync(join(root, entry)), `services.workload.command runs ${entry}, which does not exist`);
  const cli = svc.companion.command?.find((a) => a.endsWith('.mjs'));
  // The plugin is built against @grafana/* of this exact version; Grafana runs the same one.
  const grafanaUi = (JSON.parse(read('package.json')) as { dependencies: Record<string, string> }).dependencies['@grafana/ui'];
  assert.equal(svc.grafana.image, `grafana/grafana:${grafanaUi}`);
  assert.ok(cli && existsSync(join(root, cli)), `services.companion.command runs ${cli}, which does not exist`);
});

test('every mounted host path exists in the repo (dist/ is what `npm run build` makes)', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  for (const [name, s] of Object.entries(svc)) {
    for (const v of s.volumes ?? []) {
      const [host] = v.split(':');
      if (host.startsWith('/')) {
        // Only node_exporter reads the host itself (its root filesystem, read-only).
        assert.equal(name, 'node-exporter', `services.${name}.volumes: bind-mounts the host path ${host}`);
        assert.match(v, /:ro/, `services.${name}.volumes: ${v} must be read-only`);
        continue;
      }
      if (!host.startsWith('.')) {
        assert.ok(compose.volumes && host in compose.volumes, `services.${name}.volumes: named volume ${host} is not declared`);
        continue;
      }
      if (host === './dist') {
        // Build output, not checked in: the plugin build must be what produces it.
        assert.match(pkg.scripts['build:plugin'] ?? '', /webpack/, 'package.json: build:plugin should build ./dist');
        assert.ok(existsSync(join(root, 'src', 'plugin.json')), 'src/plugin.json missing: nothing would be built into ./dist');
        continue;
      }
      assert.ok(existsSync(join(root, host)), `services.${name}.volumes: host path ${host} does not exist in the repo`);
    }
  }
  const grafanaMounts = svc.grafana.volumes ?? [];
  assert.ok(grafanaMounts.includes('./dist:/var/lib/grafana/plugins/foresight-foresight-app'));
  assert.ok(grafanaMounts.includes('./provisioning:/etc/grafana/provisioning'));
});

test('Grafana may load every unsigned plugin id the repo defines', () => {
  const allowed = (svc.grafana.environment?.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS ?? '').split(',');
  const ids = [join('src', 'plugin.json'), join('src', 'datasource', 'plugin.json')]
    .concat(existsSync(join(root, 'src', 'panels')) ? readdirSync(join(root, 'src', 'panels')).map((d) => join('src', 'panels', d, 'plugin.json')) : [])
    .filter((p) => existsSync(join(root, p)))
    .map((p) => (JSON.parse(read(p)) as { id: string }).id);
  assert.ok(ids.includes('foresight-foresight-app'), `plugin ids found: ${ids}`);
  for (const id of ids) assert.ok(allowed.includes(id), `GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS lacks ${id}`);
});

test('ports and URLs agree between docker-compose.yml and provisioning/*.yml', () => {
  const prom = parse(read('provisioning/prometheus.yml')) as {
    rule_files: string[];
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };
  const jobs = Object.fromEntries(prom.scrape_configs.map((j) => [j.job_name, j.static_configs[0].targets[0]]));
  const jobService: Record<string, string> = { prometheus: 'prometheus', alertmanager: 'alertmanager', node: 'node-exporter', demo: 'workload', foresight: 'companion' };
  assert.deepEqual(Object.keys(jobs).sort(), Object.keys(jobService).sort());
  for (const [job, service] of Object.entries(jobService)) assertPointsAt(`provisioning/prometheus.yml job ${job}`, jobs[job], service);
  assertPointsAt('provisioning/prometheus.yml alerting', prom.alerting.alertmanagers[0].static_configs[0].targets[0], 'alertmanager');
  // Rule files are read from where ./rules is mounted.
  const rulesMount = (svc.prometheus.volumes ?? []).find((v) => v.startsWith('./rules:'))?.split(':')[1];
  assert.ok(rulesMount, 'services.prometheus should mount ./rules');
  for (const g of prom.rule_files) assert.ok(g.startsWith(`${rulesMount}/`), `rule_files ${g} is outside the mounted ${rulesMount}`);
  assert.ok((svc.prometheus.volumes ?? []).some((v) => v.startsWith('./provisioning/prometheus.yml:')));

  const am = parse(read('provisioning/alertmanager.yml')) as { receivers: { webhook_configs?: { url: string }[] }[] };
  // The companion's webhook (other receivers are examples/alerting.yaml's external ones).
  const hooks = am.receivers.flatMap((r) => r.webhook_configs ?? []).map((w) => w.url).filter((u) => u.endsWith('/api/alerting/webhook'));
  assert.ok(hooks.length > 0, 'provisioning/alertmanager.yml has no receiver for the companion webhook');
  for (const h of hooks) assertPointsAt('provisioning/alertmanager.yml webhook', h, 'companion');

  const env = svc.companion.environment ?? {};
  assertPointsAt('services.companion FORESIGHT_PROMETHEUS_URL', env.FORESIGHT_PROMETHEUS_URL, 'prometheus');
  assertPointsAt('services.companion FORESIGHT_ALERTMANAGER_URL', env.FORESIGHT_ALERTMANAGER_URL, 'alertmanager');
  assert.equal(Number(env.FORESIGHT_PORT), containerPort('companion'));
  assert.ok(svc.workload.command?.includes(String(containerPort('workload'))), 'the workload listens on its published port');
});

test('provisioning/datasources/*.yaml (when present) point at compose services', (t) => {
  const dir = join(root, 'provisioning', 'datasources');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : [];
  if (files.length === 0) {
    t.skip('no provisioning/datasources yet');
    return;
  }
  const env = svc.companion.environment ?? {};
  const byType: Record<string, string> = { prometheus: 'prometheus', alertmanager: 'alertmanager', 'foresight-companion-datasource': 'companion' };
  let checked = 0;
  for (const f of files) {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as { datasources?: { name: string; type: string; url?: string; jsonData?: Record<string, unknown> }[] };
    for (const ds of doc.datasources ?? []) {
      const service = byType[ds.type];
      const url = ds.url ?? (typeof ds.jsonData?.companionUrl === 'string' ? ds.jsonData.companionUrl : typeof ds.jsonData?.url === 'string' ? ds.jsonData.url : undefined);
      if (!service || !url) continue;
      assertPointsAt(`provisioning/datasources/${f} datasource ${ds.name}`, url, service);
      checked++;
      const token = (ds as { secureJsonData?: { apiToken?: string } }).secureJsonData?.apiToken;
      if (service === 'companion' && token) {
        assert.equal(token, env.FORESIGHT_API_TOKEN ?? DEMO_API_TOKEN, `provisioning/datasources/${f}: apiToken differs from the companion's token`);
      }
    }
  }
  assert.ok(checked > 0, `no datasource URL found to check in ${files.join(', ')}`);
});

test('Grafana dashboard providers read from a mounted path', () => {
  const dir = join(root, 'provisioning', 'dashboards');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : [];
  const mounts = (svc.grafana.volumes ?? []).map((v) => v.split(':')).filter(([host]) => host.startsWith('.'));
  for (const f of files) {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as { providers?: { name: string; options?: { path?: string } }[] };
    for (const p of doc.providers ?? []) {
      const path = p.options?.path;
      if (!path) continue;
      const m = mounts.find(([, t]) => path === t || path.startsWith(`${t}/`));
      assert.ok(m, `provisioning/dashboards/${f} provider ${p.name} reads ${path}, which services.grafana does not mount`);
      const host = join(root, m[0], path.slice(m[1].length));
      assert.ok(existsSync(host), `provisioning/dashboards/${f} provider ${p.name} reads ${path}, i.e. ${host}, which does not exist`);
    }
  }
});

test('promtool and amtool accept the provisioning files', async () => {
  const p = await run('promtool', ['check', 'config', join(root, 'provisioning', 'prometheus.yml')]);
  assert.match(p.stdout + p.stderr, /SUCCESS/);
  const a = await run('amtool', ['check-config', join(root, 'provisioning', 'alertmanager.yml')]);
  assert.match(a.stdout + a.stderr, /SUCCESS/);
});

test('every depends_on waits for a healthcheck the dependency defines', () => {
  let edges = 0;
  for (const [name, s] of Object.entries(svc)) {
    const deps = s.depends_on ?? {};
    assert.ok(!Array.isArray(deps), `services.${name}.depends_on must use the long form with a condition`);
    for (const [dep, d] of Object.entries(deps)) {
      edges++;
      assert.equal(d.condition, 'service_healthy', `services.${name}.depends_on.${dep}`);
      assert.ok(svc[dep]?.healthcheck?.test?.length, `services.${dep} has no healthcheck, so ${name} would wait forever`);
    }
  }
  assert.ok(edges >= 4);
  for (const [name, s] of Object.entries(svc)) {
    const hc = s.healthcheck?.test ?? [];
    if (!hc.length) continue;
    // The probe hits the service's own published port.
    if (s.ports?.length) assert.ok(hc.join(' ').includes(`:${containerPort(name)}/`), `services.${name}.healthcheck probes another port: ${hc.join(' ')}`);
  }
});

/** Tools the companion runs (runTool names in backend/src), e.g. promtool and amtool. */
function toolsShelledOut(): string[] {
  const found = new Set<string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.ts')) for (const m of readFileSync(join(d, e.name), 'utf8').matchAll(/runTool\(\{ name: '([\w-]+)'/g)) found.add(m[1]!);
    }
  };
  walk(join(root, 'backend', 'src'));
  return [...found].sort();
}

test('the companion image has every tool the companion shells out to, and the data it reads', () => {
  const docker = read('backend/Dockerfile');
  const tools = toolsShelledOut();
  assert.deepEqual(tools, ['amtool', 'promtool']);
  const images: Record<string, string> = { promtool: svc.prometheus.image!, amtool: svc.alertmanager.image! };
  for (const tool of tools) {
    // Copied from the very image compose runs, into a directory on PATH.
    const stage = new RegExp(`FROM ${images[tool]!.replace(/[.]/g, '\\.')} AS (\\w+)`).exec(docker);
    assert.ok(stage, `backend/Dockerfile: no stage FROM ${images[tool]} (where ${tool} comes from)`);
    assert.match(docker, new RegExp(`COPY --from=${stage[1]} /bin/${tool} /usr/local/bin/${tool}`));
  }
  for (const dir of ['runbooks', 'remediation', 'examples']) {
    assert.match(docker, new RegExp(`^COPY ${dir} ${dir}$`, 'm'), `backend/Dockerfile does not copy ${dir}/`);
    assert.ok(existsSync(join(root, dir)));
  }
  const ignore = read('.dockerignore').split('\n').map((l) => l.trim());
  assert.ok(ignore.includes('**/node_modules'), '.dockerignore must keep node_modules out of the build context');
  assert.ok(!ignore.some((l) => /^(runbooks|remediation|examples|backend\/src|contract)\b/.test(l)), '.dockerignore drops something the image copies');
  // The entrypoint in the compose command exists, and the SLO files it applies too.
  const cmd = svc.companion.command ?? [];
  const slos = cmd[cmd.indexOf('--apply-slos') + 1]!.split(',');
  for (const f of slos) assert.ok(existsSync(join(root, f)), `--apply-slos ${f} does not exist`);
});

test('the webhook credential: one compose secret, sent by Alertmanager and expected by the companion', () => {
  const secrets = compose.secrets ?? {};
  assert.deepEqual(Object.keys(secrets), ['foresight_webhook']);
  assert.ok(existsSync(join(root, secrets.foresight_webhook!.file)));
  for (const name of ['alertmanager', 'companion']) assert.ok(svc[name]!.secrets?.includes('foresight_webhook'), `services.${name} does not mount the secret`);
  const path = '/run/secrets/foresight_webhook';
  const am = parse(read('provisioning/alertmanager.yml')) as { receivers: { webhook_configs?: { url: string; http_config?: { authorization?: { credentials_file?: string; credentials?: string } } }[] }[] };
  const hooks = am.receivers.flatMap((r) => r.webhook_configs ?? []).filter((w) => w.url.includes('/api/alerting/webhook'));
  assert.ok(hooks.length > 0);
  for (const h of hooks) {
    assert.equal(h.http_config?.authorization?.credentials_file, path, 'Alertmanager reads the webhook secret from the compose secret');
    assert.equal(h.http_config?.authorization?.credentials, undefined, 'no inline credential');
  }
  const cfgMount = (svc.companion.volumes ?? []).find((v) => v.endsWith(':/etc/foresight/companion.yaml:ro'));
  assert.ok(cfgMount, 'services.companion mounts its config');
  const cfg = parse(read(cfgMount.split(':')[0]!)) as { alerting: { webhook: { secret: { file: string } } } };
  assert.equal(cfg.alerting.webhook.secret.file, path);
});

test('provisioning/companion.yaml tells the companion the demo names exactly as the demo config does', async () => {
  const { DEMO_HEALTH, DEMO_MODEL_TARGETS, DEMO_RCA_METRICS } = await import('../../src/demo/foresight-config.js');
  const cfg = parse(read('provisioning/companion.yaml')) as { health: unknown; models: unknown; rca: { metrics: unknown } };
  assert.deepEqual(cfg.health, DEMO_HEALTH);
  assert.deepEqual(cfg.models, DEMO_MODEL_TARGETS);
  assert.deepEqual(cfg.rca.metrics, DEMO_RCA_METRICS);
});
