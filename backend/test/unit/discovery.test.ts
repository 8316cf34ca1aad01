// Generic discovery (backend/src/discovery/): components from labels, conventional metric families, and
// the scorer/RCA using them with no configuration on a fake Prometheus that answers like a plain stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { componentsFromLabels, discover, familiesPresent, FAMILIES, fillComponent, workloadOfPod } from '../../src/discovery/index.js';
import { parseHealthConfig } from '../../src/health/config.js';
import { scoreFromPrometheus } from '../../src/health/scorer.js';
import type { InstantSample, RangeSeries } from '../../src/prom/client.js';

test('pods fold into their workload; components come from service, workload, container and job labels', () => {
  assert.equal(workloadOfPod('cart-7d9f8b6c5d-x2x9q'), 'cart');
  assert.equal(workloadOfPod('node-exporter-7x2kq'), 'node-exporter');
  assert.equal(workloadOfPod('db-0'), 'db');
  assert.equal(workloadOfPod('standalone'), 'standalone');
  const cs = componentsFromLabels({
    services: ['checkout'],
    pods: [{ namespace: 'shop', pod: 'cart-7d9f8b6c5d-x2x9q' }, { namespace: 'shop', pod: 'cart-7d9f8b6c5d-b4k7z' }],
    containers: ['redis'],
    jobs: ['node', 'prometheus', 'checkout'],
  });
  assert.deepEqual(cs.map((c) => [c.name, c.source]), [
    ['checkout', 'service'],
    ['shop/cart', 'workload'],
    ['redis', 'container'],
    ['node', 'job'],
    ['prometheus', 'job'],
  ]);
  assert.equal(cs[0]!.selector, 'service="checkout"');
  assert.match(cs[1]!.selector, /^namespace="shop",pod=~"cart\(/);
  assert.equal(fillComponent('up{{{selector}}}', cs[3]!), 'up{job="node"}');
  assert.equal(componentsFromLabels({ jobs: ['a', 'b', 'c'] }, 2).length, 2, 'capped');
});

test('families: recognised from conventional names only, none of them a demo name', () => {
  for (const f of FAMILIES) {
    assert.ok(!f.query('5m').includes('demo_'), f.name);
    assert.ok(f.query('5m').includes('{{selector}}'), `${f.name} is narrowed to a component`);
  }
  const names = (set: string[]) => familiesPresent(new Set(set)).map((f) => f.name);
  assert.deepEqual(names(['up']), ['up']);
  assert.ok(names(['http_server_request_duration_seconds_bucket']).includes('latency_p95_seconds'), 'OpenTelemetry histogram');
  assert.ok(names(['prometheus_http_request_duration_seconds_bucket']).includes('latency_p95_seconds'), 'client-library histogram with a prefix');
  assert.ok(names(['http_requests_total']).includes('error_ratio'));
  assert.ok(names(['node_filesystem_avail_bytes']).includes('disk_usage_ratio'));
  assert.ok(names(['container_spec_memory_limit_bytes']).includes('container_memory_usage_ratio'));
  assert.ok(names(['kube_pod_container_status_restarts_total']).includes('restarts'));
  assert.deepEqual(names(['probe_success']), ['probe_success'], 'blackbox exporter probe');
  assert.deepEqual(names(['service_up', 'my_custom_total']), []);
});

/** A Prometheus that answers the discovery queries like one scraping node_exporter, itself and Alertmanager. */
function plainStack() {
  const jobs = ['alertmanager', 'node', 'prometheus'];
  const asked: string[] = [];
  const query = async (q: string): Promise<InstantSample[]> => {
    asked.push(q);
    const row = (labels: Record<string, string>, value = 1): InstantSample => ({ labels, timestamp: 1000, value });
    if (q === 'count by (job) (up)') return jobs.map((job) => row({ job }));
    if (q.startsWith('count by (__name__)')) return ['up', 'node_filesystem_avail_bytes', 'process_open_fds'].map((n) => row({ __name__: n }));
    if (q.startsWith('count by')) return [];
    if (q.startsWith('min(avg_over_time(up{job=')) return [row({}, 1)];
    if (q.includes('node_filesystem_avail_bytes{') && q.includes('job="node"')) return [row({}, 0.4)];
    if (q.includes('process_open_fds{')) return [row({}, 0.01)];
    return [];
  };
  const queryRange = async (q: string): Promise<RangeSeries[]> => {
    asked.push(q);
    return [];
  };
  return { prom: { query, queryRange }, asked };
}

test('health with no configuration scores every scraped job, querying only families that exist', async () => {
  const { prom, asked } = plainStack();
  const d = await discover(prom, { now: 1000 });
  assert.deepEqual(d.components.map((c) => c.name), ['alertmanager', 'node', 'prometheus']);
  const sys = await scoreFromPrometheus(prom, parseHealthConfig({}), { now: 1000 });
  assert.deepEqual(sys.components.map((c) => c.component).sort(), ['alertmanager', 'node', 'prometheus']);
  for (const c of sys.components) assert.ok(c.score !== undefined && c.score > 90, `${c.component} scored: ${JSON.stringify(c)}`);
  assert.ok(!asked.some((q) => q.includes('http_requests_total{') || q.includes('histogram_quantile')), 'no HTTP family on a plain stack: not queried');
  assert.deepEqual(sys.errors, []);
});

test('a job carrying several services is not a component of its own: its services are', async () => {
  const query = async (q: string): Promise<InstantSample[]> => {
    const row = (labels: Record<string, string>): InstantSample => ({ labels, timestamp: 1000, value: 1 });
    if (q === 'count by (job) (up)') return ['node', 'shop'].map((job) => row({ job }));
    if (q.startsWith('count by (job) (count by (job, service)')) return [row({ job: 'shop' })];
    if (q.startsWith('count by (service)')) return ['cart', 'checkout'].map((service) => row({ service }));
    return [];
  };
  const d = await discover({ query }, { now: 1000 });
  assert.deepEqual(d.components.map((c) => [c.name, c.source]), [['cart', 'service'], ['checkout', 'service'], ['node', 'job']]);
  const all = await discover({ query: async (q) => (q.startsWith('count by (job) (count') ? [] : query(q)) }, { now: 1000 });
  assert.ok(all.components.some((c) => c.name === 'shop'), 'a job of one service (or none) stays a component');
});

test('capacity with no configuration watches filesystems (space, inodes) and memory from node_exporter', async () => {
  const { parseModelsConfig } = await import('../../src/live/config.js');
  const c = parseModelsConfig({});
  assert.deepEqual(c.targets.map((t) => t.name), ['filesystem_bytes', 'filesystem_inodes', 'memory_bytes']);
  assert.ok(c.targets.every((t) => t.kind === 'capacity' && typeof t.threshold === 'string' && !t.query.includes('demo_')));
  assert.match(c.targets[0]!.query, /node_filesystem_size_bytes\{fstype!~.*\} - node_filesystem_avail_bytes/);
  assert.equal(parseModelsConfig({ defaultCapacity: { step: 5 } }).targets[0]!.step, 5);
  assert.deepEqual(parseModelsConfig({ targets: [] }).targets, [], 'explicit targets replace the defaults');
});

test('RCA with no configured queries gathers the scope and its neighbours, each series with its own PromQL', async () => {
  const { gatherCandidates, narrowTo, ScopeError } = await import('../../src/rca/gather.js');
  const { parseRcaConfig } = await import('../../src/rca/config.js');
  const ranged: string[] = [];
  const prom = {
    query: async (q: string): Promise<InstantSample[]> => {
      if (q === 'count by (job) (up)') return ['api', 'db', 'web'].map((job) => ({ labels: { job }, timestamp: 0, value: 1 }));
      if (q.startsWith('count by (__name__)')) return [{ labels: { __name__: 'up' }, timestamp: 0, value: 3 }];
      return [];
    },
    queryRange: async (q: string, start: number, end: number, step: number): Promise<RangeSeries[]> => {
      ranged.push(q);
      const n = Math.floor((end - start) / step) + 1;
      return [{ labels: {}, timestamps: Float64Array.from({ length: n }, (_, i) => start + i * step), values: new Float64Array(n).fill(1) }];
    },
  };
  const cfg = parseRcaConfig({ topology: { infer: false } });
  const g = await gatherCandidates(prom, cfg, { start: 0, end: 600, scope: { components: ['api'] }, edges: [{ caller: 'api', callee: 'db' }] });
  assert.deepEqual(g.components, ['api', 'db']);
  assert.deepEqual([...new Set(g.series.map((s) => s.component))], ['api', 'db'], 'web is neither in scope nor a neighbour: not queried');
  assert.equal(g.queries.db!.up, 'min(avg_over_time(up{job="db"}[5m]))');
  assert.ok(!ranged.some((q) => q.includes('job="web"')));
  await assert.rejects(gatherCandidates(prom, cfg, { start: 0, end: 600, scope: { components: ['nope'] }, edges: [] }), (e: Error) => e instanceof ScopeError && /known components: api, db, web/.test(e.message));
  assert.equal(narrowTo('sum by (service) (rate(x[1m]))', 'service', 'a"b'), '(sum by (service) (rate(x[1m]))) and on (service) label_replace(vector(1), "service", "a\\"b", "", "")');
});
