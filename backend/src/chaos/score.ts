// Judging one experiment run (pure): what was observed against what was expected. Each expectation is
// met, missed or not checked (with why), and the run gets figures: detection time (first anomaly, first
// alert), routing correct, RCA rank of the target, time to recover, SLO budget spent.
import type { ResolvedExperiment } from './validate.js';

export type Verdict = 'met' | 'missed' | 'not_checked';
export type Outcome = 'passed' | 'failed' | 'aborted' | 'refused' | 'error';

export interface Observations {
  /** ms: the first action ran */
  injectedAt?: number;
  /** ms: every rollback ran */
  rolledBackAt?: number;
  /** ms: steady state back after the rollback */
  recoveredAt?: number;
  /** ms: the first anomaly finding on the component */
  firstAnomalyAt?: number;
  alert?: { firstSeenAt: number; startsAt?: number; receivers: string[]; labels: Record<string, string> };
  /** investigation started at detection: components best first, runbook ids best first */
  rca?: { components: string[]; runbooks: string[]; id?: string; at: number } | { error: string; at: number };
  remediation?: { at: number; outcome: string; dryRun: boolean };
  budgetBefore?: Record<string, number>;
  budgetAfter?: Record<string, number>;
  aborted?: { at: number; reason: string };
  refused?: string;
  error?: string;
}

export interface ExpectationVerdict {
  expectation: 'alert' | 'receiver' | 'anomaly' | 'rca' | 'runbook' | 'remediation' | 'recovery';
  verdict: Verdict;
  expected: string;
  observed: string;
}

export interface Scores {
  anomalyDetectionSeconds?: number;
  alertDetectionSeconds?: number;
  routingCorrect?: boolean;
  /** 1-based rank of the expected component in the RCA result, 0 when absent */
  rcaRank?: number;
  rcaCorrect?: boolean;
  timeToRecoverSeconds?: number;
  /** fraction of the period's budget each SLO spent during the run */
  budgetSpent: Record<string, number>;
}

export interface Judgement {
  outcome: Outcome;
  verdicts: ExpectationVerdict[];
  scores: Scores;
  summary: string;
}

const secs = (a: number | undefined, from: number | undefined): number | undefined => (a !== undefined && from !== undefined ? Math.round((a - from) / 100) / 10 : undefined);
const fmt = (s: number | undefined): string => (s === undefined ? '—' : `${s} s`);

export function judge(exp: ResolvedExperiment, o: Observations): Judgement {
  const v: ExpectationVerdict[] = [];
  const e = exp.expect;
  const t0 = o.injectedAt;
  const never = o.refused ? `refused: ${o.refused}` : o.error && t0 === undefined ? `error: ${o.error}` : undefined;
  // Nothing observed yet when the run was cut short is "not checked", not "missed".
  const cutShort = (deadline: number): string | undefined =>
    never ?? (o.aborted && t0 !== undefined && o.aborted.at < t0 + deadline * 1000 ? `aborted after ${fmt(secs(o.aborted.at, t0))} (${o.aborted.reason}) before the ${deadline} s deadline` : undefined);

  const alertSecs = secs(o.alert?.firstSeenAt, t0);
  if (e.alert) {
    const want = `${e.alert.name}${Object.keys(e.alert.labels).length ? JSON.stringify(e.alert.labels) : ''} within ${e.alert.within} s`;
    if (o.alert && alertSecs !== undefined && alertSecs <= e.alert.within) v.push({ expectation: 'alert', verdict: 'met', expected: want, observed: `firing after ${alertSecs} s` });
    else if (o.alert) v.push({ expectation: 'alert', verdict: 'missed', expected: want, observed: `firing only after ${alertSecs} s` });
    else {
      const why = cutShort(e.alert.within);
      v.push({ expectation: 'alert', verdict: why ? 'not_checked' : 'missed', expected: want, observed: why ?? `not firing within ${e.alert.within} s` });
    }
    if (e.alert.receiver !== undefined) {
      const want = [e.alert.receiver].flat();
      const exp = `routed to ${want.join(', ')}`;
      if (!o.alert) v.push({ expectation: 'receiver', verdict: 'not_checked', expected: exp, observed: 'no alert to route' });
      else {
        const ok = want.every((r) => o.alert!.receivers.includes(r));
        v.push({ expectation: 'receiver', verdict: ok ? 'met' : 'missed', expected: exp, observed: `Alertmanager routed it to ${o.alert.receivers.join(', ') || '(no receiver)'}` });
      }
    }
  }
  const anomalySecs = secs(o.firstAnomalyAt, t0);
  if (e.anomaly) {
    const want = `anomaly on ${e.anomaly.component ?? exp.target} within ${e.anomaly.within} s`;
    if (anomalySecs !== undefined && anomalySecs <= e.anomaly.within) v.push({ expectation: 'anomaly', verdict: 'met', expected: want, observed: `first anomaly after ${anomalySecs} s` });
    else {
      const why = anomalySecs === undefined ? cutShort(e.anomaly.within) : undefined;
      v.push({ expectation: 'anomaly', verdict: why ? 'not_checked' : 'missed', expected: want, observed: why ?? (anomalySecs === undefined ? 'no anomaly finding' : `first anomaly only after ${anomalySecs} s`) });
    }
  }
  let rcaRank: number | undefined;
  if (o.rca && 'components' in o.rca && e.rca) rcaRank = o.rca.components.indexOf(e.rca.component) + 1;
  if (e.rca) {
    const want = `${e.rca.component} in the top ${e.rca.topK}`;
    if (!o.rca) v.push({ expectation: 'rca', verdict: 'not_checked', expected: want, observed: never ?? 'no investigation (nothing detected)' });
    else if ('error' in o.rca) v.push({ expectation: 'rca', verdict: 'missed', expected: want, observed: `investigation failed: ${o.rca.error}` });
    else
      v.push({
        expectation: 'rca',
        verdict: rcaRank! >= 1 && rcaRank! <= e.rca.topK ? 'met' : 'missed',
        expected: want,
        observed: rcaRank ? `ranked #${rcaRank} (top: ${o.rca.components.slice(0, 3).join(', ')})` : `not ranked (top: ${o.rca.components.slice(0, 3).join(', ') || 'none'})`,
      });
  }
  if (e.runbook) {
    const want = `runbook ${e.runbook} suggested first`;
    if (!o.rca) v.push({ expectation: 'runbook', verdict: 'not_checked', expected: want, observed: never ?? 'no investigation (nothing detected)' });
    else if ('error' in o.rca) v.push({ expectation: 'runbook', verdict: 'missed', expected: want, observed: `investigation failed: ${o.rca.error}` });
    else v.push({ expectation: 'runbook', verdict: o.rca.runbooks[0] === e.runbook ? 'met' : 'missed', expected: want, observed: `suggested ${o.rca.runbooks.join(', ') || 'none'}` });
  }
  if (e.remediation) {
    const want = `${e.remediation.action} ${e.remediation.mode === 'live' ? 'executed' : 'acted (dry run counts)'} within ${e.remediation.within} s`;
    const at = secs(o.remediation?.at, t0);
    const acted = o.remediation && (e.remediation.mode === 'dry-run' ? ['dry_run', 'executed', 'verified'].includes(o.remediation.outcome) : ['executed', 'verified'].includes(o.remediation.outcome));
    if (acted && at !== undefined && at <= e.remediation.within) v.push({ expectation: 'remediation', verdict: 'met', expected: want, observed: `${o.remediation!.outcome} after ${at} s` });
    else {
      const why = o.remediation ? undefined : cutShort(e.remediation.within);
      v.push({ expectation: 'remediation', verdict: why ? 'not_checked' : 'missed', expected: want, observed: why ?? (o.remediation ? `${o.remediation.outcome} after ${at} s` : 'no remediation audited') });
    }
  }
  const ttr = secs(o.recoveredAt, o.rolledBackAt);
  if (e.recovery) {
    const want = `steady state back within ${e.recovery.within} s of the rollback`;
    if (never || o.rolledBackAt === undefined) v.push({ expectation: 'recovery', verdict: 'not_checked', expected: want, observed: never ?? 'not rolled back' });
    else if (ttr !== undefined && ttr <= e.recovery.within) v.push({ expectation: 'recovery', verdict: 'met', expected: want, observed: `recovered after ${ttr} s` });
    else v.push({ expectation: 'recovery', verdict: 'missed', expected: want, observed: ttr === undefined ? `not recovered within ${e.recovery.within} s` : `recovered only after ${ttr} s` });
  }

  const budgetSpent: Record<string, number> = {};
  for (const [id, before] of Object.entries(o.budgetBefore ?? {})) {
    const after = o.budgetAfter?.[id];
    if (after !== undefined) budgetSpent[id] = Math.round((before - after) * 1e6) / 1e6;
  }
  const scores: Scores = { budgetSpent };
  if (anomalySecs !== undefined) scores.anomalyDetectionSeconds = anomalySecs;
  if (alertSecs !== undefined) scores.alertDetectionSeconds = alertSecs;
  const routing = v.find((x) => x.expectation === 'receiver');
  if (routing && routing.verdict !== 'not_checked') scores.routingCorrect = routing.verdict === 'met';
  if (rcaRank !== undefined) {
    scores.rcaRank = rcaRank;
    scores.rcaCorrect = v.find((x) => x.expectation === 'rca')?.verdict === 'met';
  }
  if (ttr !== undefined) scores.timeToRecoverSeconds = ttr;

  const missed = v.filter((x) => x.verdict === 'missed');
  const outcome: Outcome = o.refused ? 'refused' : o.error ? 'error' : o.aborted ? 'aborted' : missed.length ? 'failed' : 'passed';
  const met = v.filter((x) => x.verdict === 'met').length;
  const summary =
    outcome === 'refused' ? `refused before injection: ${o.refused}`
    : outcome === 'error' ? `error: ${o.error}`
    : `${met}/${v.length} expectations met${missed.length ? `; missed: ${missed.map((m) => `${m.expectation} (${m.observed})`).join('; ')}` : ''}${o.aborted ? `; aborted: ${o.aborted.reason}` : ''}`;
  return { outcome, verdicts: v, scores, summary };
}
