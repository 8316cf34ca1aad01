// SLO end to end on real processes: demo workload → Prometheus (rules applied by the writer) → Alertmanager.
// An injected error burst on checkout makes the page alert fire in Prometheus and reach Alertmanager; the budget
// served matches a hand computation from the raw counters.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoStack, type DemoStack } from '../../src/stack/index.js';
import { PromClient } from '../../src/prom/client.js';
import { computeBudget } from '../../src/slo/budget.js';
import { applyGenerated, generateFromSources, type Generated } from '../../src/slo/service.js';

const SPEC = `version: foresight/v1
slos:
  - service: checkout
    name: requests-availability
    objective: 99
    window: 30d
    sli:
      ratio:
        errors: sum(rate(http_requests_total{service="checkout",code=~"5.."}[{{.window}}]))
        total: sum(rate(http_requests_total{service="checkout"}[{{.window}}]))
    alerting:
      name: CheckoutAvailabilityBurn
      page: { severity: critical }
`;
const AM = `route:
  receiver: blackhole
  group_wait: 1s
  group_interval: 1s
receivers:
  - name: blackhole
`;

let stack: DemoStack | undefined;
let g: Generated;
before(async () => {
  stack = await startDemoStack({ withCompanion: false, scrapeIntervalSeconds: 1, evaluationIntervalSeconds: 1, alertmanagerConfigYaml: AM });
  g = generateFromSources([{ file: 'e2e.yml', text: SPEC }]);
});
after(async () => {
  await stack?.stop();
});

async function until<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
const json = async <T>(url: string, init?: RequestInit): Promise<T> => {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
};

test('error burst → page alert firing in Prometheus → received by Alertmanager', { timeout: 120_000 }, async () => {
  const s = stack!;
  const r = await applyGenerated(g, { kind: 'files', rulesDir: s.prometheus.rulesDir, prom: new PromClient({ url: s.prometheus.url }) });
  assert.deepEqual(r.applied, ['foresight-slo-checkout-requests-availability.yml']);

  // Healthy baseline first: no page while the workload runs normally.
  await new Promise((res) => setTimeout(res, 5000));
  type Alerts = { data: { alerts: { labels: Record<string, string>; state: string }[] } };
  const pageOf = (a: Alerts) => a.data.alerts.find((x) => x.labels.alertname === 'CheckoutAvailabilityBurn' && x.labels.foresight_tier === 'page');
  assert.equal(pageOf(await json<Alerts>(`${s.prometheus.url}/api/v1/alerts`))?.state, undefined, 'page alert before any fault');

  const fault = await json<{ id: string }>(`${s.workload.url}/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'error_burst', service: 'checkout', durationSeconds: 300, magnitude: 0.5 }),
  });
  assert.ok(fault.id);

  const firing = await until('page alert firing in Prometheus', 60_000, async () => {
    const a = pageOf(await json<Alerts>(`${s.prometheus.url}/api/v1/alerts`));
    return a?.state === 'firing' ? a : undefined;
  });
  for (const k of ['severity', 'slo', 'service', 'sloth_id', 'foresight_tier']) assert.ok(firing.labels[k], `label ${k}`);
  assert.equal(firing.labels.severity, 'critical');

  type AmAlert = { labels: Record<string, string>; status: { state: string } };
  const received = await until('alert in Alertmanager', 30_000, async () =>
    (await json<AmAlert[]>(`${s.alertmanager.url}/api/v2/alerts`)).find((x) => x.labels.alertname === 'CheckoutAvailabilityBurn' && x.labels.foresight_tier === 'page'),
  );
  assert.equal(received.status.state, 'active');
  assert.equal(received.labels.sloth_id, 'checkout-requests-availability');
});

test('budget served matches a hand computation from the raw counters (within 0.1 pp)', { timeout: 90_000 }, async () => {
  const s = stack!;
  type Matrix = { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  // Hand computation: raw samples of every checkout series over the whole window. Every series was born inside
  // the 30d window (the stack is seconds old), so its events are counted from 0: first value + positive steps
  // (a drop is a counter reset: count the new value from 0).
  const hand = async (at: number, seconds: number) => {
    const q = new URLSearchParams({ query: `http_requests_total{service="checkout"}[${seconds}s]`, time: String(at) });
    const raw = await json<Matrix>(`${s.prometheus.url}/api/v1/query?${q}`);
    let errors = 0;
    let total = 0;
    for (const series of raw.data.result) {
      let inc = Number(series.values[0]![1]);
      for (let i = 1; i < series.values.length; i++) {
        const [prev, cur] = [Number(series.values[i - 1]![1]), Number(series.values[i]![1])];
        inc += cur >= prev ? cur - prev : cur;
      }
      total += inc;
      if (/^5/.test(series.metric.code ?? '')) errors += inc;
    }
    return { errors, total };
  };
  // Wait for enough errors that the comparison means something (a handful of events would pass trivially).
  const slo = g.slos[0]!;
  const { at, counts } = await until('at least 50 checkout errors scraped', 60_000, async () => {
    const at = Math.floor(Date.now() / 1000) - 1;
    const counts = await hand(at, 30 * 86400);
    return counts.errors >= 50 ? { at, counts } : undefined;
  });
  const report = await computeBudget(new PromClient({ url: s.prometheus.url }), slo, at);
  assert.equal(at - report.window.start, 30 * 86400);
  const handSli = 1 - counts.errors / counts.total;
  const handRemaining = 1 - counts.errors / counts.total / 0.01;
  const pp = (x: number) => Math.abs(x) * 100;
  process.stderr.write(
    `# budget: events served=${JSON.stringify(report.events)} hand=${JSON.stringify(counts)}; sli served=${report.sli} hand=${handSli} (Δ ${pp(report.sli! - handSli).toFixed(4)} pp); ` +
      `remaining served=${report.budgetRemaining} hand=${handRemaining} (Δ ${pp(report.budgetRemaining! - handRemaining).toFixed(4)} pp)\n`,
  );
  assert.ok(pp(report.sli! - handSli) < 0.1, `SLI ${report.sli} vs hand ${handSli}`);
  assert.ok(pp(report.budgetRemaining! - handRemaining) < 0.1, `budget remaining ${report.budgetRemaining} vs hand ${handRemaining}`);
  assert.ok(Math.abs(report.events!.errors - counts.errors) < 0.5 && Math.abs(report.events!.total - counts.total) < 0.5, 'event counts');
  assert.equal(report.objective, 0.99);
  assert.ok(report.burnRates['5m']! > 14.4, `5m burn ${report.burnRates['5m']}`);
  assert.equal(report.timeToExhaustionSeconds, 0); // the budget is overspent already
  // 30 daily buckets; the last one holds all the data, so its SLI is the hand SLI; the empty ones read 100%.
  assert.equal(report.history.day.length, 30);
  assert.ok(pp(report.history.day.at(-1)!.sli! - handSli) < 0.1, `last day ${report.history.day.at(-1)!.sli}`);
  assert.equal(report.history.day[0]!.sli, 1);
  assert.equal(report.history.day.at(-1)!.compliant, false);
});
