// The done-when proof of game days, on the real stack: prometheus + alertmanager + demo workload + the
// companion (child process) scraping every second. One plan, three experiments, run through /api/chaos:
//   1. payments down: the alert fires, routed to team-payments, RCA ranks payments in its top 3, the
//      dependency-down runbook comes first, remediation acts in dry run, recovery in time: all met;
//   2. an error burst in checkout whose plan expects the payments team to be paged: Alertmanager routes
//      it to team-checkout and the report says so;
//   3. a heavy error burst in payments aborted by the burn-rate guard: rollback executed, fault gone.
// No wall-clock assumptions: generous polling deadlines; the test's own rules use 10 s windows and short for:.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { startDemoStack, freePort, type DemoStack } from '../../src/stack/index.js';
import { DEMO_API_TOKEN } from '../../src/config/schema.js';
import { DEMO_RCA_METRICS } from '../../src/demo/foresight-config.js';
import { PromClient } from '../../src/prom/client.js';
import { until } from './until.js';

const ratio = (svc: string, w: string) =>
  `(sum(rate(http_requests_total{service="${svc}",code=~"5.."}[${w}])) or vector(0)) / sum(rate(http_requests_total{service="${svc}"}[${w}]))`;
// SLO series under their Sloth names (what generated SLO rules record), on a 95% objective and short windows.
const sloRules = (svc: string) => [
  { record: 'slo:current_burn_rate:ratio', expr: `(${ratio(svc, '10s')}) / 0.05`, labels: { sloth_id: `${svc}-availability` } },
  { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - (${ratio(svc, '10m')}) / 0.05`, labels: { sloth_id: `${svc}-availability` } },
];
const RULES = stringify({
  groups: [
    {
      name: 'chaos-it',
      rules: [
        ...sloRules('payments'),
        ...sloRules('checkout'),
        { alert: 'DemoServiceDown', expr: 'min by (service) (probe_success) == 0', for: '2s', labels: { severity: 'page' } },
        {
          alert: 'DemoHighErrorRate',
          expr: 'sum by (service) (rate(http_requests_total{code=~"5.."}[10s])) / sum by (service) (rate(http_requests_total[10s])) > 0.1',
          for: '2s',
          labels: { severity: 'page' },
        },
        // Pages only after a minute of sustained errors: the burn-rate guard must stop the experiment first.
        { alert: 'PaymentsErrorsSustained', expr: `${ratio('payments', '10s')} > 0.5`, for: '1m', labels: { severity: 'page', service: 'payments' } },
      ],
    },
  ],
});

const hook = (port: number) => ({ url: `http://127.0.0.1:${port}/api/alerting/webhook`, send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials: DEMO_API_TOKEN } } });
const amConfig = (companionPort: number) =>
  stringify({
    route: {
      receiver: 'foresight',
      group_by: ['alertname', 'service'],
      group_wait: '1s',
      group_interval: '5s',
      repeat_interval: '4h',
      routes: [
        { matchers: ['service="payments"'], receiver: 'team-payments' },
        { matchers: ['service="checkout"'], receiver: 'team-checkout' },
      ],
    },
    receivers: ['foresight', 'team-payments', 'team-checkout'].map((name) => ({ name, webhook_configs: [hook(companionPort)] })),
  });

const plan = (workload: string) => `
version: foresight/chaos-v1
name: it-game-day
description: three experiments against the demo shop
pollSeconds: 1
guards:
  blastRadius: { targets: [payments, checkout] }
  abort: { maxBurnRate: 100 }
  maxDuration: 5m
experiments:
  - name: payments-down
    target: payments
    hypothesis: payments going down pages team-payments, RCA blames payments, remediation acts, it heals
    steadyState:
      slos: [{ id: payments-availability, maxBurnRate: 1 }]
      probes: [{ name: payments-errors, query: '${ratio('payments', '10s').replace(/'/g, "''")}', tolerance: { max: 0.05 } }]
    method:
      - name: outage
        action: { kind: demo-fault, url: '${workload}', type: dependency_outage, service: payments, durationSeconds: 300 }
        rollback: { kind: demo-fault-end }
    expect:
      alert: { name: DemoServiceDown, labels: { service: payments }, within: 3m, receiver: team-payments }
      rca: { component: payments, topK: 3 }
      runbook: dependency-down
      remediation: { action: restart-service, within: 3m }
      recovery: { within: 3m }
  - name: checkout-pages-payments
    target: checkout
    hypothesis: checkout errors page the payments team (they own checkout's payment step)
    steadyState:
      slos: [{ id: checkout-availability, maxBurnRate: 1 }]
    method:
      - action: { kind: demo-fault, url: '${workload}', type: error_burst, service: checkout, durationSeconds: 300, magnitude: 0.5 }
        rollback: { kind: demo-fault-end }
    expect:
      alert: { name: DemoHighErrorRate, labels: { service: checkout }, within: 3m, receiver: team-payments }
      recovery: { within: 3m }
  - name: payments-meltdown
    target: payments
    hypothesis: an 80% error burst pages after a minute of sustained errors
    steadyState:
      slos: [{ id: payments-availability, maxBurnRate: 1 }]
    method:
      - action: { kind: demo-fault, url: '${workload}', type: error_burst, service: payments, durationSeconds: 300, magnitude: 0.8 }
        rollback: { kind: demo-fault-end }
    guards:
      abort: { maxBurnRate: 8 }
    expect:
      alert: { name: PaymentsErrorsSustained, within: 4m }
      recovery: { within: 3m }
`;

let dir = '';
let stack: DemoStack | undefined;
let api = '';
const auth = { authorization: `Bearer ${DEMO_API_TOKEN}`, 'content-type': 'application/json' };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-chaos-it-'));
  const rulesDir = join(dir, 'rules');
  await mkdir(rulesDir);
  await writeFile(join(rulesDir, 'chaos.yml'), RULES);
  const companionPort = await freePort();
  stack = await startDemoStack({
    dir: join(dir, 'stack'),
    rulesDir,
    scrapeIntervalSeconds: 1,
    evaluationIntervalSeconds: 1,
    seed: 11,
    ports: { companion: companionPort },
    alertmanagerConfigYaml: amConfig(companionPort),
    companionConfig: {
      log: { level: 'warn' },
      // One-second scrapes: RCA on 10 s rate windows over 90 s of history.
      rca: { stepSeconds: 1, baselineMinutes: 1.5, metrics: DEMO_RCA_METRICS.map((m) => ({ name: m.name, query: m.query.replaceAll('[1m]', '[10s]') })), anomalies: { investigate: false } },
      models: { intervalSeconds: 2, targets: [{ name: 'error_ratio', kind: 'anomaly', query: 'sum by (service) (rate(http_requests_total{code=~"5.."}[10s])) / sum by (service) (rate(http_requests_total[10s]))', step: 1, warmupPoints: 30 }] },
      alerting: {
        remediation: {
          scriptDir: resolve(import.meta.dirname, '../../../remediation'),
          actions: [{ name: 'restart-service', match: ['alertname="DemoServiceDown"'], cooldownSeconds: 0, params: { service: { label: 'service', pattern: '[a-z]+' } }, run: { kind: 'script', script: 'restart-service.sh', args: ['--service', '{service}'] } }],
        },
      },
    },
  });
  api = `${stack.companion!.url}/api/chaos`;
  // 90 s of healthy history: RCA baselines and the anomaly models' warm-up.
  const prom = new PromClient({ url: stack.prometheus.url });
  await until('90 s of scraped history', async () => {
    const r = await prom.query('count_over_time(probe_success{service="payments"}[2m])');
    return r[0] && r[0].value >= 90 ? true : undefined;
  }, { ms: 150_000, everyMs: 1000 });
});

after(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Verdict { expectation: string; verdict: string; observed: string }
interface Exp { experiment: string; observations: { aborted?: { reason: string } }; judgement: { outcome: string; verdicts: Verdict[]; summary: string; scores: Record<string, unknown> } }
interface Run { status: string; outcome?: string; experiments: Exp[]; events: { experiment: string; step: string; ok: boolean; message: string }[] }

test('a game day of three experiments: all met, wrong receiver reported, burn-rate abort rolled back', async () => {
  const started = await fetch(`${api}/runs`, { method: 'POST', headers: auth, body: JSON.stringify({ text: plan(stack!.workload.url), file: 'it-game-day.yml' }) });
  assert.equal(started.status, 202, await started.clone().text());
  const { id } = (await started.json()) as { id: number };

  // Progress is visible while it runs.
  const running = await until('the run to show progress', async () => {
    const r = (await (await fetch(`${api}/runs/${id}`, { headers: auth })).json()) as Run & { current?: string };
    return r.events.length > 0 ? r : undefined;
  }, { ms: 60_000, everyMs: 1000 });
  assert.ok(['running', 'done'].includes(running.status));

  const run = await until('the game day to finish', async () => {
    const r = (await (await fetch(`${api}/runs/${id}`, { headers: auth })).json()) as Run;
    return r.status === 'done' ? r : undefined;
  }, { ms: 900_000, everyMs: 1000 });
  const trail = run.events.map((e) => `[${e.experiment}] ${e.step}${e.ok ? '' : ' (!)'}: ${e.message}`).join('\n');
  const [one, two, three] = run.experiments;

  assert.equal(one!.judgement.outcome, 'passed', `${one!.judgement.summary}\n${trail}`);
  assert.deepEqual(one!.judgement.verdicts.map((v) => [v.expectation, v.verdict]), [['alert', 'met'], ['receiver', 'met'], ['rca', 'met'], ['runbook', 'met'], ['remediation', 'met'], ['recovery', 'met']]);
  assert.equal(one!.judgement.scores.routingCorrect, true);
  assert.ok((one!.judgement.scores.alertDetectionSeconds as number) > 0);
  assert.ok((one!.judgement.scores.timeToRecoverSeconds as number) >= 0);

  assert.equal(two!.judgement.outcome, 'failed', `${two!.judgement.summary}\n${trail}`);
  const receiver = two!.judgement.verdicts.find((v) => v.expectation === 'receiver')!;
  assert.equal(receiver.verdict, 'missed');
  assert.equal(receiver.observed, 'Alertmanager routed it to team-checkout');
  assert.equal(two!.judgement.verdicts.find((v) => v.expectation === 'alert')!.verdict, 'met');

  assert.equal(three!.judgement.outcome, 'aborted', `${three!.judgement.summary}\n${trail}`);
  assert.match(three!.observations.aborted!.reason, /SLO payments-availability burning at [\d.]+×, above the 8× limit/);
  const rollbacks = run.events.filter((e) => e.experiment === 'payments-meltdown' && e.step === 'rollback');
  assert.ok(rollbacks.length === 2 && rollbacks.every((e) => e.ok), trail);
  assert.match(rollbacks[1]!.message, /is over \(ground truth\)/);
  assert.equal(three!.judgement.verdicts.find((v) => v.expectation === 'alert')!.verdict, 'not_checked');
  assert.equal(run.outcome, 'aborted');

  // Every fault the game day injected is over, by the workload's own ground truth.
  const faults = (await (await fetch(`${stack!.workload.url}/faults`)).json()) as { type: string; service: string; end: string }[];
  assert.equal(faults.length, 3);
  for (const f of faults) assert.ok(Date.parse(f.end) <= Date.now(), `${f.type} on ${f.service} still active until ${f.end}`);

  // The report says what went wrong, in both formats.
  const md = await (await fetch(`${api}/runs/${id}/report?format=md`, { headers: auth })).text();
  assert.match(md, /\| receiver \| routed to team-payments \| Alertmanager routed it to team-checkout \| ❌ missed \|/);
  assert.match(md, /## payments-meltdown — 🛑 aborted/);
  const html = await (await fetch(`${api}/runs/${id}/report?format=html`, { headers: auth })).text();
  assert.match(html, /<h1>Game day: it-game-day/);
  if (process.env.FORESIGHT_CHAOS_REPORT_DIR) {
    await writeFile(join(process.env.FORESIGHT_CHAOS_REPORT_DIR, 'game-day-report.html'), html);
    await writeFile(join(process.env.FORESIGHT_CHAOS_REPORT_DIR, 'game-day-report.md'), md);
  }

  // The runbook records the experiment that exercised it and when it last worked.
  const books = (await (await fetch(`${api}/runbooks`, { headers: auth })).json()) as { runbook: string; experiments: string[]; lastWorked?: string }[];
  const book = books.find((b) => b.runbook === 'dependency-down');
  assert.deepEqual(book?.experiments, ['payments-down']);
  assert.ok(book?.lastWorked);

  const metrics = await (await fetch(`${stack!.companion!.url}/metrics`)).text();
  assert.match(metrics, /foresight_chaos_experiments_total\{outcome="aborted"\} 1/);
  assert.match(metrics, /foresight_chaos_expectations_total\{expectation="receiver",verdict="missed"\} 1/);
});
