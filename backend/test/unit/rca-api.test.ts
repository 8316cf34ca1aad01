import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { openStore } from '../../src/store/db.js';
import { rcaRouter, knowledgeBaseFor } from '../../src/api/rca.js';
import { healthRouter, healthServiceFor } from '../../src/api/health.js';
import { PromClient } from '../../src/prom/client.js';
import { freePort } from '../../src/stack/index.js';
import { rootCauseProvider } from '../../src/rca/ds-provider.js';
import { decodeRootCause, frameSchema } from '@foresight/contract';


/** A free port nobody listens on: every query fails like an unreachable Prometheus. */
const unreachable = new PromClient({ url: `http://127.0.0.1:${await freePort()}`, retries: 0, timeoutMs: 2000 });

const store = openStore(':memory:');
const ctx = { config: { rca: { stepSeconds: 15 } }, prom: unreachable, store };
const app = express();
app.use(express.json());
app.use('/api/rca', rcaRouter(ctx));
app.use('/api/health', healthRouter(ctx));
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(async () => {
  await new Promise((r) => server.close(r));
  store.close();
});

const post = (path: string, body: unknown) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('POST /investigations validates the body and names the bad field', async () => {
  let r = await post('/api/rca/investigations', { from: 1 });
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: string }).error, /body\.incidentTime: expected a unix time \(s or ms\) or an ISO date/);
  r = await post('/api/rca/investigations', { incidentTime: 'last tuesday' });
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: string }).error, /'last tuesday' is neither a unix time nor an ISO date/);
  r = await post('/api/rca/investigations', { incidentTime: 1000, scope: { services: ['x'] } });
  assert.equal(r.status, 400);
  // An unreachable Prometheus: no data at all is a clear 422, not a ranking.
  r = await post('/api/rca/investigations', { incidentTime: 1_700_000_000 });
  assert.equal(r.status, 422);
  assert.match(((await r.json()) as { error: string }).error, /no series for any component .*all 1 queries failed, e\.g\. discovery: every query failed, .*ECONNREFUSED/);
});

test('incidents are searchable by symptom and an operator can confirm the cause', async () => {
  const kb = knowledgeBaseFor(ctx);
  const id = kb.save({ incidentTime: 100, title: 'payments down', symptoms: ['up', 'payments:up'], topComponent: 'payments', result: { candidates: [] } });
  let r = await fetch(`${base}/api/rca/incidents?symptom=payments:up`);
  assert.deepEqual(((await r.json()) as { incidents: { id: string }[] }).incidents.map((x) => x.id), [id]);
  r = await fetch(`${base}/api/rca/incidents?limit=0`);
  assert.equal(r.status, 400);
  r = await post(`/api/rca/incidents/${id}/confirm`, { component: 'payments', metric: 'up', resolution: 'failed over the database' });
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { confirmed: { component: string } }).confirmed.component, 'payments');
  r = await post('/api/rca/incidents/nope/confirm', { component: 'x' });
  assert.equal(r.status, 404);
  r = await post(`/api/rca/incidents/${id}/confirm`, {});
  assert.equal(r.status, 400);
  r = await fetch(`${base}/api/rca/incidents/${id}`);
  assert.equal(((await r.json()) as { confirmed: { resolution: string } }).confirmed.resolution, 'failed over the database');
  r = await fetch(`${base}/api/rca/runbooks`);
  assert.ok(((await r.json()) as { runbooks: unknown[] }).runbooks.length >= 6);
});

test('health API: history validation, and scoring against an unreachable Prometheus fails loudly', async () => {
  let r = await fetch(`${base}/api/health/components/x/history?hours=-1`);
  assert.equal(r.status, 400);
  r = await fetch(`${base}/api/health/components/x/history`);
  assert.deepEqual(await r.json(), { component: 'x', history: [] });
  await assert.rejects(healthServiceFor(ctx).runOnce(), /ECONNREFUSED/);
});

test('the rootCause datasource query serves a stored incident as contract frames', async () => {
  const kb = knowledgeBaseFor(ctx);
  const id = kb.save({
    incidentTime: 5000,
    title: 'db slow',
    symptoms: ['latency_p95_seconds'],
    topComponent: 'db',
    result: {
      candidates: [{ component: 'db', metric: 'latency_p95_seconds', score: 1, onset: 4990, evidence: 'latency rose' }],
      timeline: [{ time: 4990, component: 'db', kind: 'anomaly', event: 'latency_p95_seconds turned abnormal' }],
    },
  });
  const frames = await rootCauseProvider({ refId: 'A', queryType: 'rootCause', incident: id }, { from: 0, to: 1e13 }, ctx);
  for (const f of frames) assert.ok(frameSchema.safeParse(f).success);
  const back = decodeRootCause(frames)!;
  assert.equal(back.incident, id);
  assert.equal(back.incidentTime, 5_000_000, 'the incident time travels with the candidates (unix ms)');
  assert.deepEqual(back.candidates.map((c) => [c.component, c.onset]), [['db', 4_990_000]]);
  assert.equal(back.timeline[0]!.time, 4_990_000);
  // Without an id: the latest incident inside the range, or nothing.
  const inRange = decodeRootCause(await rootCauseProvider({ refId: 'A', queryType: 'rootCause' }, { from: 4_000_000, to: 6_000_000 }, ctx));
  assert.equal(inRange?.incident, id);
  const none = decodeRootCause(await rootCauseProvider({ refId: 'A', queryType: 'rootCause' }, { from: 0, to: 1000 }, ctx));
  assert.equal(none?.candidates.length ?? 0, 0);
  await assert.rejects(rootCauseProvider({ refId: 'A', queryType: 'rootCause', incident: 'nope' }, { from: 0, to: 1 }, ctx), /no incident with id 'nope'/);
});
