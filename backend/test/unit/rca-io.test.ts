import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/db.js';
import { fileURLToPath } from 'node:url';
import { loadRunbooks, matchRunbooks, parseRunbook, runbookForExpr } from '../../src/rca/runbooks.js';
import { KnowledgeBase } from '../../src/rca/knowledge-base.js';
import { neighbourhood } from '../../src/rca/topology.js';
import { parseRcaConfig } from '../../src/rca/config.js';
import { requestFromAlerts, requestFromAnomalies } from '../../src/rca/from-alerts.js';


const RUNBOOKS = fileURLToPath(new URL('../../../runbooks', import.meta.url));

test('the runbook library parses and the cause\'s runbook beats the symptoms\'', async () => {
  const books = await loadRunbooks(RUNBOOKS);
  assert.ok(books.length >= 6, `found ${books.length}`);
  for (const id of ['high-error-rate', 'high-latency', 'memory-leak', 'disk-filling', 'dependency-down', 'traffic-surge']) {
    assert.ok(books.some((b) => b.id === id), id);
  }
  const outage = matchRunbooks(books, [
    { component: 'payments', metric: 'up', score: 1, evidence: '' },
    { component: 'payments', metric: 'error_ratio', score: 0.9, evidence: '' },
    { component: 'checkout', metric: 'error_ratio', score: 0.4, evidence: '' },
  ]);
  assert.equal(outage[0]!.id, 'dependency-down');
  assert.match(outage[0]!.reason, /up on payments/);
  const leak = matchRunbooks(books, [{ component: 'cart', metric: 'memory_usage_ratio', score: 1, evidence: '' }, { component: 'cart', metric: 'latency_p95_seconds', score: 0.3, evidence: '' }]);
  assert.equal(leak[0]!.id, 'memory-leak');
  // Errors with every component still up: the error-rate runbook, not the outage one (both used to claim
  // error_ratio, and the tie went to the alphabetically first file).
  const errors = matchRunbooks(books, [
    { component: 'checkout', metric: 'error_ratio', score: 1, evidence: '' },
    { component: 'frontend', metric: 'error_ratio', score: 0.5, evidence: '' },
  ]);
  assert.equal(errors[0]!.id, 'high-error-rate', JSON.stringify(errors));
  assert.ok(!errors.some((m) => m.id === 'dependency-down'), JSON.stringify(errors));
  const probe = matchRunbooks(books, [{ component: 'payments', metric: 'probe_success', score: 1, evidence: '' }]);
  assert.equal(probe[0]!.id, 'dependency-down');
  assert.deepEqual(matchRunbooks(books, []), []);
});

test('a malformed runbook is rejected naming the file and field', () => {
  assert.throws(() => parseRunbook('# no front matter', 'x.md'), /x\.md: no YAML front matter/);
  assert.throws(() => parseRunbook('---\ntitle: t\nsymptoms: []\nmetrics: [a]\n---\n', 'y.md'), /y\.md: symptoms: /);
  assert.throws(() => parseRunbook('---\ntitle: t\nsymptoms: [a]\nmetrics: ["("]\n---\n', 'z.md'), /z\.md: metrics\[0\] '\(' is not a valid regular expression/);
});

test('knowledge base: save, search by symptom, confirm, and confirmed causes become priors', () => {
  const store = openStore(':memory:');
  try {
    const kb = new KnowledgeBase(store);
    const a = kb.save({ incidentTime: 1000, title: 'checkout errors', symptoms: ['error_ratio', 'checkout:error_ratio', 'payments:up'], topComponent: 'checkout', topMetric: 'error_ratio', result: {} });
    kb.save({ incidentTime: 2000, title: 'slow catalogue', symptoms: ['latency_p95_seconds', 'catalogue:latency_p95_seconds'], topComponent: 'catalogue', result: {} });
    assert.deepEqual(kb.search({ symptom: 'error_ratio' }).map((x) => x.id), [a]);
    assert.equal(kb.search().length, 2);
    assert.equal(kb.search({ symptom: 'LATENCY catalogue' }).length, 1);
    assert.equal(kb.search({ symptom: '%' }).length, 0, 'LIKE wildcards are escaped');
    assert.deepEqual(kb.priors(['error_ratio']), {}, 'no confirmed incidents yet: neutral');
    kb.confirm(a, { component: 'payments', metric: 'up', resolution: 'restarted payments' });
    assert.equal(kb.get(a)!.confirmed!.component, 'payments');
    assert.equal(kb.search({ symptom: 'restarted' })[0]!.id, a);
    const p = kb.priors(['error_ratio']);
    assert.equal(p.payments, 2);
    assert.equal(p['payments/up'], 2);
    assert.deepEqual(kb.priors(['queue_depth']), {});
    assert.throws(() => kb.confirm('nope', { component: 'x' }), /no incident with id 'nope'/);
    // Migrations are idempotent: a second KnowledgeBase on the same store keeps the data.
    assert.equal(new KnowledgeBase(store).search().length, 2);
  } finally {
    store.close();
  }
});

test('neighbourhood walks dependencies and callers; config errors name the field', () => {
  const edges = [{ caller: 'a', callee: 'b' }, { caller: 'b', callee: 'c' }, { caller: 'c', callee: 'd' }];
  assert.deepEqual([...neighbourhood(['b'], edges, 1)].sort(), ['a', 'b', 'c']);
  assert.deepEqual([...neighbourhood(['a'], edges, 2)].sort(), ['a', 'b', 'c']);
  assert.equal(parseRcaConfig({}).metrics, undefined, 'no configured queries: discovered components and conventional families');
  assert.throws(() => parseRcaConfig({ stepSeconds: -1 }), /rca\.stepSeconds: /);
  assert.throws(() => parseRcaConfig({ topology: { callerLabel: '1x' } }), /rca\.topology\.callerLabel: must be a Prometheus label name/);
});

test('an alert expression finds its runbook for the runbook_url annotation', async () => {
  const books = await loadRunbooks(RUNBOOKS);
  const m = runbookForExpr(books, 'predict_linear(node_filesystem_avail_bytes{service="db"}[1h], 14400) < 0', 'https://git.example/runbooks');
  assert.equal(m?.id, 'disk-filling');
  assert.equal(m?.link, 'https://git.example/runbooks/disk-filling.md');
  assert.equal(runbookForExpr(books, 'vector(1)'), undefined);
});

test('an Alertmanager notification becomes an investigation request', () => {
  const r = requestFromAlerts(
    [
      { labels: { alertname: 'HighErrorRate', service: 'checkout' }, startsAt: '2026-01-05T12:03:00Z' },
      { labels: { alertname: 'HighErrorRate', service: 'frontend' }, startsAt: '2026-01-05T12:04:00Z' },
      { labels: { alertname: 'Old', service: 'db' }, startsAt: '2026-01-05T11:00:00Z', status: 'resolved' },
    ],
    'service',
  );
  assert.equal(r.incidentTime, Date.parse('2026-01-05T12:03:00Z') / 1000);
  assert.deepEqual(r.scope, { components: ['checkout', 'frontend'] });
  assert.equal(r.title, 'HighErrorRate on checkout, frontend');
  assert.equal(requestFromAlerts([{ labels: { alertname: 'X' }, startsAt: '2026-01-05T12:00:00Z' }], 'service').scope, undefined);
  assert.throws(() => requestFromAlerts([{ labels: {}, startsAt: 'yesterday' }], 'service'), /alerts\[0\]\.startsAt: 'yesterday' is not an ISO time/);
  assert.throws(() => requestFromAlerts([], 'service'), /at least one alert/);
  assert.equal(requestFromAnomalies([{ time: 50, component: 'db' }, { time: 40 }]).incidentTime, 40);
});
