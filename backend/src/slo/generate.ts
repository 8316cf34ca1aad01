// SLO → Prometheus rule groups (Sloth-compatible names and labels), one file per SLO.
import { burnConditions, sliWindows, type BurnCondition } from './burn.js';
import type { Labels, SloDef, TierOptions } from './model.js';
import { num } from './promql.js';
import { emitRuleGroups } from './rule-yaml.js';
import { compileSli, noDataQuery } from './sli.js';

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Labels;
}
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Labels;
  annotations?: Labels;
}
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}

export interface GenerateOptions {
  /** Group evaluation interval (e.g. '30s'); omitted → Prometheus' global evaluation_interval. */
  interval?: string;
  /** Written into sloth_slo_info so dashboards can tell who generated the rules. */
  version?: string;
}

export const GENERATOR_VERSION = 'foresight-0.1.0';

/** Carried by every alert Foresight generates (and by no one else's): the routing merge selects on it. */
export const FORESIGHT_SOURCE = 'slo';
export const SOURCE_LABEL = 'foresight_source';

export const groupNames = (id: string) => ({
  sli: `sloth-slo-sli-recordings-${id}`,
  meta: `sloth-slo-meta-recordings-${id}`,
  alerts: `sloth-slo-alerts-${id}`,
});

export const ruleFileName = (id: string): string => `foresight-slo-${id}.yml`;

/** Matcher that selects exactly this SLO's series (Sloth selects on these three labels). */
export function idSelector(slo: SloDef): string {
  return `{sloth_id="${slo.id}", sloth_service="${slo.service}", sloth_slo="${slo.name}"}`;
}

function idLabels(slo: SloDef): Labels {
  return { sloth_id: slo.id, sloth_service: slo.service, sloth_slo: slo.name };
}

/** Prometheus' own spelling of a whole number of days, as Sloth writes it: weeks and years only when exact. */
export function promDays(days: number): string {
  if (days % 365 === 0) return `${days / 365}y`;
  if (days % 7 === 0) return `${days / 7}w`;
  return `${days}d`;
}

/**
 * Name of the SLO window in record names (`slo:sli_error:ratio_rate<name>`). Sloth specs keep Sloth's names
 * (28d → 4w, 7d → 1w) so dashboards built on Sloth's rules keep working; our own formats say days.
 */
export function periodName(slo: SloDef): string {
  return slo.source.format.startsWith('sloth/') ? promDays(slo.window.days) : slo.window.text;
}

export function sliGroup(slo: SloDef, o: GenerateOptions = {}): RuleGroup {
  const sli = compileSli(slo.sli);
  const base = { ...slo.labels, ...idLabels(slo) };
  const rules: RecordingRule[] = sliWindows(slo.alerting.windows).map((w) => ({
    record: `slo:sli_error:ratio_rate${w}`,
    expr: sli.errorRatio(w),
    labels: { ...base, sloth_window: w },
  }));
  const sel = idSelector(slo);
  const period = periodName(slo);
  if (sli.events) {
    // Per-second event rates over 5m, so the SLO window's ratio can be computed from summed counts:
    // sum_over_time(errors)/sum_over_time(total) weights every 5m slice by its traffic, unlike averaging the
    // 5m ratios (which lets a quiet night with one failed request count as much as the busy day).
    rules.push(
      { record: 'slo:sli_error_events:rate5m', expr: `${sli.events.errors('5m')} or on() vector(0)`, labels: base },
      { record: 'slo:sli_total_events:rate5m', expr: `${sli.events.total('5m')} or on() vector(0)`, labels: base },
      {
        record: `slo:sli_error:ratio_rate${period}`,
        expr:
          `sum_over_time(slo:sli_error_events:rate5m${sel}[${period}])\n` +
          `  / (sum_over_time(slo:sli_total_events:rate5m${sel}[${period}]) > 0)\n` +
          `or on() vector(0)`,
        labels: { ...base, sloth_window: period },
      },
    );
  } else {
    // Raw ratios have no counts: the best available is the time average of the 5m ratio (Sloth's method).
    rules.push({
      record: `slo:sli_error:ratio_rate${period}`,
      expr:
        `sum_over_time(slo:sli_error:ratio_rate5m${sel}[${period}])\n` +
        `  / ignoring (sloth_window) count_over_time(slo:sli_error:ratio_rate5m${sel}[${period}])`,
      labels: { ...base, sloth_window: period },
    });
  }
  return withInterval({ name: groupNames(slo.id).sli, rules }, o);
}

/** Like Sloth's, the burn-rate/remaining series keep the `sloth_window` label of the ratio they divide. */
export function metaGroup(slo: SloDef, o: GenerateOptions = {}): RuleGroup {
  const base = { ...slo.labels, ...idLabels(slo) };
  const sel = idSelector(slo);
  const budget = (100 - slo.objective) / 100;
  const on = 'on (sloth_id, sloth_slo, sloth_service) group_left';
  const rules: RecordingRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${num(slo.objective / 100)})`, labels: base },
    { record: 'slo:error_budget:ratio', expr: `vector(${num(budget)})`, labels: base },
    { record: 'slo:time_period:days', expr: `vector(${slo.window.days})`, labels: base },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate5m${sel}\n  / ${on}\nslo:error_budget:ratio${sel}`,
      labels: base,
    },
    {
      record: 'slo:period_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate${periodName(slo)}${sel}\n  / ${on}\nslo:error_budget:ratio${sel}`,
      labels: base,
    },
    { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - slo:period_burn_rate:ratio${sel}`, labels: base },
    // When these rules started recording (kept by reading its own last value): the budget-consumed alert scales
    // the period's figure by how much of the period has history, so a fresh rule set does not fire on minutes.
    { record: 'slo:sli_history_start:timestamp', expr: `slo:sli_history_start:timestamp${sel} or on() vector(time())`, labels: base },
    {
      record: 'sloth_slo_info',
      expr: 'vector(1)',
      labels: {
        ...base,
        sloth_mode: 'cli-gen-foresight',
        sloth_spec: slo.source.format,
        sloth_version: o.version ?? GENERATOR_VERSION,
        sloth_objective: num(slo.objective),
        foresight_window: slo.window.kind === 'calendar' ? `calendar-${slo.window.unit}` : slo.window.text,
      },
    },
  ];
  return withInterval({ name: groupNames(slo.id).meta, rules }, o);
}

/** `max(a > x) without (sloth_window) and max(b > x) without (sloth_window)`, optionally min-events guarded. */
function conditionExpr(slo: SloDef, c: BurnCondition): string {
  const sel = idSelector(slo);
  const threshold = `(${num(c.factor)} * ${num((100 - slo.objective) / 100)})`;
  const part = (w: string) => `max(slo:sli_error:ratio_rate${w}${sel} > ${threshold}) without (sloth_window)`;
  let expr = `(\n    ${part(c.short)}\n    and\n    ${part(c.long)}\n`;
  if (slo.alerting.minEvents > 0 && slo.sli.kind !== 'raw') {
    // Minimum-events guard: a handful of requests at 3 a.m. must not page anyone.
    const secs = c.longHours * 3600;
    expr += `    and on()\n    (avg_over_time(slo:sli_total_events:rate5m${sel}[${c.long}]) * ${secs} >= ${slo.alerting.minEvents})\n`;
  }
  return `${expr}  )`;
}

/**
 * Labels Foresight adds to an alert without ever overwriting a label of the series: a grouped SLI
 * (`sum by (service) (…)`) keeps its own `service`/`slo` values, so two groups stay two alerts instead of
 * colliding ("same labelset after applying alert labels"). `label_replace(v, "l", "x", "l", "")` sets `l`
 * only where it is empty, i.e. absent.
 */
export const WHEN_ABSENT_LABELS = ['service', 'slo'] as const;

function keepSeriesLabels(slo: SloDef, expr: string): string {
  const values: Record<(typeof WHEN_ABSENT_LABELS)[number], string> = { service: slo.service, slo: slo.name };
  const open = WHEN_ABSENT_LABELS.map(() => 'label_replace(').join('');
  const close = WHEN_ABSENT_LABELS.map((l) => `, "${l}", "${promqlString(values[l])}", "${l}", "")`).join('');
  return `${open}\n${expr}\n${close}`;
}

const promqlString = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** Static alert labels: the user's, then ours under names a series never carries (and `severity`, for routing). */
function staticAlertLabels(slo: SloDef, extra: Labels, ours: Labels): Labels {
  const out: Labels = { ...slo.labels, ...slo.alerting.labels, ...extra, ...idLabels(slo), ...ours, [SOURCE_LABEL]: FORESIGHT_SOURCE };
  // Never pin a label the series keep from the SLI (label_replace above fills it only when absent).
  for (const l of WHEN_ABSENT_LABELS) if (!(l in slo.labels) && !(l in slo.alerting.labels) && !(l in extra)) delete out[l];
  return out;
}

function tierAlert(slo: SloDef, tier: 'page' | 'ticket', opts: TierOptions): AlertingRule {
  const conds = burnConditions(slo.window.days, slo.alerting.windows).filter((c) => c.tier === tier);
  const a = slo.alerting;
  const rule: AlertingRule = {
    alert: a.name,
    expr: keepSeriesLabels(slo, conds.map((c) => conditionExpr(slo, c)).join('\nor\n')),
    labels: staticAlertLabels(slo, opts.labels, { sloth_severity: tier, severity: opts.severity, foresight_tier: tier }),
    annotations: {
      title: `(${tier}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`,
      summary: `{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.`,
      description: `Burn rate over ${conds.map((c) => `${c.long}/${c.short} > ${c.factor}x`).join(' or ')} of the ${num(slo.objective)}% objective's budget (${slo.window.text}).`,
      ...(a.runbookUrl ? { runbook_url: a.runbookUrl } : {}),
      ...(a.dashboardUrl ? { dashboard_url: a.dashboardUrl } : {}),
      ...a.annotations,
      ...opts.annotations,
    },
  };
  if (opts.for) rule.for = opts.for;
  return rule;
}

export const budgetAlertEnabled = (slo: SloDef): boolean =>
  slo.alerting.budget.enabled && (slo.alerting.page.enabled || slo.alerting.ticket.enabled);

/**
 * Share of the period's budget consumed, counted only over the history the rules have recorded: (1 - remaining)
 * is the spend rate over the recorded part, scaled by the recorded part's share of the period (capped at 1).
 */
function budgetConsumedExpr(slo: SloDef): string {
  const sel = idSelector(slo);
  const on = 'on (sloth_id, sloth_slo, sloth_service) group_left';
  return (
    `(1 - slo:period_error_budget_remaining:ratio${sel})\n` +
    `  * ${on}\n` +
    `clamp_max((time() - slo:sli_history_start:timestamp${sel}) / ${slo.window.days * 86400}, 1)\n` +
    `>= ${num(slo.alerting.budget.consumed)}`
  );
}

export function alertGroup(slo: SloDef, o: GenerateOptions = {}): RuleGroup {
  const a = slo.alerting;
  const rules: AlertingRule[] = [];
  if (a.page.enabled) rules.push(tierAlert(slo, 'page', a.page));
  if (a.ticket.enabled) rules.push(tierAlert(slo, 'ticket', a.ticket));
  // Never when every burn alert is disabled: the spec said "no alerts".
  if (budgetAlertEnabled(slo)) {
    const b: AlertingRule = {
      alert: `${a.name}BudgetConsumed`,
      expr: keepSeriesLabels(slo, budgetConsumedExpr(slo)),
      labels: staticAlertLabels(slo, {}, { sloth_severity: 'ticket', severity: a.budget.severity, foresight_tier: 'ticket', foresight_alert: 'budget' }),
      annotations: {
        title: `{{$labels.sloth_service}} {{$labels.sloth_slo}} has consumed ${num(a.budget.consumed * 100)}% of its error budget.`,
        summary: `{{$labels.sloth_service}} {{$labels.sloth_slo}} has consumed {{ $value | humanizePercentage }} of its error budget so far.`,
        ...(a.runbookUrl ? { runbook_url: a.runbookUrl } : {}),
        ...(a.dashboardUrl ? { dashboard_url: a.dashboardUrl } : {}),
        ...a.annotations,
      },
    };
    if (a.budget.for) b.for = a.budget.for;
    rules.push(b);
  }
  if (slo.alerting.noData.enabled) rules.push(noDataAlert(slo));
  return withInterval({ name: groupNames(slo.id).alerts, rules }, o);
}

/**
 * "SLI has no data": the SLI's total query returns no series at all. `vector(1) unless on() (q)` rather than
 * absent(q): absent() copies the equality matchers of a plain selector into labels, this yields one label-less
 * sample, to which our static labels are added.
 */
export function noDataAlert(slo: SloDef): AlertingRule {
  const n = slo.alerting.noData;
  const q = noDataQuery(slo.sli);
  const rule: AlertingRule = {
    alert: n.name,
    expr: keepSeriesLabels(slo, `vector(1) unless on() (\n  ${q}\n)`),
    labels: staticAlertLabels(slo, {}, { sloth_severity: 'ticket', severity: n.severity, foresight_tier: 'ticket', foresight_alert: 'nodata' }),
    annotations: {
      // Literal names: the sample has no sloth_* labels for {{$labels.x}} to read (vector(1) is label-less).
      title: `${slo.service} ${slo.name} SLI has no data.`,
      summary: `The SLI query of ${slo.service} ${slo.name} returns no series (no traffic ever, or a wrong metric name); its SLO reads as perfect meanwhile.`,
      query: q,
      ...(slo.alerting.runbookUrl ? { runbook_url: slo.alerting.runbookUrl } : {}),
      ...(slo.alerting.dashboardUrl ? { dashboard_url: slo.alerting.dashboardUrl } : {}),
    },
  };
  if (n.for) rule.for = n.for;
  return rule;
}

export function sloGroups(slo: SloDef, o: GenerateOptions = {}): RuleGroup[] {
  const groups = [sliGroup(slo, o), metaGroup(slo, o)];
  const alerts = alertGroup(slo, o);
  if (alerts.rules.length > 0) groups.push(alerts);
  return groups;
}

export function rulesYaml(groups: RuleGroup[], header?: string): string {
  // Our own emitter (no anchors/aliases, fixed key order): the `yaml` library's took most of a large generate.
  const body = emitRuleGroups(groups);
  return header ? `${header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n${body}` : body;
}

/** file name → YAML for every SLO (one file each, so one bad SLO's rollback never touches the others). */
export function generateRuleFiles(slos: SloDef[], o: GenerateOptions = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const slo of slos) {
    out[ruleFileName(slo.id)] = rulesYaml(
      sloGroups(slo, o),
      `Generated by Foresight from ${slo.source.format} (${slo.source.file}). Do not edit: regenerate instead.\nSLO ${slo.id}: ${num(slo.objective)}% over ${slo.window.kind === 'calendar' ? `calendar ${slo.window.unit}` : slo.window.text}.`,
    );
  }
  return out;
}

const withInterval = (g: RuleGroup, o: GenerateOptions): RuleGroup => (o.interval ? { name: g.name, interval: o.interval, rules: g.rules } : g);
