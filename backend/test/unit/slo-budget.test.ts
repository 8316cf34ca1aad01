// Budget helpers without Prometheus: exact-count rewrites, windows, the foresight_slo_* exporter, the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { Registry } from 'prom-client';
import { budgetWindow, dataCoverage, type BudgetReport } from '../../src/slo/budget.js';
import { registerSloMetrics } from '../../src/slo/budget-metrics.js';
import { exactCounterQuery, exactSli } from '../../src/slo/exact.js';
import { loadSpecsOrThrow } from '../../src/slo/load.js';
import { promqlSyntaxError } from '../../src/slo/promql.js';
import { SloRepository, type SloStoreLike } from '../../src/slo/store.js';

test('exactCounterQuery rewrites rate/increase of selectors (quoted brackets too) and parses', () => {
  const q = exactCounterQuery('sum(rate(http_requests_total{code=~"[45]..",job="a"}[{{.window}}]))', 3600)!;
  assert.ok(q);
  assert.doesNotMatch(q, /\{\{/);
  assert.match(q, /http_requests_total\{code=~"\[45\]\.\.",job="a"\} offset 3600s/);
  assert.match(q, /resets\(http_requests_total\{code=~"\[45\]\.\.",job="a"\}\[3600s\]\) == 0/);
  assert.match(q, /\/ 3600\)\)$/);
  assert.equal(promqlSyntaxError(q), undefined);
  const inc = exactCounterQuery('sum(increase(x[{{ .window }}]))', 60)!;
  assert.doesNotMatch(inc, /\/ 60/);
  assert.equal(promqlSyntaxError(inc), undefined);
});

test('exactCounterQuery refuses what it cannot rewrite exactly', () => {
  assert.equal(exactCounterQuery('sum(irate(x[{{.window}}]))', 60), undefined);
  assert.equal(exactCounterQuery('sum(rate((x > 0)[{{.window}}:]))', 60), undefined);
});

test('exactSli per kind: events and classic latency rewritten, availability as is, native/raw not', () => {
  const slos = loadSpecsOrThrow([{ file: 'e.yml', text: `version: foresight/v1
slos:
  - { service: s, name: ev, objective: 99, sli: { ratio: { good: 'sum(rate(g[{{.window}}]))', total: 'sum(rate(t[{{.window}}]))' } } }
  - { service: s, name: lat, objective: 99, sli: { latency: { metric: h, selector: '{a="b"}', threshold: 0.5 } } }
  - { service: s, name: nat, objective: 99, sli: { latency: { metric: h, threshold: 0.5, native: true } } }
  - { service: s, name: av, objective: 99, sli: { availability: { metric: up } } }
  - { service: s, name: raw, objective: 99, sli: { raw: { errorRatio: 'avg(rate(e[{{.window}}]))' } } }
` }]).slos;
  const [ev, lat, nat, av, raw] = slos.map((s) => exactSli(s.sli, 600));
  assert.match(ev!.errorRatio('ignored'), /g offset 600s/);
  assert.match(lat!.events!.errors('x'), /h_bucket\{a="b",le="0.5"\} offset 600s/);
  assert.equal(nat, undefined);
  assert.match(av!.errorRatio('600s'), /count_over_time\(up\[600s\]\)/);
  assert.equal(raw, undefined);
  for (const c of [ev, lat, av]) assert.equal(promqlSyntaxError(c!.errorRatio('600s')), undefined);
});

test('budget windows: rolling ends now; calendar month/quarter align to UTC periods', () => {
  const [roll, month, quarter] = loadSpecsOrThrow([{ file: 'w.yml', text: `version: foresight/v1
slos:
  - { service: s, name: r, objective: 99, window: 7d, sli: { raw: { errorRatio: 'e[{{.window}}]' } } }
  - { service: s, name: m, objective: 99, calendar: month, sli: { raw: { errorRatio: 'e[{{.window}}]' } } }
  - { service: s, name: q, objective: 99, calendar: quarter, sli: { raw: { errorRatio: 'e[{{.window}}]' } } }
` }]).slos;
  const at = Date.UTC(2026, 4, 17, 12) / 1000; // 17 May 2026
  assert.deepEqual(budgetWindow(roll!, at), { kind: 'rolling', text: '7d', start: at - 7 * 86400, end: at });
  assert.deepEqual(budgetWindow(month!, at), { kind: 'calendar', text: 'month', start: Date.UTC(2026, 4, 1) / 1000, end: Date.UTC(2026, 5, 1) / 1000 });
  assert.deepEqual(budgetWindow(quarter!, at), { kind: 'calendar', text: 'quarter', start: Date.UTC(2026, 3, 1) / 1000, end: Date.UTC(2026, 6, 1) / 1000 });
});

test('foresight_slo_* series reflect reports and drop removed SLOs', async () => {
  const registry = new Registry();
  const gauges = registerSloMetrics(registry);
  const report: BudgetReport = {
    id: 'checkout-avail', service: 'checkout', name: 'avail', objective: 0.999,
    window: { kind: 'rolling', text: '30d', start: 0, end: 2_592_000 }, sli: 0.9995, errorRatio: 0.0005,
    events: { errors: 5, total: 10_000 }, errorBudget: 0.001, budgetRemaining: 0.5,
    burnRates: { '5m': 2, '1h': 1, '1d': null }, coverage: 1, timeToExhaustionSeconds: 1_296_000, noData: null,
    history: { day: [{ start: 0, end: 86400, sli: 0.998, compliant: false }], week: [], month: [] }, at: 2_592_000,
  };
  gauges.update([report]);
  const text = await registry.metrics();
  assert.match(text, /foresight_slo_error_budget_remaining_ratio\{slo_id="checkout-avail",service="checkout",slo="avail"\} 0.5/);
  assert.match(text, /foresight_slo_burn_rate_ratio\{slo_id="checkout-avail",service="checkout",slo="avail",window="5m"\} 2/);
  assert.doesNotMatch(text, /window="1d"/);
  assert.match(text, /foresight_slo_budget_exhaustion_seconds\{[^}]+\} 1296000/);
  assert.match(text, /foresight_slo_compliance_ratio\{[^}]+,period="day"\} 0.998/);
  gauges.update([]);
  assert.doesNotMatch(await registry.metrics(), /checkout-avail/);
});

/** The Store contract (src/store/db.ts): apply steps[i] for i ≥ the feature's recorded version, in one transaction. */
function memoryStore(): SloStoreLike & { close(): void } {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE schema_versions (feature TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  return {
    db,
    migrate(feature, steps) {
      const row = db.prepare('SELECT version FROM schema_versions WHERE feature = ?').get(feature) as { version: number } | undefined;
      db.transaction(() => {
        for (let i = row?.version ?? 0; i < steps.length; i++) db.exec(steps[i]!);
        db.prepare('INSERT INTO schema_versions VALUES (?, ?) ON CONFLICT(feature) DO UPDATE SET version = excluded.version').run(feature, steps.length);
      })();
    },
    close: () => db.close(),
  };
}

test('SloRepository keeps spec sources and apply history; migrations are idempotent', (t) => {
  const store = memoryStore();
  t.after(() => store.close());
  const repo = new SloRepository(store);
  new SloRepository(store); // second open must not re-run the CREATE TABLEs
  const text = 'version: foresight/v1\nslos:\n  - { service: s, name: n, objective: 99, sli: { raw: { errorRatio: "e[{{.window}}]" } } }\n';
  repo.save([{ file: 'a.yml', text }]);
  repo.save([{ file: 'a.yml', text: text.replace('99', '99.5') }]);
  assert.equal(repo.sources().length, 1);
  assert.equal(repo.load().slos[0]!.objective, 99.5);
  repo.recordApply('files', ['x.yml'], false, 'boom');
  assert.deepEqual({ ...repo.lastApply()!, at: 'x' }, { at: 'x', target: 'files', files: ['x.yml'], ok: false, message: 'boom' });
  assert.equal(repo.remove('a.yml'), true);
  assert.equal(repo.remove('a.yml'), false);
});

test('data coverage: the share of the window whose buckets hold SLI events; null without event counts', async () => {
  const [slo] = loadSpecsOrThrow([{ file: 'c.yml', text: `version: foresight/v1
service: checkout
slos:
  - name: avail
    objective: 99
    window: 30d
    sli:
      ratio:
        errors: sum(rate(e[{{.window}}]))
        total: sum(rate(t[{{.window}}]))
` }]).slos;
  const at = 2_592_000 * 2;
  const asked: Array<{ q: string; start: number; end: number; step: number }> = [];
  // Prometheus answers one range query: data only in the last 30 of the 240 three-hour buckets.
  const prom = {
    query: async () => [],
    queryRange: async (q: string, start: number, end: number, step: number) => {
      asked.push({ q, start, end, step });
      const n = Math.round((end - start) / step) + 1;
      const values = Float64Array.from({ length: n }, (_, i) => (i >= n - 30 ? 1 : Number.NaN));
      return [{ labels: {}, timestamps: Float64Array.from({ length: n }, (_, i) => start + i * step), values }];
    },
  };
  const c = await dataCoverage(prom as never, slo!, at - 30 * 86400, at); // a fake port: only the two calls used
  assert.equal(asked[0]!.step, 10_800);
  assert.match(asked[0]!.q, /sum\(rate\(t\[10800s\]\)\)/);
  assert.equal(c, 30 / 240);
  const empty = { ...prom, queryRange: async () => [] };
  assert.equal(await dataCoverage(empty as never, slo!, at - 30 * 86400, at), 0);
});
