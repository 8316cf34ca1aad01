// The companion's datasource router over real HTTP: validation, per-refId provider errors, options.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { anomaliesFrame, dsQueryResponseSchema, sloStatusFrames, type Frame } from '@foresight/contract';
import { datasourceRouter } from '../../src/api/datasource.js';
import type { AppContext } from '../../src/context.js';

// The router only uses ctx.log itself and passes ctx through to providers: a partial context is enough here.
const ctx = { log: pino({ level: 'silent' }) } as unknown as AppContext;
const seen: unknown[] = [];
const app = express();
app.use(
  '/api/ds',
  datasourceRouter(ctx, {
    sloStatus: async (q, range) => {
      seen.push({ q, range });
      return sloStatusFrames([
        {
          id: q.slo ?? 'all',
          service: 's',
          name: 'n',
          objective: 0.99,
          sli: 0.995,
          budgetRemaining: 0.5,
          burnRates: [],
          secondsToExhaustion: null,
          window: '30d',
        },
      ]);
    },
    anomalies: async () => {
      throw new Error('prometheus unreachable');
    },
    // Deliberately wrong: a frame whose fields have unequal lengths.
    healthScore: async () => [
      {
        name: 'bad',
        fields: [
          { name: 'a', type: 'number', values: [1] },
          { name: 'b', type: 'number', values: [] },
        ],
      } satisfies Frame,
    ],
    forecast: async () => [anomaliesFrame([])],
    options: async (kind) => (kind === 'slos' ? [{ value: 'checkout-availability', text: 'Checkout' }] : []),
  })
);
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/ds`;
after(() => new Promise<void>((r) => server.close(() => r())));

const post = (body: unknown) =>
  fetch(`${base}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('answers each refId on its own: frames, missing provider, failing provider, invalid frames', async () => {
  const res = await post({
    range: { from: 1000, to: 2000 },
    maxDataPoints: 100,
    queries: [
      { refId: 'A', queryType: 'sloStatus', slo: 'checkout' },
      { refId: 'B', queryType: 'rootCause' },
      { refId: 'C', queryType: 'anomalies' },
      { refId: 'D', queryType: 'healthScore' },
      { refId: 'E', queryType: 'forecast', target: 'disk' },
      { refId: 'H', queryType: 'sloStatus', hide: true },
    ],
  });
  assert.equal(res.status, 200);
  const body = dsQueryResponseSchema.parse(await res.json());
  const a = body.results.A;
  assert.ok(a && 'frames' in a);
  assert.equal(a.frames[0]?.refId, 'A');
  assert.deepEqual(a.frames[0]?.fields.find((f) => f.name === 'id')?.values, ['checkout']);
  assert.deepEqual(body.results.B, { error: 'query type rootCause is not available yet' });
  assert.deepEqual(body.results.C, { error: 'anomalies failed: prometheus unreachable' });
  assert.match(
    (body.results.D as { error: string }).error,
    /healthScore provider returned an invalid frame 0 \(bad\): fields\.1\.values/
  );
  assert.ok(body.results.E && 'frames' in body.results.E);
  assert.equal(body.results.H, undefined, 'hidden queries are not run');
  assert.deepEqual(seen, [
    { q: { refId: 'A', queryType: 'sloStatus', slo: 'checkout' }, range: { from: 1000, to: 2000, maxDataPoints: 100 } },
  ]);
});

test('a bad body is a 400 naming the field', async () => {
  const res = await post({
    range: { from: 1, to: 2 },
    queries: [{ refId: 'A', queryType: 'forecast', horizon: 'soon' }],
  });
  assert.equal(res.status, 400);
  const { error } = (await res.json()) as { error: string };
  assert.match(error, /queries\.0\.target: Required/);
  assert.match(error, /queries\.0\.horizon: a duration/);
  const noRange = await post({ queries: [] });
  assert.equal(noRange.status, 400);
  assert.match(((await noRange.json()) as { error: string }).error, /range: Required/);
});

test('options: known kinds answer, unknown kinds are 404', async () => {
  assert.deepEqual(await (await fetch(`${base}/options/slos`)).json(), {
    options: [{ value: 'checkout-availability', text: 'Checkout' }],
  });
  assert.deepEqual(await (await fetch(`${base}/options/services`)).json(), { options: [] });
  const res = await fetch(`${base}/options/planets`);
  assert.equal(res.status, 404);
  assert.match(((await res.json()) as { error: string }).error, /unknown option kind 'planets'/);
});
