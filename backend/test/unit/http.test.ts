// The companion's HTTP surface: token check on /api/* (401/200, both header forms), open /healthz,
// /readyz (503 with the reason when Prometheus is down), /metrics content, JSON 404 and error handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '../../src/config/index.js';
import type { AppContext } from '../../src/context.js';
import { createApp } from '../../src/http/app.js';
import { tokenMatches, requestToken } from '../../src/http/auth.js';
import { registry } from '../../src/http/metrics.js';
import { PromClient } from '../../src/prom/client.js';
import { openStore } from '../../src/store/db.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function closedPort(): Promise<number> {
  const s = createServer();
  await listen(s);
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The real app on a loopback port, with a feature router that exercises params, errors and status codes. */
async function start(t: { after(fn: () => Promise<void>): void }, o: { promUrl: string; token?: string; disabled?: boolean }): Promise<string> {
  const config = loadConfig(undefined, {
    FORESIGHT_PROMETHEUS_URL: o.promUrl,
    ...(o.token ? { FORESIGHT_API_TOKEN: o.token } : {}),
    ...(o.disabled ? { FORESIGHT_AUTH_DISABLED: 'true' } : {}),
  });
  const store = openStore(':memory:');
  const ctx: AppContext = { config, prom: new PromClient({ url: config.prometheus.url, retries: 0, timeoutMs: 2000 }), store, log: pino({ level: 'silent' }), registry };
  const things = express.Router();
  things.get('/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  things.get('/fail/boom', () => {
    throw new Error('kaput');
  });
  things.post('/teapot', () => {
    throw Object.assign(new Error('short and stout'), { status: 418 });
  });
  const server = createServer(createApp(ctx, { things }));
  const url = await listen(server);
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    store.close();
  });
  return url;
}

test('token helpers: both header forms, constant-time match', () => {
  assert.equal(requestToken({ authorization: 'Bearer abc' }), 'abc');
  assert.equal(requestToken({ authorization: 'bearer  abc ' }), 'abc');
  assert.equal(requestToken({ 'x-foresight-token': 'xyz' }), 'xyz');
  assert.equal(requestToken({ authorization: 'Basic abc' }), undefined);
  assert.equal(tokenMatches('abc', 'abc'), true);
  assert.equal(tokenMatches('abd', 'abc'), false);
  assert.equal(tokenMatches('abcd', 'abc'), false);
  assert.equal(tokenMatches('', ''), false);
  assert.equal(tokenMatches(undefined, 'abc'), false);
});

test('/api/* needs the token; health and metrics are open', async (t) => {
  const url = await start(t, { promUrl: `http://127.0.0.1:${await closedPort()}`, token: 'sekret' });
  const bad: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong' }, { 'X-Foresight-Token': 'wrong' }, { Authorization: 'sekret' }];
  for (const headers of bad) {
    const r = await fetch(`${url}/api/info`, { headers });
    assert.equal(r.status, 401, JSON.stringify(headers));
    assert.match(((await r.json()) as { error: string }).error, /missing or invalid API token/);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="foresight"');
  }
  // Unknown API paths are also behind the token (no probing which features exist).
  assert.equal((await fetch(`${url}/api/nope`)).status, 401);

  const ok = await fetch(`${url}/api/info`, { headers: { Authorization: 'Bearer sekret' } });
  assert.equal(ok.status, 200);
  const info = (await ok.json()) as { version: string; prometheusUrl: string; uptimeSeconds: number; features: string[] };
  assert.match(info.version, /^\d+\.\d+\.\d+/);
  assert.match(info.prometheusUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(typeof info.uptimeSeconds, 'number');
  assert.deepEqual(info.features, ['things']);

  const viaHeader = await fetch(`${url}/api/things/42`, { headers: { 'X-Foresight-Token': 'sekret' } });
  assert.deepEqual(await viaHeader.json(), { id: '42' });
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.equal((await fetch(`${url}/metrics`)).status, 200);
});

test('JSON 404 for unknown API paths, JSON errors with their status', async (t) => {
  const url = await start(t, { promUrl: `http://127.0.0.1:${await closedPort()}`, token: 'k' });
  const h = { Authorization: 'Bearer k' };
  const nf = await fetch(`${url}/api/nothing/here`, { headers: h });
  assert.equal(nf.status, 404);
  assert.deepEqual(await nf.json(), { error: 'no API route GET /api/nothing/here' });
  const boom = await fetch(`${url}/api/things/fail/boom`, { headers: h });
  assert.equal(boom.status, 500);
  assert.deepEqual(await boom.json(), { error: 'kaput' });
  const tea = await fetch(`${url}/api/things/teapot`, { method: 'POST', headers: h });
  assert.equal(tea.status, 418);
  assert.deepEqual(await tea.json(), { error: 'short and stout' });
  assert.equal((await fetch(`${url}/elsewhere`)).status, 404);
});

test('auth.disabled lets /api through without a token', async (t) => {
  const url = await start(t, { promUrl: `http://127.0.0.1:${await closedPort()}`, disabled: true });
  assert.equal((await fetch(`${url}/api/info`)).status, 200);
});

test('/readyz: 503 with the reason while Prometheus is down, 200 once it answers', async (t) => {
  const port = await closedPort();
  const url = await start(t, { promUrl: `http://127.0.0.1:${port}` });
  const down = await fetch(`${url}/readyz`);
  assert.equal(down.status, 503);
  const body = (await down.json()) as { reason: string };
  assert.match(body.reason, new RegExp(`prometheus not ready: .*127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
  assert.equal((await fetch(`${url}/healthz`)).status, 200); // alive regardless

  // Now something answers /-/ready on that very port (Prometheus' readiness endpoint).
  const prom = createServer((req, res) => {
    res.writeHead(req.url === '/-/ready' ? 200 : 404).end('Prometheus Server is Ready.\n');
  });
  await new Promise<void>((r) => prom.listen(port, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => prom.close(() => r())));
  const up = await fetch(`${url}/readyz`);
  assert.equal(up.status, 200);
  assert.equal(((await up.json()) as { status: string }).status, 'ready');
  // Down again: the reason says since when (issue 12 finding 7: staleness).
  await new Promise<void>((r) => (prom.closeAllConnections(), prom.close(() => r())));
  const again = await fetch(`${url}/readyz`);
  assert.equal(again.status, 503);
  const b2 = (await again.json()) as { reason: string; lastReadyAt: string | null };
  assert.match(b2.reason, /\(as of \d\d:\d\d, Prometheus unreachable\)$/);
  assert.ok(b2.lastReadyAt && Date.parse(b2.lastReadyAt) > 0);
});

test('/metrics: process metrics, request counters by route pattern and code, durations, errors', async (t) => {
  const url = await start(t, { promUrl: `http://127.0.0.1:${await closedPort()}`, token: 'k' });
  await fetch(`${url}/api/things/1`, { headers: { Authorization: 'Bearer k' } });
  await fetch(`${url}/api/things/2`, { headers: { Authorization: 'Bearer k' } });
  await fetch(`${url}/api/things/fail/boom`, { headers: { Authorization: 'Bearer k' } });
  await fetch(`${url}/api/info`);
  const r = await fetch(`${url}/metrics`);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await r.text();
  assert.match(text, /^process_cpu_seconds_total /m);
  assert.match(text, /^process_resident_memory_bytes /m);
  assert.match(text, /^nodejs_eventloop_lag_seconds /m);
  // The pattern, not the raw URL: /api/things/1 and /2 count together.
  assert.match(text, /^foresight_http_requests_total\{method="GET",route="\/api\/things\/:id",code="200"\} ([2-9]|\d\d+)$/m);
  assert.doesNotMatch(text, /route="\/api\/things\/1"/);
  assert.match(text, /^foresight_http_requests_total\{method="GET",route="unmatched",code="401"\} [1-9]/m);
  assert.match(text, /^foresight_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/things\/:id"\} /m);
  assert.match(text, /^foresight_http_errors_total\{route="\/api\/things\/fail\/boom"\} [1-9]/m);
  assert.match(text, /^# TYPE foresight_prometheus_requests_total counter$/m);
});

test('routeLabel: mount prefix + pattern, bounded for unmatched paths', async () => {
  const { routeLabel } = await import('../../src/http/observe.js');
  assert.equal(routeLabel('/api/slo/abc?x=1', '/:id'), '/api/slo/:id');
  assert.equal(routeLabel('/healthz', '/healthz'), '/healthz');
  assert.equal(routeLabel('/api/slo', '/'), '/api/slo');
  assert.equal(routeLabel('/', '/'), '/');
  assert.equal(routeLabel('/random/path/123', undefined), 'unmatched');
});
