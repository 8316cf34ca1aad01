// Runs one experiment: preflight (maintenance windows, approval, steady state before: refuse on an
// unhealthy system), inject the method, observe (guards every poll: abort on a burn-rate/budget breach or
// the maximum duration; alert and its receivers from Alertmanager, first anomaly, RCA at detection,
// remediation audit), roll back in reverse order (checking a demo fault is gone), then measure recovery.
// Every step is reported through `event` (the audit trail). All I/O comes in through RunnerPorts.
import type { ActionContext, ActionOutcome } from './actions.js';
import { judge, type Judgement, type Observations } from './score.js';
import type { Action } from './spec.js';
import { checkSteadyState, guardBreach, inMaintenance, perSlo, type Query, type SloMetricNames } from './steady.js';
import type { ResolvedExperiment } from './validate.js';

export interface AmAlert {
  labels: Record<string, string>;
  startsAt?: string;
  receivers: { name: string }[];
  status?: { state?: string };
}

export type Step = 'preflight' | 'approval' | 'steady-before' | 'inject' | 'observe' | 'guard' | 'abort' | 'rollback' | 'recovery' | 'verdict';

export interface RunEvent {
  at: number;
  experiment: string;
  step: Step;
  ok: boolean;
  message: string;
}

export interface RunnerPorts {
  now(): number;
  sleep(ms: number): Promise<void>;
  query: Query;
  sloMetrics: SloMetricNames;
  /** Alertmanager's active alerts (GET /api/v2/alerts); absent → alert expectations are not checked */
  alerts?(): Promise<AmAlert[]>;
  /** ms of the first anomaly finding on `component` at or after `sinceMs` */
  firstAnomaly?(component: string, sinceMs: number): number | undefined;
  investigate?(incidentTimeSeconds: number, title: string): Promise<{ components: string[]; runbooks: string[]; id?: string }>;
  /** the first audited decision of remediation `action` on `target` at or after `sinceMs` */
  remediation?(action: string, sinceMs: number, target: string): { at: number; outcome: string; dryRun: boolean } | undefined;
  runAction(a: Action, c: ActionContext): Promise<ActionOutcome>;
  faultEnded(url: string, id: string): Promise<boolean>;
  /** resolves true when approved, false when rejected */
  approval?(): Promise<{ approved: boolean; by: string }>;
  allowCommands: boolean;
  event(e: Omit<RunEvent, 'at' | 'experiment'>): void;
  /** set by an operator's abort request */
  aborted?(): string | undefined;
  defaults: { observeSeconds: number; recoverySeconds: number };
}

export interface ExperimentResult {
  experiment: string;
  target: string;
  observations: Observations;
  judgement: Judgement;
}

function matchesAlert(a: AmAlert, name: string, labels: Record<string, string>): boolean {
  if (a.labels.alertname !== name) return false;
  if (a.status?.state && !['active', 'suppressed'].includes(a.status.state)) return false;
  return Object.entries(labels).every(([k, v]) => a.labels[k] === v);
}

export async function runExperiment(exp: ResolvedExperiment, pollSeconds: number, p: RunnerPorts): Promise<ExperimentResult> {
  const o: Observations = {};
  const ev = (step: Step, ok: boolean, message: string): void => p.event({ step, ok, message });
  const finish = (): ExperimentResult => {
    const j = judge(exp, o);
    ev('verdict', j.outcome === 'passed', `${j.outcome}: ${j.summary}`);
    return { experiment: exp.name, target: exp.target, observations: o, judgement: j };
  };
  const g = exp.guards;
  const e = exp.expect;
  const abortSlos = g.abort?.slos ?? exp.steadyState.slos.map((s) => s.id);
  const budgetSlos = [...new Set([...exp.steadyState.slos.map((s) => s.id), ...abortSlos])];

  // Preflight: nothing is injected unless every check passes.
  if (g.maintenanceWindows?.length) {
    const w = inMaintenance(g.maintenanceWindows, p.now());
    if (g.maintenanceMode === 'avoid' && w) o.refused = `inside maintenance window ${w} (alerts may be silenced)`;
    if (g.maintenanceMode === 'require' && !w) o.refused = 'outside every maintenance window (guards.maintenanceMode: require)';
  }
  const needsCommands = exp.method.flatMap((s) => [s.action, ...(s.rollback ? [s.rollback] : [])]).some((a) => a.kind === 'command' || (a.kind === 'chaostoolkit' && a.provider.type === 'process'));
  if (!o.refused && needsCommands && !p.allowCommands) o.refused = "it runs commands and the companion's chaos.allowCommands is false";
  if (!o.refused && e.alert && !p.alerts) o.refused = 'it expects an alert and no Alertmanager is configured';
  if (o.refused) {
    ev('preflight', false, `refused: ${o.refused}`);
    return finish();
  }
  ev('preflight', true, 'guards allow the experiment');
  if (g.approval) {
    if (!p.approval) o.refused = 'approval required and nobody can approve here';
    else {
      ev('approval', true, 'waiting for approval');
      const a = await p.approval();
      if (!a.approved) o.refused = `rejected by ${a.by}`;
      else ev('approval', true, `approved by ${a.by}`);
    }
    if (o.refused) {
      ev('approval', false, o.refused);
      return finish();
    }
  }
  const before = await checkSteadyState(exp.steadyState, p.query, p.sloMetrics);
  if (!before.healthy) {
    o.refused = `system not in steady state: ${before.problems.join('; ')}`;
    ev('steady-before', false, o.refused);
    return finish();
  }
  ev('steady-before', true, 'steady state holds');
  o.budgetBefore = await budgets(p, budgetSlos);

  // Inject.
  const ran: { i: number; faultOf?: { url: string; id: string } }[] = [];
  let failed: string | undefined;
  for (let i = 0; i < exp.method.length; i++) {
    const step = exp.method[i]!;
    const r = await p.runAction(step.action, { allowCommands: p.allowCommands });
    ev('inject', r.ok, `${step.name ?? `step ${i}`}: ${r.detail}`);
    const faultOf = step.action.kind === 'demo-fault' && r.faultId ? { url: step.action.url, id: r.faultId } : undefined;
    // A failed action may have half-applied: its rollback runs too.
    ran.push({ i, ...(faultOf ? { faultOf } : {}) });
    if (!r.ok) {
      failed = `action ${step.name ?? i} failed: ${r.detail}`;
      break;
    }
    o.injectedAt ??= p.now();
    if (step.pauseAfter) await p.sleep(step.pauseAfter * 1000);
  }
  if (failed) o.error = failed;

  // Observe until every expectation is seen, the deadline, or a guard trips.
  if (!failed) {
    const t0 = o.injectedAt!;
    const windows = [e.alert?.within, e.anomaly?.within, e.remediation?.within].filter((x): x is number => x !== undefined);
    const observe = windows.length ? Math.max(...windows) : p.defaults.observeSeconds;
    const end = t0 + observe * 1000;
    const hardEnd = g.maxDuration !== undefined ? t0 + g.maxDuration * 1000 : Infinity;
    let detectedAt: number | undefined;
    for (;;) {
      const now = p.now();
      const op = p.aborted?.();
      if (op) {
        o.aborted = { at: now, reason: op };
        break;
      }
      try {
        const breach = await guardBreach(g, abortSlos, p.query, p.sloMetrics);
        if (breach) {
          o.aborted = { at: now, reason: breach };
          break;
        }
      } catch (err) {
        ev('guard', false, `guard query failed: ${(err as Error).message}`);
      }
      if (now > hardEnd) {
        o.aborted = { at: now, reason: `maximum duration ${g.maxDuration} s reached` };
        break;
      }
      if (e.alert && !o.alert && p.alerts) {
        try {
          const hit = (await p.alerts()).find((a) => matchesAlert(a, e.alert!.name, e.alert!.labels));
          if (hit) {
            o.alert = { firstSeenAt: now, ...(hit.startsAt ? { startsAt: Date.parse(hit.startsAt) } : {}), receivers: hit.receivers.map((r) => r.name), labels: hit.labels };
            ev('observe', true, `alert ${e.alert.name} firing, routed to ${o.alert.receivers.join(', ')}`);
          }
        } catch (err) {
          ev('observe', false, `Alertmanager query failed: ${(err as Error).message}`);
        }
      }
      if (o.firstAnomalyAt === undefined && p.firstAnomaly) {
        const at = p.firstAnomaly(e.anomaly?.component ?? exp.target, t0);
        if (at !== undefined) {
          o.firstAnomalyAt = at;
          ev('observe', true, `first anomaly on ${e.anomaly?.component ?? exp.target}`);
        }
      }
      detectedAt ??= o.alert ? Math.min(o.alert.startsAt ?? o.alert.firstSeenAt, o.alert.firstSeenAt) : !e.alert ? o.firstAnomalyAt : undefined;
      if ((e.rca || e.runbook) && !o.rca && detectedAt !== undefined && p.investigate) {
        try {
          const inv = await p.investigate(detectedAt / 1000, `chaos ${exp.name}`);
          o.rca = { ...inv, at: p.now() };
          ev('observe', true, `investigation ranked ${inv.components.slice(0, 3).join(', ') || 'nothing'}; runbooks ${inv.runbooks.join(', ') || 'none'}`);
        } catch (err) {
          o.rca = { error: (err as Error).message, at: p.now() };
          ev('observe', false, `investigation failed: ${(err as Error).message}`);
        }
      }
      if (e.remediation && !o.remediation && p.remediation) {
        const r = p.remediation(e.remediation.action, t0, exp.target);
        if (r) {
          o.remediation = r;
          ev('observe', true, `remediation ${e.remediation.action}: ${r.outcome}${r.dryRun ? ' (dry run)' : ''}`);
        }
      }
      const pending =
        (e.alert && !o.alert) || (e.anomaly && o.firstAnomalyAt === undefined) || ((e.rca || e.runbook) && !o.rca && p.investigate) || (e.remediation && !o.remediation && p.remediation);
      if (!pending || p.now() >= end) break;
      await p.sleep(pollSeconds * 1000);
    }
    if (o.aborted) ev('abort', false, `aborted: ${o.aborted.reason}`);
    else ev('observe', true, 'observation done');
  }

  // Roll back what ran, newest first; a demo fault must be gone from the ground truth.
  let rollbackOk = true;
  for (const r of [...ran].reverse()) {
    const step = exp.method[r.i]!;
    const rb = await p.runAction(step.rollback!, { allowCommands: p.allowCommands, ...(r.faultOf ? { faultOf: r.faultOf } : {}) });
    ev('rollback', rb.ok, `${step.name ?? `step ${r.i}`}: ${rb.detail}`);
    rollbackOk &&= rb.ok;
    if (r.faultOf) {
      const gone = await p.faultEnded(r.faultOf.url, r.faultOf.id);
      ev('rollback', gone, gone ? `fault ${r.faultOf.id} is over (ground truth)` : `fault ${r.faultOf.id} is still active`);
      rollbackOk &&= gone;
    }
  }
  if (ran.length) o.rolledBackAt = p.now();
  if (!rollbackOk) o.error = `${o.error ? `${o.error}; ` : ''}rollback incomplete`;

  // Recovery: steady state back, measured from the rollback.
  if (o.rolledBackAt !== undefined) {
    const limit = o.rolledBackAt + (e.recovery?.within ?? p.defaults.recoverySeconds) * 1000;
    for (;;) {
      const s = await checkSteadyState(exp.steadyState, p.query, p.sloMetrics);
      if (s.healthy) {
        o.recoveredAt = p.now();
        ev('recovery', true, `steady state back after ${Math.round((o.recoveredAt - o.rolledBackAt) / 100) / 10} s`);
        break;
      }
      // An operator's abort (or the companion stopping) means stop now: one check, no waiting.
      if (p.now() >= limit || p.aborted?.()) {
        ev('recovery', false, `not recovered${p.aborted?.() ? ' (run aborted; not waiting)' : ''}: ${s.problems.join('; ')}`);
        break;
      }
      await p.sleep(pollSeconds * 1000);
    }
    o.budgetAfter = await budgets(p, budgetSlos);
  }
  // Models score points a cycle or more after they are scraped: an anomaly in the data while the fault was
  // on counts even when it was scored after the observation ended (looked up again once recovered).
  if (o.firstAnomalyAt === undefined && o.injectedAt !== undefined && p.firstAnomaly) {
    const at = p.firstAnomaly(e.anomaly?.component ?? exp.target, o.injectedAt);
    if (at !== undefined && (o.rolledBackAt === undefined || at <= o.rolledBackAt)) {
      o.firstAnomalyAt = at;
      ev('observe', true, `first anomaly on ${e.anomaly?.component ?? exp.target} (scored after the observation)`);
    }
  }
  return finish();
}

async function budgets(p: RunnerPorts, ids: string[]): Promise<Record<string, number>> {
  try {
    const b = await perSlo(p.query, p.sloMetrics.budgetRemaining, p.sloMetrics.idLabel, ids);
    return Object.fromEntries(Object.entries(b).filter((x): x is [string, number] => x[1] !== undefined));
  } catch {
    return {};
  }
}
