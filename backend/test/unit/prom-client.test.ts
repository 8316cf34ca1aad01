// The Prometheus client's pure request building (URLs, form bodies, headers), range splitting and
// stitching, backoff; plus retry/error behaviour against a small local HTTP server that answers like
// Prometheus does for errors (5xx, 429, bad_data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backoffMs, build, formatTime, parseValue, splitRange, stitchSeries } from '../../src/prom/request.js';
import { PromApiError, PromClient } from '../../src/prom/client.js';
import { registry } from '../../src/http/metrics.js';

const o = { url: 'http://prom.example:9090/prefix/' };

test('query: POST form to /api/v1/query with the time formatted to ms', () => {
  const r = build.query(o, 'sum(rate(x{a="b"}[5m])) by (job)', 1700000000.1234567);
  assert.equal(r.method, 'POST');
  assert.equal(r.url, 'http://prom.example:9090/prefix/api/v1/query');
  assert.equal(r.headers['Content-Type'], 'application/x-www-form-urlencoded');
  const p = new URLSearchParams(r.body);
  assert.equal(p.get('query'), 'sum(rate(x{a="b"}[5m])) by (job)');
  assert.equal(p.get('time'), '1700000000.123');
  assert.equal(new URLSearchParams(build.query(o, 'up').body).has('time'), false);
});

test('a long PromQL goes in the body, never the URL', () => {
  const expr = `sum(${'x + '.repeat(5000)}1)`;
  const r = build.query(o, expr);
  assert.ok(!r.url.includes('?'));
  assert.equal(new URLSearchParams(r.body).get('query'), expr);
});

test('query_range, series (repeated match[]), labels, label values, rules, alerts, targets, ready, reload', () => {
  const qr = new URLSearchParams(build.queryRange(o, 'up', 100, 200.5, 15).body);
  assert.deepEqual([...qr], [['query', 'up'], ['start', '100'], ['end', '200.5'], ['step', '15']]);
  const s = build.series(o, ['up', 'probe_success{service="db"}'], 10, 20);
  assert.equal(s.url, 'http://prom.example:9090/prefix/api/v1/series');
  assert.deepEqual(new URLSearchParams(s.body).getAll('match[]'), ['up', 'probe_success{service="db"}']);
  assert.equal(new URLSearchParams(s.body).get('start'), '10');
  assert.equal(build.labelNames(o).url, 'http://prom.example:9090/prefix/api/v1/labels');
  assert.equal(build.labelValues(o, 'a/b').url, 'http://prom.example:9090/prefix/api/v1/label/a%2Fb/values');
  assert.equal(build.rules(o).method, 'GET');
  assert.equal(build.rules(o).url, 'http://prom.example:9090/prefix/api/v1/rules');
  assert.equal(build.alerts(o).url, 'http://prom.example:9090/prefix/api/v1/alerts');
  assert.equal(build.targets(o).url, 'http://prom.example:9090/prefix/api/v1/targets');
  assert.equal(build.ready(o).url, 'http://prom.example:9090/prefix/-/ready');
  assert.deepEqual([build.reload(o).method, build.reload(o).url], ['POST', 'http://prom.example:9090/prefix/-/reload']);
});

test('headers: bearer, basic, tenant, extra headers (auth and tenant win over extras)', () => {
  const b = build.query({ ...o, bearerToken: 'tok', tenant: 'team-a', headers: { 'X-Extra': '1', Authorization: 'stray' } }, 'up').headers;
  assert.equal(b.Authorization, 'Bearer tok');
  assert.equal(b['X-Scope-OrgID'], 'team-a');
  assert.equal(b['X-Extra'], '1');
  const basic = build.rules({ ...o, basicAuth: { username: 'u', password: 'p:w' } }).headers;
  assert.equal(basic.Authorization, `Basic ${Buffer.from('u:p:w').toString('base64')}`);
  assert.equal(basic['X-Scope-OrgID'], undefined);
  assert.equal(build.rules(o).headers.Authorization, undefined);
});

test('formatTime rejects non-finite times', () => {
  assert.throws(() => formatTime(NaN), /finite/);
  assert.equal(formatTime(0.1 + 0.2), '0.3');
});

/** Every timestamp the chunks ask for, as Prometheus would evaluate them (start + k·step <= end). */
function points(chunks: { start: number; end: number }[], step: number): number[] {
  const out: number[] = [];
  for (const c of chunks) for (let k = 0; Math.round(c.start * 1000) + k * step * 1000 <= Math.round(c.end * 1000); k++) out.push(Math.round(c.start * 1000) + k * step * 1000);
  return out;
}

test('splitRange: short ranges stay one request', () => {
  assert.deepEqual(splitRange(1000, 2000, 10), [{ start: 1000, end: 2000 }]);
  assert.deepEqual(splitRange(0, 10999 * 15, 15), [{ start: 0, end: 10999 * 15 }]); // exactly 11 000 points
});

test('splitRange: long ranges split at <= 11 000 points, same grid, no duplicate or missing timestamps', () => {
  for (const [start, end, step] of [
    [1_700_000_000, 1_700_000_000 + 30 * 86400, 15],
    [1_700_000_000.5, 1_700_000_000.5 + 11_000 * 15, 15], // 11 001 points: one spills over
    [100, 100 + 7 * 86400 + 3, 1],
    [0.25, 50_000.25, 0.5],
  ] as const) {
    const chunks = splitRange(start, end, step);
    assert.ok(chunks.length > 1, `${start}..${end} step ${step} should split`);
    const pts = points(chunks, step);
    for (const c of chunks) assert.ok(points([c], step).length <= 11_000);
    const expected = points([{ start, end }], step);
    assert.equal(pts.length, expected.length);
    assert.deepEqual(pts, expected);
  }
  assert.equal(splitRange(0, 11_000 * 15, 15).length, 2);
  assert.equal(splitRange(0, 99, 1, 10).length, 10);
});

test('splitRange: bad arguments are errors', () => {
  assert.throws(() => splitRange(10, 0, 1), /end \(0\) is before start \(10\)/);
  assert.throws(() => splitRange(0, 10, 0), /step must be > 0/);
});

test('stitchSeries joins per label set (order-independent) and never repeats a timestamp', () => {
  const a = { labels: { job: 'x', i: '1' }, timestamps: Float64Array.of(1, 2, 3), values: Float64Array.of(10, 20, 30) };
  const b = { labels: { i: '1', job: 'x' }, timestamps: Float64Array.of(3, 4), values: Float64Array.of(31, 40) };
  const c = { labels: { job: 'y' }, timestamps: Float64Array.of(4), values: Float64Array.of(7) };
  const out = stitchSeries([[a], [b, c]]);
  assert.equal(out.length, 2);
  assert.deepEqual([...out[0]!.timestamps], [1, 2, 3, 4]);
  assert.deepEqual([...out[0]!.values], [10, 20, 30, 40]);
  assert.deepEqual(out[1]!.labels, { job: 'y' });
});

test('parseValue handles Prometheus special values; backoff grows, is capped and jittered', () => {
  assert.deepEqual(['1.5', 'NaN', '+Inf', '-Inf'].map(parseValue), [1.5, NaN, Infinity, -Infinity]);
  assert.equal(backoffMs(0, 200, 5000, () => 1), 200);
  assert.equal(backoffMs(3, 200, 5000, () => 1), 1600);
  assert.equal(backoffMs(10, 200, 5000, () => 1), 5000);
  assert.equal(backoffMs(3, 200, 5000, () => 0.5), 800);
});

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
async function fakeProm(t: { after(fn: () => Promise<void>): void }, handler: Handler): Promise<{ url: string; requests: { url: string; body: string; headers: IncomingMessage['headers'] }[] }> {
  const requests: { url: string; body: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', body, headers: req.headers });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}
const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
};

test('retries 5xx and 429 with backoff, then succeeds; sends auth and tenant', async (t) => {
  let n = 0;
  const p = await fakeProm(t, (_req, _body, res) => {
    n++;
    if (n === 1) return json(res, 503, { status: 'error', errorType: 'unavailable', error: 'busy' });
    if (n === 2) return json(res, 429, { status: 'error', errorType: 'too_many', error: 'slow down' });
    json(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: { job: 'a' }, value: [1700000000, '+Inf'] }] } });
  });
  const c = new PromClient({ url: p.url, retries: 2, retryBaseMs: 1, bearerToken: 'abc', tenant: 't1' });
  const r = await c.query('up');
  assert.deepEqual(r, [{ labels: { job: 'a' }, timestamp: 1700000000, value: Infinity }]);
  assert.equal(p.requests.length, 3);
  assert.equal(p.requests[0]!.headers.authorization, 'Bearer abc');
  assert.equal(p.requests[0]!.headers['x-scope-orgid'], 't1');
  const metrics = await registry.getSingleMetricAsString('foresight_prometheus_requests_total');
  assert.match(metrics, /foresight_prometheus_requests_total\{endpoint="query",outcome="http_5xx"\} [1-9]/);
  assert.match(metrics, /foresight_prometheus_requests_total\{endpoint="query",outcome="success"\} [1-9]/);
});

test('gives up after the retries, with the last error', async (t) => {
  const p = await fakeProm(t, (_req, _body, res) => json(res, 502, { status: 'error', errorType: 'bad_gateway', error: 'down' }));
  const c = new PromClient({ url: p.url, retries: 2, retryBaseMs: 1 });
  await assert.rejects(c.labelNames(), (e: PromApiError) => e.status === 502 && e.errorType === 'bad_gateway' && /labels: bad_gateway: down \(HTTP 502\)/.test(e.message));
  assert.equal(p.requests.length, 3);
});

test('bad PromQL (400 bad_data) is not retried and carries errorType and error text', async (t) => {
  const p = await fakeProm(t, (_req, _body, res) => json(res, 400, { status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected end of input' }));
  const c = new PromClient({ url: p.url, retries: 3, retryBaseMs: 1 });
  await assert.rejects(c.query('sum('), (e: PromApiError) => e instanceof PromApiError && e.errorType === 'bad_data' && e.status === 400 && e.message.includes('parse error: unexpected end of input'));
  assert.equal(p.requests.length, 1);
});

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('network errors are retried, then reported with the URL', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const c = new PromClient({ url, retries: 1, retryBaseMs: 1 });
  await assert.rejects(c.rules(), (e: PromApiError) => e.errorType === 'network' && e.message.includes(url) && /ECONNREFUSED/.test(e.message));
  assert.deepEqual(await c.readiness().then((r) => r.ready), false);
});

test('a slow answer times out (AbortController)', async (t) => {
  const p = await fakeProm(t, (_req, _body, res) => setTimeout(() => json(res, 200, { status: 'success', data: [] }), 500));
  const c = new PromClient({ url: p.url, retries: 0, timeoutMs: 50 });
  await assert.rejects(c.labelNames(), (e: PromApiError) => e.errorType === 'timeout' && /timed out after 50 ms/.test(e.message));
});

test('queryRange splits a long range into several requests and stitches them', async (t) => {
  // Answers like Prometheus: one point per step for the requested [start, end], value = timestamp.
  const p = await fakeProm(t, (_req, body, res) => {
    const q = new URLSearchParams(body);
    const [s, e, st] = ['start', 'end', 'step'].map((k) => Number(q.get(k)));
    const values: [number, string][] = [];
    for (let x = s!; x <= e!; x += st!) values.push([x, String(x)]);
    if (values.length > 11_000) return json(res, 400, { status: 'error', errorType: 'bad_data', error: 'exceeded maximum resolution of 11,000 points per timeseries' });
    json(res, 200, { status: 'success', data: { resultType: 'matrix', result: [{ metric: { job: 'x' }, values }] } });
  });
  const c = new PromClient({ url: p.url });
  const r = await c.queryRange('up', 0, 30_000, 1);
  assert.equal(p.requests.length, 3);
  assert.equal(r.length, 1);
  assert.equal(r[0]!.timestamps.length, 30_001);
  for (let i = 0; i < r[0]!.timestamps.length; i++) assert.equal(r[0]!.timestamps[i], i);
  assert.deepEqual(r[0]!.values.subarray(0, 3), Float64Array.of(0, 1, 2));
});

test('a constructor with a non-http URL throws', () => {
  assert.throws(() => new PromClient({ url: 'localhost:9090' }), /not an http\(s\) URL/);
});
