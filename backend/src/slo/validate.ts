// Semantic validation of normalized SLOs, before any rule is generated or written: objective range, names usable
// as label values, PromQL syntax (after substituting placeholders), required `{{.window}}`, durations, duplicates.
import { burnConditions } from './burn.js';
import type { Issue, SloDef } from './model.js';
import { hasWindowPlaceholder, isLabelName, isMetricName, promqlSyntaxError, substituteWindow } from './promql.js';
import { compileSli, userQueries } from './sli.js';
import { parseDuration } from './window.js';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// Prometheus and Sloth take any alert name (it is the `alertname` label's value): `slo_foo-bar` is fine. Refuse
// only what breaks Alertmanager matchers and templates written by hand: whitespace, quotes, braces.
const ALERT_RE = /^[^\s"'{}\\]+$/;

export function validateSlos(slos: SloDef[]): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, string>();
  for (const s of slos) {
    const err = (field: string, message: string) => issues.push({ level: 'error', file: s.source.file, slo: s.name, field, message });
    const warn = (field: string, message: string) => issues.push({ level: 'warning', file: s.source.file, slo: s.name, field, message });

    const prev = seen.get(s.id);
    if (prev !== undefined) err('name', `duplicate SLO id '${s.id}' (also defined in ${prev})`);
    seen.set(s.id, s.source.file);
    if (!NAME_RE.test(s.name)) err('name', `'${s.name}' must start with a letter/digit and contain only letters, digits, '-', '_', '.'`);
    if (!NAME_RE.test(s.service)) err('service', `'${s.service}' must start with a letter/digit and contain only letters, digits, '-', '_', '.'`);
    if (!(s.objective > 0 && s.objective < 100)) err('objective', `${s.objective} is out of range: a percent strictly between 0 and 100 (e.g. 99.9)`);
    else if (s.objective < 50) warn('objective', `${s.objective}% is unusually low; objectives are percents (99.9), not ratios (0.999)`);
    if (!ALERT_RE.test(s.alerting.name)) err('alerting.name', `'${s.alerting.name}' is not a usable alert name (no whitespace, quotes, braces or backslashes)`);
    if (s.alerting.noData.enabled) {
      if (!ALERT_RE.test(s.alerting.noData.name)) err('alerting.noData.name', `'${s.alerting.noData.name}' is not a usable alert name (no whitespace, quotes, braces or backslashes)`);
      else if (s.alerting.noData.name === s.alerting.name) err('alerting.noData.name', `must differ from alerting.name '${s.alerting.name}'`);
    }
    for (const [field, labels] of [['labels', s.labels], ['alerting.labels', s.alerting.labels], ['alerting.page.labels', s.alerting.page.labels], ['alerting.ticket.labels', s.alerting.ticket.labels]] as const) {
      for (const k of Object.keys(labels)) if (!isLabelName(k)) err(field, `'${k}' is not a valid label name`);
    }
    for (const [field, d] of [['alerting.page.for', s.alerting.page.for], ['alerting.ticket.for', s.alerting.ticket.for], ['alerting.budget.for', s.alerting.budget.for], ['alerting.noData.for', s.alerting.noData.for]] as const) {
      if (d !== '' && d !== '0s' && parseDuration(d) === undefined) err(field, `'${d}' is not a Prometheus duration`);
    }

    // Queries the user wrote must carry the window placeholder and parse once it is substituted.
    for (const { field, query } of userQueries(s.sli)) {
      if (!hasWindowPlaceholder(query)) err(field, 'missing the {{.window}} placeholder (e.g. rate(x[{{.window}}])); without it every window would read the same range');
      const e = promqlSyntaxError(substituteWindow(query, '5m'));
      if (e) err(field, e);
    }
    if (s.sli.kind === 'latency' || s.sli.kind === 'availability') {
      if (!isMetricName(s.sli.metric)) err('sli.metric', `'${s.sli.metric}' is not a metric name`);
      if (s.sli.kind === 'latency' && /_(bucket|count|sum)$/.test(s.sli.metric) && !s.sli.native) {
        err('sli.metric', `give the histogram's base name without '_bucket'/'_count'/'_sum' ('${s.sli.metric.replace(/_(bucket|count|sum)$/, '')}')`);
      }
      if (s.sli.selector !== '' && promqlSyntaxError(`x${s.sli.selector}`)) err('sli.selector', `'${s.sli.selector}' is not a label selector like {job="api"}`);
    }
    // The generated expression must parse too (catches e.g. a selector that breaks the composition).
    const e = promqlSyntaxError(compileSli(s.sli).errorRatio('5m'));
    if (e && !issues.some((i) => i.level === 'error' && i.slo === s.name && i.file === s.source.file)) err('sli', `generated query does not parse: ${e}`);

    // The SLO window gets its own ratio rule next to the 5m…3d ones; ≤ 3d would collide with them, and the
    // multi-window tiers (up to 3d long windows) would not fit inside the budgeting period.
    if (s.window.days <= 3) err('window', `${s.window.text} is too short: SLO windows must be longer than 3d (the longest burn-rate window), e.g. 7d, 28d, 30d`);
    const budget = (100 - s.objective) / 100;
    for (const c of burnConditions(s.window.days, s.alerting.windows)) {
      const on = c.tier === 'page' ? s.alerting.page.enabled : s.alerting.ticket.enabled;
      if (on && c.factor * budget >= 1) warn(`alerting.${c.tier}`, `burn factor ${c.factor} × budget ${budget} ≥ 1: the ${c.long}/${c.short} condition can never fire`);
    }
    if (s.alerting.minEvents > 0 && s.sli.kind === 'raw') warn('alerting.minEvents', 'a raw error-ratio SLI has no event counts; the minimum-events guard is not applied');
    if (s.window.days > 90) warn('window', `${s.window.text}: the period rule sums ${s.window.days} days of 5m samples per evaluation`);
  }
  return issues;
}
