// The local stack on real binaries: prometheus + prometheus-alertmanager + the demo workload on free
// loopback ports. Prometheus scrapes the workload, loads rule files, knows the Alertmanager, and an
// injected error burst shows up as a rising 5xx rate in Prometheus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoStack, startPrometheus, startAlertmanager, isPortOpen, type DemoStack } from '../../src/stack/index.js';

let dir: string;
let stack: DemoStack;

interface VectorResult {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function query(expr: string): Promise<VectorResult['data']['result']> {
  const res = await fetch(`${stack.prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as VectorResult;
  assert.equal(body.status, 'success', expr);
  return body.data.result;
}

/** Polls until check() returns a value (not undefined) or the deadline passes. */
async function eventually<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foresight-stack-test-'));
  const rulesDir = join(dir, 'rules');
  await mkdir(rulesDir, { recursive: true });
  await writeFile(
    join(rulesDir, 'demo.yml'),
    'groups:\n  - name: stack-test\n    rules:\n      - record: service:http_requests:rate30s\n        expr: sum by (service) (rate(http_requests_total[30s]))\n',
  );
  stack = await startDemoStack({ dir, rulesDir, withCompanion: false, scrapeIntervalSeconds: 1, evaluationIntervalSeconds: 1, timeScale: 60 });
});

after(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('Prometheus scrapes the workload (up == 1) and holds http_requests_total', async () => {
  await eventually('up{job="demo"} == 1', 20_000, async () => ((await query('up{job="demo"} == 1')).length === 1 ? true : undefined));
  const series = await eventually('http_requests_total', 10_000, async () => {
    const r = await query('http_requests_total');
    return r.length > 0 ? r : undefined;
  });
  const services = new Set(series.map((s) => s.metric.service));
  assert.deepEqual([...services].sort(), ['cart', 'catalogue', 'checkout', 'db', 'frontend', 'payments', 'queue']);
  const jobs = await eventually('every job scraped', 10_000, async () => {
    const j = (await query('up == 1')).map((s) => s.metric.job).sort();
    return j.length === 4 ? j : undefined;
  });
  // node: Debian's prometheus-node-exporter, run beside the workload.
  assert.deepEqual(jobs, ['alertmanager', 'demo', 'node', 'prometheus']);
});

test('Prometheus loads rule files from the rules dir and sends alerts to the Alertmanager', async () => {
  const rules = (await (await fetch(`${stack.prometheus.url}/api/v1/rules`)).json()) as { data: { groups: { name: string }[] } };
  assert.deepEqual(rules.data.groups.map((g) => g.name), ['stack-test']);
  await eventually('recording rule output', 15_000, async () => ((await query('service:http_requests:rate30s')).length > 0 ? true : undefined));
  const am = (await (await fetch(`${stack.prometheus.url}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: { url: string }[] } };
  assert.ok(am.data.activeAlertmanagers.some((a) => a.url.startsWith(stack.alertmanager.url)), JSON.stringify(am.data));
  assert.equal((await fetch(`${stack.alertmanager.url}/-/ready`)).status, 200);
});

test('an injected error_burst raises the 5xx rate Prometheus sees', async () => {
  const expr = 'sum(rate(http_requests_total{service="cart",code=~"5.."}[5s])) / sum(rate(http_requests_total{service="cart"}[5s]))';
  const before = await eventually('a baseline error ratio', 15_000, async () => {
    const r = await query(expr);
    return r.length ? Number(r[0].value[1]) : undefined;
  });
  assert.ok(before < 0.05, `baseline ${before}`);
  const res = await fetch(`${stack.workload.url}/faults`, {
    method: 'POST',
    body: JSON.stringify({ type: 'error_burst', service: 'cart', durationSeconds: 120, magnitude: 0.6 }),
  });
  assert.equal(res.status, 201);
  const during = await eventually('the 5xx ratio to rise', 20_000, async () => {
    const r = await query(expr);
    const v = r.length ? Number(r[0].value[1]) : 0;
    return v > 0.4 ? v : undefined;
  });
  assert.ok(during > before + 0.3);
  const truth = (await (await fetch(`${stack.workload.url}/faults`)).json()) as { type: string; service: string }[];
  assert.deepEqual(truth.map((f) => `${f.type}@${f.service}`), ['error_burst@cart']);
});

test('clear errors: port in use, missing binary, bad config (with the process output)', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const addr = blocker.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  try {
    await assert.rejects(startPrometheus({ configYaml: 'global: {}\n', port }), new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    await assert.rejects(startAlertmanager({ configYaml: 'route: {receiver: x}\nreceivers: [{name: x}]\n', port }), /already in use/);
  } finally {
    await new Promise((r) => blocker.close(r));
  }
  const saved = process.env.FORESIGHT_PROMETHEUS_BIN;
  process.env.FORESIGHT_PROMETHEUS_BIN = 'prometheus-not-installed-here';
  try {
    await assert.rejects(startPrometheus({ configYaml: 'global: {}\n' }), /not found on PATH; install it with: apt-get install -y prometheus prometheus-alertmanager/);
  } finally {
    if (saved === undefined) delete process.env.FORESIGHT_PROMETHEUS_BIN;
    else process.env.FORESIGHT_PROMETHEUS_BIN = saved;
  }
  await assert.rejects(startPrometheus({ configYaml: 'scrape_configs: [{job_name: 1, bogus_field: true}]\n' }), (err: Error) => {
    assert.match(err.message, /exited \(code \d+\) before it was ready/);
    assert.match(err.message, /bogus_field|error loading config/i);
    return true;
  });
});

test('startDemoStack with a port in use fails before starting anything', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const addr = blocker.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const seen: string[] = [];
  try {
    await assert.rejects(
      startDemoStack({ withCompanion: false, ports: { prometheus: port }, onStatus: (p, st) => seen.push(`${p} ${st}`) }),
      new RegExp(`prometheus: port ${port} on 127.0.0.1 is already in use`),
    );
  } finally {
    await new Promise((r) => blocker.close(r));
  }
  assert.deepEqual(seen, [], 'nothing was started');
});

test('the generated prometheus.yml passes promtool check config', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const r = await promisify(execFile)('promtool', ['check', 'config', stack.prometheus.configFile]);
  assert.match(r.stdout + r.stderr, /SUCCESS/);
});

test('stop() frees every port', async () => {
  const ports = [stack.prometheus.port, stack.alertmanager.port, stack.workload.port];
  await stack.stop();
  for (const p of ports) assert.equal(await isPortOpen(p), false, `port ${p} still open`);
});
