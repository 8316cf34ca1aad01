// The workload's HTTP API: /metrics parses back with HELP/TYPE and rising counters, the fault API
// validates its input (400 naming the field), records ground truth and ends faults early.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkloadServer } from '../../src/demo/server.js';
import { parseExposition, renderExposition, type MetricFamily } from '../../src/demo/exposition.js';

const server = await startWorkloadServer({ port: 0, seed: 5, timeScale: 1440 });
after(() => server.stop());

async function scrape(): Promise<ReturnType<typeof parseExposition>> {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

const sum = (p: ReturnType<typeof parseExposition>, name: string, labels: Record<string, string> = {}): number =>
  p.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

test('GET /metrics: every family has HELP and TYPE, and the shared metric names are there', async () => {
  const p = await scrape();
  const expected: Record<string, string> = {
    http_requests_total: 'counter',
    http_request_duration_seconds: 'histogram',
    probe_success: 'gauge',
    container_cpu_usage_seconds_total: 'counter',
    container_memory_working_set_bytes: 'gauge',
    container_spec_memory_limit_bytes: 'gauge',
    node_filesystem_avail_bytes: 'gauge',
    node_filesystem_size_bytes: 'gauge',
    db_client_connections_usage: 'gauge',
    db_client_connections_max: 'gauge',
    rabbitmq_queue_messages_ready: 'gauge',
    traces_service_graph_request_total: 'counter',
    traces_service_graph_request_failed_total: 'counter',
  };
  for (const [name, type] of Object.entries(expected)) {
    assert.equal(p.types.get(name), type, name);
    assert.ok((p.help.get(name) ?? '').length > 5, `HELP for ${name}`);
  }
  for (const s of p.samples) {
    const family = s.name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(p.types.has(s.name) || p.types.get(family) === 'histogram', `sample ${s.name} has no TYPE`);
  }
  const les = p.samples.filter((s) => s.name === 'http_request_duration_seconds_bucket' && s.labels.service === 'frontend').map((s) => s.labels.le);
  assert.deepEqual(les, ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
  assert.deepEqual(
    p.samples.filter((s) => s.name === 'traces_service_graph_request_total').map((s) => `${s.labels.client}->${s.labels.server}`).sort(),
    ['cart->db', 'catalogue->db', 'checkout->payments', 'checkout->queue', 'frontend->cart', 'frontend->catalogue', 'frontend->checkout', 'payments->db'],
  );
});

test('counters rise in real time between scrapes', async () => {
  const a = await scrape();
  await new Promise((r) => setTimeout(r, 300));
  const b = await scrape();
  assert.ok(sum(b, 'http_requests_total') > sum(a, 'http_requests_total'));
  assert.ok(sum(b, 'traces_service_graph_request_total') > sum(a, 'traces_service_graph_request_total'));
});

test('POST /faults validates, and names the bad field', async () => {
  const post = (body: string): Promise<Response> => fetch(`${server.url}/faults`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const cases: [string, string][] = [
    ['{"type":"meteor","service":"db","durationSeconds":10}', 'type'],
    ['{"type":"error_burst","service":"nope","durationSeconds":10}', 'service'],
    ['{"type":"error_burst","service":"db","durationSeconds":-1}', 'durationSeconds'],
    ['{"type":"error_burst","service":"db","durationSeconds":10,"magnitude":2}', 'magnitude'],
    ['{"type":"disk_fill","service":"cart","durationSeconds":10}', 'service'],
    ['not json', '(body)'],
  ];
  for (const [body, field] of cases) {
    const res = await post(body);
    assert.equal(res.status, 400, body);
    const j = (await res.json()) as { error: string; field: string };
    assert.equal(j.field, field, body);
    assert.ok(j.error.includes(field), j.error);
  }
});

test('fault API: inject, list ground truth, end early; the fault shows in /metrics', async () => {
  const res = await fetch(`${server.url}/faults`, {
    method: 'POST',
    body: JSON.stringify({ type: 'dependency_outage', service: 'queue', durationSeconds: 600 }),
  });
  assert.equal(res.status, 201);
  const f = (await res.json()) as { id: string; type: string; service: string; start: string; end: string; magnitude: number };
  assert.equal(f.type, 'dependency_outage');
  assert.equal(Date.parse(f.end) - Date.parse(f.start), 600_000);
  const p = await scrape();
  assert.equal(sum(p, 'probe_success', { service: 'queue' }), 0);
  assert.equal(sum(p, 'probe_success', { service: 'db' }), 1);
  const list = (await (await fetch(`${server.url}/faults`)).json()) as { id: string }[];
  assert.ok(list.some((x) => x.id === f.id));
  const del = await fetch(`${server.url}/faults/${f.id}`, { method: 'DELETE' });
  assert.equal(del.status, 200);
  const ended = (await del.json()) as { end: string };
  assert.ok(Date.parse(ended.end) < Date.parse(f.end));
  assert.equal(sum(await scrape(), 'probe_success', { service: 'queue' }), 1);
  assert.equal((await fetch(`${server.url}/faults/nope`, { method: 'DELETE' })).status, 404);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${server.url}/elsewhere`)).status, 404);
});

test('exposition render/parse round-trips escapes, +Inf and NaN', () => {
  const fams: MetricFamily[] = [
    { name: 'x_total', help: 'a "help"\nline', type: 'counter', samples: [{ name: 'x_total', labels: { a: 'q"uo\\te\nn' }, value: 3 }] },
    { name: 'y', help: 'h', type: 'gauge', samples: [{ name: 'y', labels: {}, value: Infinity }, { name: 'y', labels: { b: '' }, value: NaN }] },
  ];
  const p = parseExposition(renderExposition(fams));
  assert.deepEqual(p.samples[0], fams[0].samples[0]);
  assert.equal(p.samples[1].value, Infinity);
  assert.ok(Number.isNaN(p.samples[2].value));
  assert.equal(p.types.get('x_total'), 'counter');
  assert.throws(() => parseExposition('ok 1\nbad{ 2\n'), /line 2/);
});
