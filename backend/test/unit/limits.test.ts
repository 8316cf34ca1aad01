// The budgets' building blocks: the Prometheus gate (bounded concurrency, bounded queue, cancellation,
// background work first), webhook caps, per-feature body limits, and the config defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gate, LimitError, bodyLimit, checkWebhookCaps, limitsSchema } from '../../src/http/limits.js';

const defer = () => {
  let resolve!: () => void;
  const p = new Promise<void>((r) => (resolve = r));
  return { p, resolve };
};
const tick = () => new Promise((r) => setImmediate(r));

test('gate: at most `concurrency` run; the queue is bounded and refuses with 503 naming the limit', async () => {
  const g = new Gate(2, 2);
  const blockers = [defer(), defer(), defer(), defer()];
  let running = 0;
  let peak = 0;
  const job = (d: { p: Promise<void> }) => async () => {
    running++;
    peak = Math.max(peak, running);
    await d.p;
    running--;
  };
  const runs = blockers.map((d) => g.run(job(d)));
  await tick();
  assert.equal(g.inFlight, 2);
  assert.equal(g.queued, 2);
  await assert.rejects(g.run(async () => undefined), (e: unknown) => e instanceof LimitError && e.status === 503 && /limits\.prometheus\.queue/.test(e.message));
  for (const d of blockers) d.resolve();
  await Promise.all(runs);
  assert.equal(peak, 2);
  assert.equal(g.inFlight, 0);
});

test('gate: a cancelled waiter leaves the queue; background work is served before API requests', async () => {
  const g = new Gate(1, 10);
  const first = defer();
  const order: string[] = [];
  const head = g.run(() => first.p);
  const ctrl = new AbortController();
  const cancelled = g.run(async () => void order.push('cancelled'), ctrl.signal);
  const api = g.run(async () => void order.push('api'), new AbortController().signal);
  const bg = g.run(async () => void order.push('background'), undefined, true);
  await tick();
  assert.equal(g.queued, 3);
  ctrl.abort(new Error('client went away'));
  await assert.rejects(cancelled, /client went away/);
  assert.equal(g.queued, 2);
  first.resolve();
  await Promise.all([head, api, bg]);
  assert.deepEqual(order, ['background', 'api']);
});

test('webhook caps: alerts per payload 413, labels per alert and label size 422, each naming its limit', () => {
  const caps = limitsSchema.parse({ webhook: { alertsPerPayload: 3, labelsPerAlert: 4, labelBytes: 16 } }).webhook;
  const alert = (labels: Record<string, string>) => ({ labels, annotations: {} });
  const ok = { alerts: [alert({ a: '1' }), alert({ b: '2' })], commonLabels: { a: '1' } };
  assert.doesNotThrow(() => checkWebhookCaps(ok, caps));
  const err = (body: unknown): LimitError => {
    try {
      checkWebhookCaps(body, caps);
    } catch (e) {
      return e as LimitError;
    }
    assert.fail('no refusal');
  };
  const many = err({ alerts: Array.from({ length: 4 }, () => alert({})) });
  assert.deepEqual([many.status, /alertsPerPayload \(3\)/.test(many.message)], [413, true]);
  const labels = err({ alerts: [alert({ a: '1', b: '2', c: '3', d: '4', e: '5' })] });
  assert.deepEqual([labels.status, /alerts\[0\] has 5 labels.*labelsPerAlert/.test(labels.message)], [422, true]);
  const long = err({ alerts: [{ labels: { a: '1' }, annotations: { summary: 'x'.repeat(17) } }] });
  assert.deepEqual([long.status, /alerts\[0\]\.annotations\.summary.*labelBytes/.test(long.message)], [422, true]);
  assert.equal(err({ alerts: [], commonLabels: { ['k'.repeat(17)]: 'v' } }).status, 422);
  // Shape errors are the webhook schema's to report.
  assert.doesNotThrow(() => checkWebhookCaps({ alerts: 'nope' }, caps));
});

test('limits: defaults, per-feature body limits, and errors naming the field', () => {
  const d = limitsSchema.parse(undefined);
  assert.equal(d.queriesPerRequest, 50);
  assert.equal(d.maxDataPoints, 11_000);
  assert.equal(d.prometheus.concurrency, 8);
  assert.equal(bodyLimit(d, 'ds'), 1024 * 1024);
  assert.equal(bodyLimit(d, 'slo'), 5 * 1024 * 1024);
  assert.equal(bodyLimit(limitsSchema.parse({ bodyBytes: { default: 2048, slo: 4096 } }), 'slo'), 4096);
  assert.equal(bodyLimit(limitsSchema.parse({ bodyBytes: { default: 2048 } }), 'ds'), 2048);
  const bad = limitsSchema.safeParse({ queriesPerRequest: 0, webhook: { nope: 1 } });
  assert.equal(bad.success, false);
  const paths = bad.error!.issues.map((i) => i.path.join('.'));
  assert.ok(paths.includes('queriesPerRequest') && paths.includes('webhook'), JSON.stringify(paths));
});
