// Generates a `promtool test rules` suite per SLO that proves the alert logic: page alerts fire on a fast burn,
// ticket alerts on a slow burn, nothing fires on a healthy series, and a burn that stopped (long window still
// high, short window clean) does not page. Inputs are the SLI recording series, so the test exercises exactly
// the alerting group that is written to Prometheus, for every SLI kind alike.
import { stringify } from 'yaml';
import { burnConditions, sliWindows } from './burn.js';
import { alertGroup, rulesYaml, type AlertingRule, type GenerateOptions } from './generate.js';
import type { Labels, SloDef } from './model.js';
import { num } from './promql.js';
import { parseDuration } from './window.js';

export interface RuleTestFiles {
  /** The SLO's alerting group alone (same text as in its rule file). */
  alerts: { name: string; yaml: string };
  /** The promtool test file; references `alerts.name` relative to itself. */
  test: { name: string; yaml: string };
}


interface Scenario {
  name: string;
  ratio: Record<string, number>;
  remaining: number;
  /** Seconds of recorded history at the evaluation time (the period's length = full history). */
  history: number;
  expectPage: boolean;
  expectTicket: boolean;
  expectBudget: boolean;
}

function seriesText(metric: string, labels: Labels): string {
  return `${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(', ')}}`;
}

/** Expands the only template forms we generate: {{$labels.x}} and {{ $value | humanizePercentage }}. */
export function expand(text: string, labels: Labels, value: number): string {
  return text
    .replace(/\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_m, k: string) => labels[k] ?? '')
    .replace(/\{\{\s*\$value\s*\|\s*humanizePercentage\s*\}\}/g, () => `${Number((value * 100).toPrecision(4))}%`);
}

export function ruleTestFiles(slo: SloDef, o: GenerateOptions = {}): RuleTestFiles {
  const group = alertGroup(slo, o);
  const alertsName = `foresight-slo-${slo.id}.alerts.yml`;
  const budget = (100 - slo.objective) / 100;
  const conds = burnConditions(slo.window.days, slo.alerting.windows);
  const WINDOWS = sliWindows(slo.alerting.windows);
  const minPage = Math.min(...conds.filter((c) => c.tier === 'page').map((c) => c.factor));
  const minTicket = Math.min(...conds.filter((c) => c.tier === 'ticket').map((c) => c.factor));
  const fires = (tier: 'page' | 'ticket', ratio: Record<string, number>) =>
    conds.some((c) => c.tier === tier && ratio[c.long]! > c.factor * budget && ratio[c.short]! > c.factor * budget);
  const all = (v: number) => Object.fromEntries(WINDOWS.map((w) => [w, Math.min(1, v)]));
  const threshold = 1 - slo.alerting.budget.consumed;
  const period = slo.window.days * 86400;
  const mk = (name: string, ratio: Record<string, number>, remaining: number, history = period): Scenario => ({
    name,
    ratio,
    remaining,
    history,
    expectPage: fires('page', ratio),
    expectTicket: fires('ticket', ratio),
    expectBudget: (1 - remaining) * Math.min(1, history / period) >= slo.alerting.budget.consumed,
  });
  const scenarios: Scenario[] = [
    mk('fast burn pages', all(budget * minPage * 1.5), threshold / 2),
    mk('slow burn opens a ticket, does not page', all(budget * (minTicket + Math.min(minPage, minTicket * 3)) / 2), Math.min(1, threshold + 0.2)),
    mk('healthy series fires nothing', all(budget * minTicket * 0.5), 0.95),
    // Burn stopped: 1h still above the page factor but 5m clean; 6h/30m and ticket windows clean as well.
    mk('burn that stopped does not page', { ...all(0), '1h': Math.min(1, budget * minPage * 1.5) }, 0.95),
    // Rules just installed: a few minutes of errors make the period ratio look spent; the budget alert must wait.
    mk('fresh history does not fire the budget alert', all(budget * minTicket * 0.5), threshold - 5, 0),
  ];

  const idLabels: Labels = { ...slo.labels, sloth_id: slo.id, sloth_service: slo.service, sloth_slo: slo.name };
  const fors = group.rules.map((r) => parseDuration((r as AlertingRule).for ?? '') ?? 0);
  const evalMinutes = 10 + Math.ceil(Math.max(0, ...fors) / 60);
  const n = evalMinutes + 5;
  const page = group.rules.find((r) => (r as AlertingRule).labels?.foresight_tier === 'page' && !(r as AlertingRule).labels?.foresight_alert) as AlertingRule | undefined;
  const ticket = group.rules.find((r) => (r as AlertingRule).labels?.foresight_tier === 'ticket' && !(r as AlertingRule).labels?.foresight_alert) as AlertingRule | undefined;
  const budgetRule = group.rules.find((r) => (r as AlertingRule).labels?.foresight_alert === 'budget') as AlertingRule | undefined;
  const noDataRule = group.rules.find((r) => (r as AlertingRule).labels?.foresight_alert === 'nodata') as AlertingRule | undefined;

  const expected = (rule: AlertingRule, value: number) => {
    // The alert keeps the series' labels; `service`/`slo` are added by the expression only where absent.
    const labels = { service: slo.service, slo: slo.name, ...idLabels, ...rule.labels };
    return {
      exp_labels: labels,
      exp_annotations: Object.fromEntries(Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, expand(v, labels, value)])),
    };
  };

  const tests = scenarios.map((s) => {
    const input_series = [
      ...WINDOWS.map((w) => ({ series: seriesText(`slo:sli_error:ratio_rate${w}`, { ...idLabels, sloth_window: w }), values: `${num(s.ratio[w]!)}x${n}` })),
      { series: seriesText('slo:sli_total_events:rate5m', idLabels), values: `1000x${n}` },
      { series: seriesText('slo:period_error_budget_remaining:ratio', idLabels), values: `${num(s.remaining)}x${n}` },
      // Test time starts at 0: a start of -history seconds means `history` seconds recorded at t=0.
      { series: seriesText('slo:sli_history_start:timestamp', idLabels), values: `${num(-s.history)}x${n}` },
    ];
    const alert_rule_test: { eval_time: string; alertname: string; exp_alerts: unknown[] }[] = [];
    if (page || ticket) {
      const exp: unknown[] = [];
      if (page && s.expectPage) exp.push(expected(page, 0));
      if (ticket && s.expectTicket) exp.push(expected(ticket, 0));
      alert_rule_test.push({ eval_time: `${evalMinutes}m`, alertname: slo.alerting.name, exp_alerts: exp });
    }
    if (budgetRule) {
      const consumed = (1 - s.remaining) * Math.min(1, (s.history + evalMinutes * 60) / period);
      alert_rule_test.push({ eval_time: `${evalMinutes}m`, alertname: budgetRule.alert, exp_alerts: s.expectBudget ? [expected(budgetRule, consumed)] : [] });
    }
    // The inputs are recorded series only: the SLI's own metric has no series, so the no-data alert must fire.
    if (noDataRule) alert_rule_test.push({ eval_time: `${evalMinutes}m`, alertname: noDataRule.alert, exp_alerts: [expected(noDataRule, 1)] });
    return { name: `${slo.id}: ${s.name}`, interval: '1m', input_series, alert_rule_test };
  });

  return {
    alerts: { name: alertsName, yaml: rulesYaml([group], `Alert rules of SLO ${slo.id}, alone, for its promtool test suite.`) },
    test: {
      name: `foresight-slo-${slo.id}.test.yml`,
      yaml: `# promtool test rules suite for SLO ${slo.id} (generated by Foresight).\n` + stringify({ rule_files: [alertsName], evaluation_interval: '1m', tests }, { lineWidth: 0, aliasDuplicateObjects: false }),
    },
  };
}
