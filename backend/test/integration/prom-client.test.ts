// The Prometheus client against a real `prometheus` scraping the real demo workload: every answer is
// checked against what Prometheus itself holds (another query, another endpoint, or the unsplit range).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startPrometheus, startWorkload, type Managed } from '../../src/stack/index.js';
import { PromApiError, PromClient, type RangeSeries } from '../../src/prom/client.js';
import { labelsKey } from '../../src/prom/request.js';

let dir = '';
let workload: Managed | undefined;
let prom: (Managed & { dataDir: string }) | undefined;
let client: PromClient;

const RULES = `groups:
  - name: foresight-client-test
    interval: 1s
    rules:
      - record: job:probe_success:sum
        expr: sum(probe_success)
      - alert: ForesightClientTestAlways
        expr: vector(1)
        labels: { severity: none }
        annotations: { summary: always firing }
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foresight-promclient-'));
  await writeFile(join(dir, 'test.rules.yml'), RULES);
  workload = await startWorkload({ seed: 7, timeScale: 60 });
  const port = await freePort();
  await mkdir(join(dir, 'prom'));
  prom = await startPrometheus({
    port,
    dataDir: join(dir, 'prom'),
    configYaml: `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: ['${dir}/*.rules.yml']
scrape_configs:
  - job_name: demo
    static_configs: [{ targets: ['127.0.0.1:${workload.port}'] }]
`,
  });
  client = new PromClient({ url: prom.url, timeoutMs: 10_000, retries: 1, retryBaseMs: 50 });
  // Wait until 14 s of scrapes (the split-range test needs > 11 s of data at 1 ms steps) and rule evaluations.
  for (let i = 0; i < 80; i++) {
    const [r] = await client.query('count(count_over_time(probe_success[1m]) >= 14)');
    const rec = await client.query('job:probe_success:sum');
    if (r && r.value > 0 && rec.length) break;
    await sleep(500);
  }
});

after(async () => {
  await prom?.stop();
  await workload?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('query: the demo services, scalar answers, special values', async () => {
  const up = await client.query('probe_success');
  const services = up.map((s) => s.labels.service).sort();
  assert.ok(services.includes('frontend') && services.includes('db') && services.includes('payments'), services.join(','));
  for (const s of up) {
    assert.equal(s.labels.job, 'demo');
    assert.ok(s.value === 0 || s.value === 1);
  }
  const [count] = await client.query('count(probe_success)');
  assert.equal(count!.value, up.length);
  const [scalar] = await client.query('scalar(count(probe_success))', 1_700_000_000);
  assert.deepEqual(scalar!.labels, {});
  assert.equal(scalar!.timestamp, 1_700_000_000);
  const [inf] = await client.query('vector(1/0)');
  assert.equal(inf!.value, Infinity);
});

test('bad PromQL throws with Prometheus errorType, not retried into a timeout', async () => {
  await assert.rejects(client.query('sum(rate(probe_success[5m]'), (e: PromApiError) => e instanceof PromApiError && e.errorType === 'bad_data' && e.status === 400 && /parse error/.test(e.message));
  await assert.rejects(client.query('probe_success[1m]'), /returned a matrix/);
});

function pointsOf(series: RangeSeries[]): Map<string, [number, number][]> {
  return new Map(series.map((s) => [labelsKey(s.labels), Array.from(s.timestamps, (t, i) => [t, s.values[i]!] as [number, number])]));
}

test('queryRange: a range over 11 000 points is split and equals the same grid queried in other pieces', async () => {
  const end = Math.floor(Date.now() / 1000) - 1;
  const start = end - 12;
  const step = 0.001; // 12 001 points per series: over Prometheus' limit in one request
  const expr = 'sum by (service) (http_requests_total)';
  const split = await client.queryRange(expr, start, end, step);
  assert.ok(split.length >= 5, `series: ${split.length}`);
  // The same grid fetched as two requests joined at a different place (each under the limit).
  const mid = start + 5000 * step;
  const a = await client.queryRange(expr, start, mid, step);
  const b = await client.queryRange(expr, mid + step, end, step);
  const expected = pointsOf(a);
  for (const [k, pts] of pointsOf(b)) expected.set(k, [...(expected.get(k) ?? []), ...pts]);
  const got = pointsOf(split);
  assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
  let total = 0;
  for (const [k, pts] of got) {
    const ts = pts.map((p) => p[0]);
    assert.equal(new Set(ts).size, ts.length, `duplicate timestamps in ${k}`);
    assert.deepEqual(pts, expected.get(k), k);
    total += pts.length;
  }
  assert.ok(total > 5 * 11_000, `points: ${total}`);
  // And a client forced to tiny chunks gets the identical answer over a shorter range.
  const tiny = new PromClient({ url: prom!.url, maxPointsPerRequest: 7 });
  const s2 = end - 10;
  assert.deepEqual(pointsOf(await tiny.queryRange(expr, s2, end, 0.25)), pointsOf(await client.queryRange(expr, s2, end, 0.25)));
  await assert.rejects(new PromClient({ url: prom!.url, maxPointsPerRequest: 20_000 }).queryRange(expr, start, end, step), /exceeded maximum resolution/);
});

test('series, label names and values agree with the query answers', async () => {
  const up = await client.query('probe_success');
  const series = await client.series(['probe_success'], Math.floor(Date.now() / 1000) - 60);
  const fromQuery = new Set(up.map((s) => labelsKey({ __name__: 'probe_success', ...s.labels })));
  assert.deepEqual(new Set(series.map(labelsKey)), fromQuery);
  const names = await client.labelNames();
  for (const n of ['__name__', 'job', 'instance', 'service', 'code', 'client', 'server']) assert.ok(names.includes(n), n);
  const values = await client.labelValues('service');
  for (const s of up) assert.ok(values.includes(s.labels.service!), s.labels.service);
  const metricNames = await client.labelValues('__name__');
  assert.ok(metricNames.includes('traces_service_graph_request_total'));
  assert.ok(metricNames.includes('job:probe_success:sum'));
});

test('targets, rules and alerts match the config and rule file Prometheus loaded', async () => {
  const targets = await client.targets();
  assert.equal(targets.length, 1);
  assert.equal(targets[0]!.labels.job, 'demo');
  assert.equal(targets[0]!.scrapeUrl, `http://127.0.0.1:${workload!.port}/metrics`);
  assert.equal(targets[0]!.health, 'up');

  const groups = await client.rules();
  const g = groups.find((x) => x.name === 'foresight-client-test');
  assert.ok(g, `groups: ${groups.map((x) => x.name).join(',')}`);
  assert.equal(g.file, join(dir, 'test.rules.yml'));
  assert.deepEqual(g.rules.map((r) => [r.type, r.name]), [['recording', 'job:probe_success:sum'], ['alerting', 'ForesightClientTestAlways']]);
  const [rec] = await client.query('job:probe_success:sum');
  const [sum] = await client.query('sum(probe_success)');
  assert.equal(rec!.value, sum!.value);

  const alerts = await client.alerts();
  const a = alerts.find((x) => x.labels.alertname === 'ForesightClientTestAlways');
  assert.ok(a, JSON.stringify(alerts));
  assert.equal(a.state, 'firing');
  assert.equal(a.annotations.summary, 'always firing');
});

test('ready and reload', async () => {
  assert.equal(await client.ready(), true);
  await client.reload();
  assert.equal(await client.ready(), true);
  const closed = new PromClient({ url: `http://127.0.0.1:${await freePort()}`, retries: 0 });
  const r = await closed.readiness();
  assert.equal(r.ready, false);
  assert.match(r.reason ?? '', /ECONNREFUSED/);
});
