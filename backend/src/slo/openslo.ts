// Import of OpenSLO `openslo/v1` (SLO, SLI, AlertPolicy, AlertCondition; inline or by reference across the
// documents of one multi-doc YAML) and `openslo/v1alpha` (SLO with inline indicator/ratioMetrics).
// OpenSLO is vendor-neutral and richer than what Prometheus rules can express; every approximation is a warning.
import { defaultAlerting, type Issue, type SliDef, type SloDef, type SloWindow } from './model.js';
import { hasWindowPlaceholder, promqlSyntaxError, substituteWindow, topNodeName } from './promql.js';
import { calendarWindow, parseRollingWindow } from './window.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const nameOf = (o: Obj): string | undefined => (isObj(o.metadata) ? str(o.metadata.name) : undefined);

export interface OpenSloDoc {
  apiVersion: string;
  kind: string;
  metadata?: Obj;
  spec?: Obj;
}

interface Ctx {
  file: string;
  slo: string;
  issues: Issue[];
  byKind: Map<string, Map<string, Obj>>;
}
const warn = (c: Ctx, field: string, message: string) => c.issues.push({ level: 'warning', file: c.file, slo: c.slo, field, message });
const fail = (c: Ctx, field: string, message: string) => c.issues.push({ level: 'error', file: c.file, slo: c.slo, field, message });

/** Source types whose queries are PromQL (no warning needed). */
const PROMQL_TYPES = new Set(['prometheus', 'thanos', 'mimir', 'cortex', 'victoriametrics', 'promql']);

/**
 * Query text of a v1 metricSource or a v1alpha {source, queryType, query}. Any source type is usable when its query
 * is PromQL: `type: Any` (OpenSLO's own examples) or a `metricSourceRef` to a Prometheus DataSource; a query of
 * another type that does not parse as PromQL is an error naming the field.
 */
function queryOf(c: Ctx, field: string, m: unknown): string | undefined {
  if (!isObj(m)) return void fail(c, field, 'missing');
  const nested = isObj(m.metricSource);
  const src = nested ? (m.metricSource as Obj) : m; // v1 nests under metricSource; v1alpha is flat
  const srcField = nested ? `${field}.metricSource` : field;
  const ref = str(src.metricSourceRef) ?? str(src.dataSourceRef);
  const ds = ref !== undefined ? c.byKind.get('DataSource')?.get(ref) : undefined;
  const dsType = ds && isObj(ds.spec) ? str(ds.spec.type) : undefined;
  const type = str(src.type) ?? str(src.source) ?? dsType;
  const spec = isObj(src.spec) ? src.spec : src;
  const q = str(spec.query) ?? str(spec.promql) ?? str(spec.expr);
  if (!q) return void fail(c, `${srcField}.spec.query`, 'required PromQL string');
  if (type === undefined || PROMQL_TYPES.has(type.toLowerCase())) return q;
  const e = promqlSyntaxError(substituteWindow(q, '5m'));
  if (e) return void fail(c, `${srcField}.spec.query`, `source type '${type}': the query is not PromQL (${e}); only PromQL queries can become Prometheus rules`);
  warn(c, `${srcField}.type`, `source type '${type}': the query parses as PromQL and is evaluated by Prometheus`);
  return q;
}

/**
 * OpenSLO queries usually have no window: a counter selector is wrapped as `sum(rate(sel[{{.window}}]))`,
 * anything else as a subquery (warned: subqueries are costlier and approximate).
 */
function windowed(c: Ctx, field: string, q: string, counter: boolean): string {
  if (hasWindowPlaceholder(q)) return q;
  const fn = counter ? 'rate' : 'avg_over_time';
  if (topNodeName(q) === 'VectorSelector') return `sum(${fn}(${q}[{{.window}}]))`;
  warn(c, field, `query has no {{.window}} and is not a plain selector; evaluated as a subquery ${fn}((…)[{{.window}}:])`);
  return `sum(${fn}((${q})[{{.window}}:]))`;
}

const OPS: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** SLI from a v1 SLI spec (ratioMetric/thresholdMetric). */
function sliV1(c: Ctx, field: string, s: Obj, objective: Obj): SliDef | undefined {
  if (isObj(s.ratioMetric)) {
    const r = s.ratioMetric;
    const counter = r.counter !== false;
    if (isObj(r.raw)) {
      const q = queryOf(c, `${field}.ratioMetric.raw`, r.raw);
      if (!q) return undefined;
      const ratio = hasWindowPlaceholder(q) ? q : `avg_over_time((${q})[{{.window}}:])`;
      if (!hasWindowPlaceholder(q)) warn(c, `${field}.ratioMetric.raw`, 'raw ratio has no {{.window}}; averaged as a subquery');
      return { kind: 'raw', errorRatio: str(r.rawType) === 'success' ? `1 - (${ratio})` : ratio };
    }
    const total = queryOf(c, `${field}.ratioMetric.total`, r.total);
    const goodQ = r.good !== undefined ? queryOf(c, `${field}.ratioMetric.good`, r.good) : undefined;
    const badQ = r.bad !== undefined ? queryOf(c, `${field}.ratioMetric.bad`, r.bad) : undefined;
    if (!total || (!goodQ && !badQ)) {
      if (total && !goodQ && !badQ) fail(c, `${field}.ratioMetric`, 'needs good or bad');
      return undefined;
    }
    if (!counter) warn(c, `${field}.ratioMetric.counter`, 'false: good/total treated as gauges of event rates (averaged over the window)');
    const w = (f: string, q: string) => windowed(c, `${field}.ratioMetric.${f}`, q, counter);
    return badQ ? { kind: 'events', errors: w('bad', badQ), total: w('total', total) } : { kind: 'events', good: w('good', goodQ!), total: w('total', total) };
  }
  if (isObj(s.thresholdMetric)) {
    const q = queryOf(c, `${field}.thresholdMetric`, s.thresholdMetric);
    const op = OPS[str(objective.op) ?? ''];
    const value = typeof objective.value === 'number' ? objective.value : undefined;
    if (!q) return undefined;
    if (!op || value === undefined) return void fail(c, 'objectives.op', 'a threshold metric needs objective op (lt|lte|gt|gte) and value');
    // A threshold SLI is "good when the metric meets op value"; the error ratio is the share of time it does not,
    // sampled at subquery resolution (OpenSLO's Timeslices, approximated).
    warn(c, `${field}.thresholdMetric`, `threshold SLI evaluated as the share of time '${op} ${value}' fails (subquery time slices)`);
    return { kind: 'raw', errorRatio: `1 - avg_over_time(((${q}) ${op} bool ${value})[{{.window}}:])` };
  }
  return void fail(c, field, 'needs ratioMetric or thresholdMetric');
}

/** SLI from v1alpha: objective-level ratioMetrics, or the SLO's indicator.thresholdMetric. */
function sliV1alpha(c: Ctx, spec: Obj, objective: Obj): SliDef | undefined {
  if (isObj(objective.ratioMetrics)) {
    const r = objective.ratioMetrics;
    return sliV1(c, 'objectives.ratioMetrics', { ratioMetric: { counter: r.incremental !== false, good: r.good, bad: r.bad, total: r.total } }, objective);
  }
  const ind = isObj(spec.indicator) ? spec.indicator : undefined;
  if (ind && isObj(ind.thresholdMetric)) return sliV1(c, 'indicator', { thresholdMetric: ind.thresholdMetric }, objective);
  return void fail(c, 'objectives', 'needs ratioMetrics, or indicator.thresholdMetric with op/value');
}

function windowV1(c: Ctx, spec: Obj): SloWindow | undefined {
  // A list of one window per the spec; a single mapping is read the same way.
  const tw = isObj(spec.timeWindow) ? spec.timeWindow : arr(spec.timeWindow)[0];
  if (!isObj(tw)) return calendarOrRolling(c, 'timeWindow', '30d', true, 'missing; using 30d rolling');
  if (arr(spec.timeWindow).length > 1) warn(c, 'timeWindow', `${arr(spec.timeWindow).length} windows given; only the first is used`);
  const rolling = tw.isRolling !== false && tw.isRolling !== 'false';
  const cal = isObj(tw.calendar) ? tw.calendar : undefined;
  const tz = cal ? str(cal.timeZone) : undefined;
  if (!rolling && tz && !['UTC', 'Etc/UTC', 'GMT'].includes(tz)) warn(c, 'timeWindow[0].calendar.timeZone', `'${tz}' not expressed: calendar periods are aligned to UTC`);
  if (typeof tw.duration !== 'string') return void fail(c, 'timeWindow[0].duration', `required duration shorthand (e.g. 28d, 4w, 1M), got ${JSON.stringify(tw.duration)}`);
  return calendarOrRolling(c, 'timeWindow[0].duration', tw.duration, rolling);
}

function windowV1alpha(c: Ctx, spec: Obj): SloWindow | undefined {
  const tw = arr(spec.timeWindows)[0];
  if (!isObj(tw)) return calendarOrRolling(c, 'timeWindows', '30d', true, 'missing; using 30d rolling');
  const unit = { Second: 's', Minute: 'm', Hour: 'h', Day: 'd', Week: 'w', Month: 'M', Quarter: 'Q', Year: 'Y' }[str(tw.unit) ?? ''];
  if (!unit) return void fail(c, 'timeWindows[0].unit', `'${String(tw.unit)}' is not Day|Week|Month|Quarter|Year`);
  return calendarOrRolling(c, 'timeWindows[0]', `${Number(tw.count)}${unit}`, tw.isRolling !== false);
}

function calendarOrRolling(c: Ctx, field: string, d: string, rolling: boolean, note?: string): SloWindow | undefined {
  if (note) warn(c, field, note);
  if (d === '1M' || d === '1Q') {
    const w = calendarWindow(d === '1M' ? 'month' : 'quarter');
    if (rolling) warn(c, field, `rolling ${d} approximated as a rolling ${w.text}`);
    return rolling ? parseRollingWindow(w.text) as SloWindow : w;
  }
  if (!rolling) warn(c, field, `calendar-aligned '${d}' is only supported as 1M or 1Q; treated as rolling`);
  const w = parseRollingWindow(d.replace(/Y$/, 'y'));
  if (typeof w === 'string') return void fail(c, field, w);
  return w;
}

/** Resolves `x` or `{<kind>Ref: name}` / `{conditionRef: name}` / a bare name string against the other documents. */
function resolve(c: Ctx, field: string, kind: string, item: unknown, refKey: string): Obj | undefined {
  const name = typeof item === 'string' ? item : isObj(item) ? str(item[refKey]) : undefined;
  if (name !== undefined) {
    const found = c.byKind.get(kind)?.get(name);
    if (!found) fail(c, field, `${refKey} '${name}' matches no ${kind} document in the file`);
    return found;
  }
  return isObj(item) ? item : undefined;
}

/** Maps AlertPolicies onto our fixed page/ticket tiers, warning about every condition we do not reproduce. */
function alertingOf(c: Ctx, spec: Obj, version: 'v1' | 'v1alpha', name: string): SloDef['alerting'] {
  const al = defaultAlerting(`${name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join('')}SLOBurn`);
  const policies = arr(spec.alertPolicies);
  if (policies.length === 0) {
    // OpenSLO: no alert policy means no alerting; the SLO still gets its recording rules and budget.
    return { ...al, page: { ...al.page, enabled: false }, ticket: { ...al.ticket, enabled: false }, budget: { ...al.budget, enabled: false }, noData: { ...al.noData, enabled: false } };
  }
  if (version === 'v1alpha') warn(c, 'alertPolicies', 'v1alpha alert policies are not defined by the spec; multi-window burn-rate tiers used');
  const severities: string[] = [];
  policies.forEach((p, i) => {
    const pol = resolve(c, `alertPolicies[${i}]`, 'AlertPolicy', p, 'alertPolicyRef');
    const ps = pol && isObj(pol.spec) ? pol.spec : undefined;
    if (!ps) return;
    if (arr(ps.notificationTargets).length) warn(c, `alertPolicies[${i}].notificationTargets`, 'notification targets are Alertmanager routes, not rules; route on the alert labels instead');
    arr(ps.conditions).forEach((ci, j) => {
      const cond = resolve(c, `alertPolicies[${i}].conditions[${j}]`, 'AlertCondition', ci, 'conditionRef');
      const cs = cond && isObj(cond.spec) ? cond.spec : undefined;
      if (!cs) return;
      const sev = str(cs.severity);
      if (sev) severities.push(sev);
      const k = isObj(cs.condition) ? cs.condition : {};
      warn(
        c,
        `alertPolicies[${i}].conditions[${j}]`,
        `${str(k.kind) ?? '?'} ${str(k.op) ?? ''} ${String(k.threshold ?? '?')} over ${str(k.lookbackWindow) ?? '?'} (alertAfter ${str(k.alertAfter) ?? '-'}) ` +
          'replaced by the SRE-workbook multi-window tiers (page 2%/1h+5%/6h, ticket 10%/1d+10%/3d of the budget)',
      );
    });
  });
  return {
    ...al,
    page: { ...al.page, severity: severities[0] ?? al.page.severity },
    ticket: { ...al.ticket, severity: severities[1] ?? severities[0] ?? al.ticket.severity },
  };
}

/** metadata.labels → rule labels; v1 allows a list of values per label, which a Prometheus label cannot hold. */
function metaLabels(c: Ctx, metadata: Obj | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const l = metadata && isObj(metadata.labels) ? metadata.labels : {};
  for (const [k, v] of Object.entries(l)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (Array.isArray(v) && v.length === 1) out[k] = String(v[0]);
    else if (Array.isArray(v)) {
      out[k] = v.map(String).join(',');
      warn(c, `metadata.labels.${k}`, `${v.length} values joined with ',' (a Prometheus label holds one value)`);
    }
  }
  return out;
}

export function parseOpenSloDocs(docs: OpenSloDoc[], file: string, issues: Issue[]): SloDef[] {
  const byKind = new Map<string, Map<string, Obj>>();
  for (const d of docs) {
    const n = nameOf(d as unknown as Obj);
    if (!n) continue;
    if (!byKind.has(d.kind)) byKind.set(d.kind, new Map());
    byKind.get(d.kind)!.set(n, d as unknown as Obj);
  }
  const out: SloDef[] = [];
  docs.forEach((d, index) => {
    if (d.kind !== 'SLO') {
      if (!['SLI', 'AlertPolicy', 'AlertCondition', 'Service', 'DataSource', 'AlertNotificationTarget'].includes(d.kind)) {
        issues.push({ level: 'warning', file, field: 'kind', message: `document #${index} of kind '${d.kind}' is not an OpenSLO kind we use; ignored` });
      }
      return;
    }
    const version = d.apiVersion === 'openslo/v1' ? 'v1' : 'v1alpha';
    const name = nameOf(d as unknown as Obj);
    const c: Ctx = { file, slo: name ?? `#${index}`, issues, byKind };
    if (!name) return void fail(c, 'metadata.name', 'required');
    const spec = isObj(d.spec) ? d.spec : {};
    const service = str(spec.service);
    if (!service) return void fail(c, 'spec.service', 'required');
    const budgeting = str(spec.budgetingMethod) ?? 'Occurrences';
    if (budgeting !== 'Occurrences') warn(c, 'spec.budgetingMethod', `'${budgeting}' approximated by Occurrences (event ratio)`);
    const window = version === 'v1' ? windowV1(c, spec) : windowV1alpha(c, spec);
    const objectives = arr(spec.objectives).filter(isObj);
    if (objectives.length === 0) return void fail(c, 'spec.objectives', 'required non-empty list');
    const alerting = alertingOf(c, spec, version, `${service}-${name}`);
    objectives.forEach((obj, oi) => {
      for (const k of ['timeSliceTarget', 'timeSliceWindow', 'compositeWeight']) if (obj[k] !== undefined) warn(c, `objectives[${oi}].${k}`, 'not expressed in Prometheus rules; ignored');
      const target = typeof obj.target === 'number' ? obj.target * 100 : typeof obj.targetPercent === 'number' ? obj.targetPercent : undefined;
      if (target === undefined) return void fail(c, `objectives[${oi}].target`, 'required number (0 < target < 1)');
      let sli: SliDef | undefined;
      if (version === 'v1') {
        const ind = obj.indicator ?? obj.indicatorRef ?? spec.indicator ?? spec.indicatorRef;
        const sliDoc = resolve(c, 'spec.indicatorRef', 'SLI', ind, 'indicatorRef');
        const s = sliDoc && isObj(sliDoc.spec) ? sliDoc.spec : undefined;
        if (!s) return void (sliDoc === undefined && ind === undefined && fail(c, 'spec.indicator', 'required (inline SLI or indicatorRef)'));
        sli = sliV1(c, 'indicator.spec', s, obj);
      } else {
        sli = sliV1alpha(c, spec, obj);
      }
      if (!sli || !window) return;
      // Sloth's OpenSLO import names every objective `<slo>-<index>`, a single one included (`-0`): keep its names
      // (and so its sloth_id/sloth_slo labels) for users migrating from Sloth.
      const sloName = `${name}-${oi}`;
      out.push({
        id: `${service}-${sloName}`,
        service,
        name: sloName,
        description: str(spec.description) ?? '',
        objective: target,
        window,
        sli,
        labels: metaLabels(c, d.metadata),
        alerting: { ...alerting, name: objectives.length > 1 ? `${alerting.name}${oi}` : alerting.name },
        source: { file, format: version === 'v1' ? 'openslo/v1' : 'openslo/v1alpha', index },
      });
    });
  });
  return out;
}
