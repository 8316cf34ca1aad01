// The runner against fake ports on a fake clock: all expectations met, a wrong receiver, the burn-rate
// guard aborting with its rollback, refusal on an unhealthy system, approval, maintenance windows; and the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlan } from '../../src/chaos/validate.js';
import { runExperiment, type RunnerPorts, type AmAlert } from '../../src/chaos/runner.js';
import type { Action } from '../../src/chaos/spec.js';
import { renderHtml, renderMarkdown } from '../../src/chaos/report.js';
import type { RunRecord } from '../../src/chaos/store.js';

const PLAN = `
version: foresight/chaos-v1
name: unit
guards: { blastRadius: { targets: [payments] }, abort: { maxBurnRate: 10 } }
experiments:
  - name: errors
    target: payments
    hypothesis: an error burst pages the payments team and RCA blames payments
    steadyState:
      slos: [{ id: pay, maxBurnRate: 2 }]
      probes: [{ name: err, query: 'probe_err', tolerance: { max: 0.05 } }]
    method:
      - name: burst
        action: { kind: demo-fault, url: 'http://w:1', type: error_burst, service: payments }
        rollback: { kind: demo-fault-end }
    expect:
      alert: { name: HighErrors, labels: { service: payments }, within: 60s, receiver: team-payments }
      rca: { component: payments, topK: 2 }
      runbook: high-error-rate
      remediation: { action: restart, within: 90s }
      recovery: { within: 60s }
`;
const exp = (over: object = {}) => ({ ...loadPlan(PLAN, 'p.yml').plan.experiments[0]!, ...over });

interface World {
  t: number;
  faulted: boolean;
  burnWhileFaulted: number;
  receivers: string[];
  alertAfterMs: number;
  actions: Action[];
  events: string[];
  faultEnded: boolean;
}

function ports(w: World, over: Partial<RunnerPorts> = {}): RunnerPorts {
  let injectedAt = 0;
  return {
    now: () => w.t,
    sleep: async (ms) => void (w.t += ms),
    query: async (q) => {
      if (q.includes('slo:current_burn_rate:ratio')) return [{ labels: { sloth_id: 'pay' }, value: w.faulted ? w.burnWhileFaulted : 0.5 }];
      if (q.includes('budget_remaining')) return [{ labels: { sloth_id: 'pay' }, value: w.faulted ? 0.9 : 0.95 }];
      if (q === 'probe_err') return [{ labels: {}, value: w.faulted ? 0.3 : 0.01 }];
      return [];
    },
    sloMetrics: { burnRate: 'slo:current_burn_rate:ratio', budgetRemaining: 'slo:period_error_budget_remaining:ratio', idLabel: 'sloth_id' },
    alerts: async (): Promise<AmAlert[]> =>
      w.faulted && w.t - injectedAt >= w.alertAfterMs ? [{ labels: { alertname: 'HighErrors', service: 'payments' }, startsAt: new Date(injectedAt + 5000).toISOString(), receivers: w.receivers.map((name) => ({ name })), status: { state: 'active' } }] : [],
    firstAnomaly: () => (w.faulted ? injectedAt + 4000 : undefined),
    investigate: async () => ({ components: ['checkout', 'payments', 'db'], runbooks: ['high-error-rate', 'dependency-down'], id: 'inv-1' }),
    remediation: () => (w.faulted ? { at: injectedAt + 20_000, outcome: 'dry_run', dryRun: true } : undefined),
    runAction: async (a) => {
      w.actions.push(a);
      if (a.kind === 'demo-fault') {
        w.faulted = true;
        injectedAt = w.t;
        return { ok: true, detail: 'injected', faultId: 'f1' };
      }
      if (a.kind === 'demo-fault-end') {
        w.faulted = false;
        w.faultEnded = true;
      }
      return { ok: true, detail: 'done' };
    },
    faultEnded: async () => w.faultEnded,
    allowCommands: false,
    event: (e) => void w.events.push(`${e.step}:${e.ok ? 'ok' : 'FAIL'}:${e.message}`),
    defaults: { observeSeconds: 60, recoverySeconds: 60 },
    ...over,
  };
}
const world = (o: Partial<World> = {}): World => ({ t: Date.UTC(2026, 10, 30, 12), faulted: false, burnWhileFaulted: 4, receivers: ['team-payments'], alertAfterMs: 6000, actions: [], events: [], faultEnded: false, ...o });

test('every expectation met: detection, routing, RCA rank, runbook, remediation, recovery and budget are scored', async () => {
  const w = world();
  const r = await runExperiment(exp(), 2, ports(w));
  assert.equal(r.judgement.outcome, 'passed', r.judgement.summary);
  assert.deepEqual(r.judgement.verdicts.map((v) => [v.expectation, v.verdict]), [['alert', 'met'], ['receiver', 'met'], ['rca', 'met'], ['runbook', 'met'], ['remediation', 'met'], ['recovery', 'met']]);
  const s = r.judgement.scores;
  assert.equal(s.alertDetectionSeconds, 6);
  assert.equal(s.anomalyDetectionSeconds, 4);
  assert.equal(s.routingCorrect, true);
  assert.equal(s.rcaRank, 2);
  assert.equal(s.timeToRecoverSeconds, 0);
  assert.deepEqual(s.budgetSpent, { pay: 0 }); // the fake budget is back to 0.95 once healed
  assert.deepEqual(w.actions.map((a) => a.kind), ['demo-fault', 'demo-fault-end']);
  assert.ok(w.events.includes('rollback:ok:fault f1 is over (ground truth)'), w.events.join('\n'));
});

test('an alert routed to the wrong receiver is a missed expectation and the report says where it went', async () => {
  const w = world({ receivers: ['team-checkout'] });
  const r = await runExperiment(exp(), 2, ports(w));
  assert.equal(r.judgement.outcome, 'failed');
  const rv = r.judgement.verdicts.find((v) => v.expectation === 'receiver')!;
  assert.equal(rv.verdict, 'missed');
  assert.equal(rv.observed, 'Alertmanager routed it to team-checkout');
  assert.equal(r.judgement.scores.routingCorrect, false);
  const run: RunRecord = { id: 7, plan: 'unit', trigger: 'test', status: 'done', outcome: 'failed', startedAt: new Date(w.t).toISOString(), warnings: [], spec: loadPlan(PLAN, 'p.yml').plan, experiments: [r] };
  const md = renderMarkdown(run, [{ at: w.t, experiment: 'errors', step: 'inject', ok: true, message: 'injected <b>' }]);
  assert.match(md, /\| receiver \| routed to team-payments \| Alertmanager routed it to team-checkout \| ❌ missed \|/);
  assert.match(md, /\*\*Hypothesis:\*\* an error burst pages the payments team/);
  assert.match(md, /\| errors \| payments \| ❌ failed \| 4 s \| 6 s \| no \| #2 \|/);
  const html = renderHtml(run, [{ at: w.t, experiment: 'errors', step: 'inject', ok: true, message: 'injected <b>' }]);
  assert.match(html, /<td class="bad">missed<\/td>/);
  assert.match(html, /injected &lt;b&gt;/);
});

test('the burn-rate guard aborts, the rollback runs, the fault is gone and unobserved expectations are not checked', async () => {
  const w = world({ burnWhileFaulted: 30, alertAfterMs: 30_000 });
  const r = await runExperiment(exp(), 2, ports(w));
  assert.equal(r.judgement.outcome, 'aborted');
  assert.match(r.observations.aborted!.reason, /SLO pay burning at 30×, above the 10× limit/);
  assert.deepEqual(w.actions.map((a) => a.kind), ['demo-fault', 'demo-fault-end']);
  assert.equal(w.faultEnded, true);
  const alert = r.judgement.verdicts.find((v) => v.expectation === 'alert')!;
  assert.equal(alert.verdict, 'not_checked');
  assert.match(alert.observed, /aborted after 0 s \(SLO pay burning/);
  assert.equal(r.judgement.verdicts.find((v) => v.expectation === 'recovery')!.verdict, 'met');
});

test('an unhealthy system, a rejected approval or a maintenance window refuse the experiment before injection', async () => {
  const sick = world();
  const p = ports(sick, { query: async (q) => (q.includes('burn') ? [{ labels: { sloth_id: 'pay' }, value: 5 }] : [{ labels: {}, value: 0.01 }]) });
  let r = await runExperiment(exp(), 2, p);
  assert.equal(r.judgement.outcome, 'refused');
  assert.match(r.judgement.summary, /system not in steady state: SLO pay: burning at 5× \(steady at most 2×\)/);
  assert.equal(sick.actions.length, 0);

  const w2 = world();
  r = await runExperiment(exp({ guards: { ...exp().guards, approval: true } }), 2, ports(w2, { approval: async () => ({ approved: false, by: 'alice' }) }));
  assert.equal(r.judgement.outcome, 'refused');
  assert.match(r.judgement.summary, /rejected by alice/);
  assert.equal(w2.actions.length, 0);

  const w3 = world(); // Monday 12:00 UTC
  r = await runExperiment(exp({ guards: { ...exp().guards, maintenanceWindows: [{ days: ['mon'], start: '11:30', end: '12:30' }] } }), 2, ports(w3));
  assert.match(r.judgement.summary, /inside maintenance window mon 11:30-12:30 UTC/);
  assert.equal(w3.actions.length, 0);
  assert.deepEqual(r.judgement.verdicts.map((v) => v.verdict), ['not_checked', 'not_checked', 'not_checked', 'not_checked', 'not_checked', 'not_checked']);
});

test('missed deadlines: an alert that never fires and a system that does not recover', async () => {
  const w = world({ alertAfterMs: 10 ** 9 });
  const p = ports(w, { query: async (q) => (q.includes('burn') ? [{ labels: { sloth_id: 'pay' }, value: 0.5 }] : q === 'probe_err' ? [{ labels: {}, value: w.actions.length ? 0.3 : 0.01 }] : []) });
  const r = await runExperiment(exp(), 5, p);
  assert.equal(r.judgement.outcome, 'failed');
  const by = Object.fromEntries(r.judgement.verdicts.map((v) => [v.expectation, v]));
  assert.equal(by.alert!.verdict, 'missed');
  assert.equal(by.alert!.observed, 'not firing within 60 s');
  assert.equal(by.rca!.verdict, 'not_checked');
  assert.equal(by.recovery!.verdict, 'missed');
  assert.match(w.events.join('\n'), /recovery:FAIL:not recovered: probe err: 0\.3 outside \[-∞, 0\.05\]/);
});

test('an operator abort stops observing, rolls back and does not wait for recovery', async () => {
  const w = world({ alertAfterMs: 10 ** 9 });
  let calls = 0;
  const r = await runExperiment(exp(), 2, ports(w, { aborted: () => (++calls > 1 ? 'stopped by alice' : undefined), query: async (q) => (q.includes('burn') ? [{ labels: { sloth_id: 'pay' }, value: 0.5 }] : q === 'probe_err' ? [{ labels: {}, value: w.actions.length ? 0.3 : 0.01 }] : []) }));
  assert.equal(r.judgement.outcome, 'aborted');
  assert.equal(r.observations.aborted!.reason, 'stopped by alice');
  assert.deepEqual(w.actions.map((a) => a.kind), ['demo-fault', 'demo-fault-end']);
  assert.match(w.events.join('\n'), /recovery:FAIL:not recovered \(run aborted; not waiting\)/);
  assert.ok(w.t - Date.UTC(2026, 10, 30, 12) < 10_000, 'no recovery wait');
});

test('an anomaly scored only after the observation still counts when its point lies inside the fault', async () => {
  const w = world();
  const start = w.t;
  const r = await runExperiment(exp(), 2, ports(w, { firstAnomaly: () => (w.faultEnded ? start + 4000 : undefined) }));
  assert.equal(r.judgement.scores.anomalyDetectionSeconds, 4);
  assert.match(w.events.join('\n'), /observe:ok:first anomaly on payments \(scored after the observation\)/);
  // A point after the rollback is not a detection of this fault.
  const w2 = world();
  const r2 = await runExperiment(exp(), 2, ports(w2, { firstAnomaly: () => (w2.faultEnded ? w2.t + 60_000 : undefined) }));
  assert.equal(r2.judgement.scores.anomalyDetectionSeconds, undefined);
});
