// /api/slo against a real Prometheus (scraping itself): validate, generate, apply (writer + reload), list, budget.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import { sloRouter } from '../../src/api/slo.js';
import { PromClient } from '../../src/prom/client.js';
import { freePort, startPrometheus } from '../../src/stack/index.js';
import type { SloStoreLike } from '../../src/slo/store.js';
import { Registry } from 'prom-client';
import { registerSloMetrics, startBudgetUpdates } from '../../src/slo/budget-metrics.js';
import { loadSpecsOrThrow } from '../../src/slo/load.js';

// Readiness polls answered 503 while Prometheus starts (slower on a loaded machine) are not errors of the SLI.
const SPEC = `version: foresight/v1
slos:
  - service: prometheus
    name: http-availability
    objective: 99
    sli:
      ratio:
        errors: sum(rate(prometheus_http_requests_total{code=~"5..",handler!="/-/ready"}[{{.window}}]))
        total: sum(rate(prometheus_http_requests_total[{{.window}}]))
`;

let prom: Awaited<ReturnType<typeof startPrometheus>> | undefined;
let server: Server | undefined;
let db: Database.Database | undefined;
let base = '';
let rulesDir = '';

before(async () => {
  rulesDir = mkdtempSync(join(tmpdir(), 'slo-api-rules-'));
  const port = await freePort(); // the self-scrape target needs the port up front
  prom = await startPrometheus({
    port,
    configYaml: `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${rulesDir}/*.yml\nscrape_configs:\n  - job_name: self\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`,
  });

  db = new Database(':memory:');
  db.exec('CREATE TABLE schema_versions (feature TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const store: SloStoreLike = {
    db,
    migrate(feature, steps) {
      const row = db!.prepare('SELECT version FROM schema_versions WHERE feature = ?').get(feature) as { version: number } | undefined;
      db!.transaction(() => {
        for (let i = row?.version ?? 0; i < steps.length; i++) db!.exec(steps[i]!);
        db!.prepare('INSERT INTO schema_versions VALUES (?, ?) ON CONFLICT(feature) DO UPDATE SET version = excluded.version').run(feature, steps.length);
      })();
    },
  };
  const app = express();
  app.use('/api/slo', sloRouter({
    prom: new PromClient({ url: prom.url }),
    store,
    log: { info: () => undefined, warn: () => undefined },
    config: { slo: { rulesDir } },
  }));
  server = await new Promise<Server>((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/slo`;
});
after(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await prom?.stop();
  db?.close();
  rmSync(rulesDir, { recursive: true, force: true });
});

const post = (path: string, body: string, type = 'application/yaml') => fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });

test('validate: 200 for a good spec, 422 with file/slo/field for a bad one', async () => {
  const ok = await post('/validate?file=good.yml', SPEC);
  assert.equal(ok.status, 200);
  assert.deepEqual(((await ok.json()) as { slos: { id: string }[] }).slos.map((s) => s.id), ['prometheus-http-availability']);
  const bad = await post('/validate', JSON.stringify({ sources: [{ file: 'bad.yml', text: SPEC.replace('objective: 99', 'objective: 101') }] }), 'application/json');
  assert.equal(bad.status, 422);
  const issues = ((await bad.json()) as { issues: { file: string; slo: string; field: string }[] }).issues;
  assert.deepEqual(issues.map((i) => [i.file, i.slo, i.field]), [['bad.yml', 'http-availability', 'objective']]);
  assert.equal((await post('/validate', JSON.stringify({ nope: 1 }), 'application/json')).status, 400);
});

test('validate warns (on the real Prometheus) when an SLI query returns no series, naming the SLO, field and query', async () => {
  type Answer = { ok: boolean; issues: { level: string; slo?: string; field?: string; message: string }[] };
  const typo = SPEC.replace(/prometheus_http_requests_total/g, 'prometheus_http_requests_totl');
  const bad = (await (await post('/validate?file=typo.yml', typo)).json()) as Answer;
  assert.equal(bad.ok, true, 'a warning, not an error');
  const w = bad.issues.find((i) => i.level === 'warning' && /^no data for /.test(i.message));
  assert.ok(w, JSON.stringify(bad.issues));
  assert.equal(w.slo, 'http-availability');
  assert.equal(w.field, 'sli');
  assert.match(w.message, /sum\(rate\(prometheus_http_requests_totl\[1h\]\)\)/);
  // The real metric has series once Prometheus scraped itself (first scrape takes a few seconds).
  let good: Answer | undefined;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
    good = (await (await post('/validate?file=good.yml', SPEC)).json()) as Answer;
    if (!good.issues.some((i) => /^no data for /.test(i.message))) break;
  }
  assert.deepEqual(good?.issues.filter((i) => /^no data for /.test(i.message)), []);
  const skipped = (await (await post('/validate?file=typo.yml&probe=false', typo)).json()) as Answer;
  assert.deepEqual(skipped.issues.filter((i) => /^no data for /.test(i.message)), []);
});

test('generate returns promtool-checked rule YAML', async () => {
  const res = await post('/generate', SPEC);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { files: Record<string, string>; promtool: { ok: boolean } };
  assert.equal(body.promtool.ok, true);
  assert.match(body.files['foresight-slo-prometheus-http-availability.yml']!, /record: slo:sli_error:ratio_rate5m/);
});

test('apply writes, reloads and verifies; list shows it loaded; budget is served', async () => {
  const res = await post('/apply?file=prom.yml', SPEC);
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(readdirSync(rulesDir), ['foresight-slo-prometheus-http-availability.yml']);
  const list = (await (await fetch(base)).json()) as { slos: { id: string; loaded: boolean }[]; lastApply: { ok: boolean } };
  assert.deepEqual(list.slos.map((s) => [s.id, s.loaded]), [['prometheus-http-availability', true]]);
  assert.equal(list.lastApply.ok, true);
  // Give the self-scrape a few samples, then the budget must be a real number (no errors → SLI 1).
  // (Prometheus takes ~5 s to discover its first target.)
  type Budget = { sli: number; budgetRemaining: number; events: { total: number } | null };
  let b: Budget | undefined;
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
    b = (await (await fetch(`${base}/prometheus-http-availability/budget`)).json()) as Budget;
    if ((b.events?.total ?? 0) > 0) break;
  }
  assert.ok(b?.events && b.events.total > 0, `no events counted: ${JSON.stringify(b)}`);
  assert.equal(b.sli, 1);
  assert.equal(b.budgetRemaining, 1);
  assert.equal((await fetch(`${base}/nope/budget`)).status, 404);
  const all = (await (await fetch(`${base}/budget`)).json()) as { budgets: unknown[] };
  assert.equal(all.budgets.length, 1);
});

test('no data: a wrong metric name is reported as noData with its query (not 100%), and the no-data alert goes pending on the real Prometheus', async () => {
  const spec = SPEC.replace('http-availability', 'typo').replace(/prometheus_http_requests_total/g, 'prometheus_http_requests_totl');
  const res = await post('/apply?file=nodata.yml', spec);
  assert.equal(res.status, 200, await res.clone().text());
  type Budget = { sli: number | null; budgetRemaining: number | null; noData: { query: string } | null };
  const b = (await (await fetch(`${base}/prometheus-typo/budget`)).json()) as Budget;
  assert.equal(b.sli, null);
  assert.equal(b.budgetRemaining, null);
  assert.match(b.noData?.query ?? '', /prometheus_http_requests_totl/);
  const good = (await (await fetch(`${base}/prometheus-http-availability/budget`)).json()) as Budget;
  assert.equal(good.noData, null);
  // The generated no-data alert evaluates true at once (pending until its `for:`); poll the rules API.
  let state = '';
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && state !== 'pending' && state !== 'firing'; await new Promise((r) => setTimeout(r, 500))) {
    const rules = (await (await fetch(`${prom!.url}/api/v1/rules?type=alert`)).json()) as { data: { groups: { rules: { name: string; state: string }[] }[] } };
    state = rules.data.groups.flatMap((g) => g.rules).find((r) => r.name === 'PrometheusTypoSLOBurnNoData')?.state ?? '';
  }
  assert.ok(state === 'pending' || state === 'firing', `no-data alert state: '${state}'`);
  assert.ok((await fetch(`${base}/sources/nodata.yml`, { method: 'DELETE' })).ok);
});

test('budget updates export foresight_slo_* series from Prometheus', async () => {
  const registry = new Registry();
  const loop = startBudgetUpdates({
    slos: () => loadSpecsOrThrow([{ file: 'prom.yml', text: SPEC }]).slos,
    prom: new PromClient({ url: prom!.url }),
    gauges: registerSloMetrics(registry),
    intervalMs: 3_600_000,
  });
  try {
    const reports = await loop.tick();
    assert.equal(reports.length, 1);
    const text = await registry.metrics();
    assert.match(text, /foresight_slo_sli_ratio\{slo_id="prometheus-http-availability",service="prometheus",slo="http-availability"\} 1/);
    assert.match(text, /foresight_slo_objective_ratio\{[^}]+\} 0.99/);
    assert.match(text, /foresight_slo_burn_rate_ratio\{[^}]+window="1h"\} 0/);
  } finally {
    loop.stop();
  }
});

test('a bad slo config section is a clear error naming the field', () => {
  const ctx = { prom: new PromClient({ url: prom!.url }), store: { db: db!, migrate: () => undefined }, log: { info: () => undefined, warn: () => undefined } };
  assert.throws(() => sloRouter({ ...ctx, config: { slo: { ruler: { url: 'not a url' } } } }), /config: slo\.ruler\.url: Invalid url/);
  assert.throws(() => sloRouter({ ...ctx, config: { slo: { bogus: 1 } } }), /config: slo: Unrecognized key\(s\) in object: 'bogus'/);
});


test('rename removes the old SLO rules (verified gone); delete removes the rest', async () => {
  const groups = async () => new Set((await new PromClient({ url: prom!.url }).rules()).map((g) => g.name));
  // Rename: the stored prom.yml now names the SLO differently; the old id's file and groups go.
  const renamed = SPEC.replace('name: http-availability', 'name: http-success');
  const res = await post('/apply?file=prom.yml', renamed);
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(((await res.json()) as { removed: string[] }).removed, ['foresight-slo-prometheus-http-availability.yml']);
  assert.deepEqual(readdirSync(rulesDir), ['foresight-slo-prometheus-http-success.yml']);
  let loaded = await groups();
  assert.ok(!loaded.has('sloth-slo-sli-recordings-prometheus-http-availability'), 'old groups unloaded');
  assert.ok(loaded.has('sloth-slo-sli-recordings-prometheus-http-success'), 'new groups loaded');

  // Delete: the rules go before the stored row.
  const del = await fetch(`${base}/sources/prom.yml`, { method: 'DELETE' });
  assert.equal(del.status, 204);
  assert.deepEqual(readdirSync(rulesDir), []);
  loaded = await groups();
  assert.ok(![...loaded].some((g) => g.includes('prometheus-http-')), [...loaded].join(', '));
  const list = (await (await fetch(base)).json()) as { slos: unknown[] };
  assert.equal(list.slos.length, 0);
  assert.equal((await fetch(`${base}/sources/prom.yml`, { method: 'DELETE' })).status, 404);
});
