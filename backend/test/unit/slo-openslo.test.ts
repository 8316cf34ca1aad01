// OpenSLO import: PromQL from any metric source type (`type: Any`, a DataSource reference), errors naming the
// field for a query that is not PromQL, and `timeWindow` durations (rolling days/weeks, calendar months).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpecs } from '../../src/slo/load.js';
import { formatIssue } from '../../src/slo/model.js';

const SLI = (goodSource: string) => `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prom
spec:
  type: Prometheus
---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: ok-requests
spec:
  ratioMetric:
    counter: true
    good:
      metricSource:
${goodSource}
    total:
      metricSource:
        metricSourceRef: prom
        spec:
          query: http_requests_total{job="api"}
`;
const ANY = '        type: Any\n        spec:\n          query: http_requests_total{job="api",code!~"5.."}';
const slo = (name: string, window: string) => `---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: api
  indicatorRef: ok-requests
  timeWindow:
${window}
  objectives:
    - target: 0.99
`;

test('type: Any with a PromQL query is imported (warned); a Prometheus DataSource reference is not warned', () => {
  const r = loadSpecs([{ file: 'any.yml', text: SLI(ANY) + slo('a', '    - duration: 28d\n      isRolling: true') }]);
  assert.deepEqual(r.issues.filter((i) => i.level === 'error'), []);
  assert.equal(r.slos.length, 1);
  assert.deepEqual(r.slos[0]!.sli, {
    kind: 'events',
    good: 'sum(rate(http_requests_total{job="api",code!~"5.."}[{{.window}}]))',
    total: 'sum(rate(http_requests_total{job="api"}[{{.window}}]))',
  });
  const warned = r.issues.filter((i) => i.level === 'warning').map((i) => i.field);
  assert.deepEqual(warned, ['indicator.spec.ratioMetric.good.metricSource.type']);
});

test('a query that is not PromQL is an error naming file, SLO and field; nothing is generated', () => {
  const dd = '        type: Datadog\n        spec:\n          query: "sum:trace.http.request.hits{*}.as_count()"';
  const r = loadSpecs([{ file: 'dd.yml', text: SLI(dd) + slo('d', '    - duration: 28d\n      isRolling: true') }]);
  const errors = r.issues.filter((i) => i.level === 'error').map(formatIssue);
  assert.equal(r.slos.length, 0);
  assert.ok(errors.some((e) => e.startsWith("error: dd.yml: slo 'd': field 'indicator.spec.ratioMetric.good.metricSource.spec.query': source type 'Datadog'")), errors.join('\n'));
});

test('timeWindow durations: rolling 28d and 4w are 28 days, 1M calendar is the calendar month, too short is an error', () => {
  const text =
    SLI(ANY) +
    slo('d28', '    - duration: 28d\n      isRolling: true') +
    slo('w4', '    - duration: 4w\n      isRolling: true') +
    slo('cal', '    - duration: 1M\n      isRolling: false\n      calendar:\n        startTime: 2024-01-01 00:00:00\n        timeZone: Europe/Berlin') +
    slo('map', '    duration: 7d\n    isRolling: true');
  const r = loadSpecs([{ file: 'w.yml', text }]);
  assert.deepEqual(r.issues.filter((i) => i.level === 'error'), []);
  assert.deepEqual(r.slos.map((s) => [s.name, s.window.kind, s.window.days]), [
    ['d28-0', 'rolling', 28],
    ['w4-0', 'rolling', 28],
    ['cal-0', 'calendar', 30],
    ['map-0', 'rolling', 7],
  ]);
  assert.ok(r.issues.some((i) => i.level === 'warning' && i.slo === 'cal' && i.field === 'timeWindow[0].calendar.timeZone'));

  const short = loadSpecs([{ file: 's.yml', text: SLI(ANY) + slo('s', '    - duration: 1h\n      isRolling: true') }]);
  const e = short.issues.filter((i) => i.level === 'error').map(formatIssue);
  assert.ok(e.some((m) => m.startsWith("error: s.yml: slo 's': field 'timeWindow[0].duration': '1h' is not a whole number of days")), e.join('\n'));
});
