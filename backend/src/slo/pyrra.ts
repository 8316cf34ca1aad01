// Import of Pyrra's `apiVersion: pyrra.dev/v1alpha1, kind: ServiceLevelObjective` (the CRD and Pyrra's filesystem
// mode read the same object), unchanged. Pyrra's indicators (ratio, latency, latencyNative, bool_gauge) take plain
// vector selectors plus an optional `grouping`; they become SLIs with `{{.window}}` queries aggregated
// `by (grouping)`, so every group keeps its own labels and alerts. Pyrra's own burn-rate windows (14×/7× critical,
// 2×/1× warning, scaled from 28d to the SLO window) are kept. What cannot be expressed is a warning naming the field.
import type { BurnTier } from './burn.js';
import { defaultAlerting, type Issue, type Labels, type SliDef, type SloDef } from './model.js';
import { isLabelName, num, promqlSyntaxError, topNodeName } from './promql.js';
import { parseDuration, parseRollingWindow } from './window.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Pyrra's default alert name (the alerts of all SLOs share it and differ by their `slo` label). */
export const PYRRA_ALERT_NAME = 'ErrorBudgetBurn';
/** Pyrra's default name for its "metric absent" alert. */
export const PYRRA_ABSENT_NAME = 'SLOMetricAbsent';

const PREFIX = 'pyrra.dev/';
const KNOWN_SPEC = new Set(['description', 'target', 'window', 'indicator', 'alerting', 'partial_response_strategy']);
const KNOWN_ALERTING = new Set(['disabled', 'burnrates', 'absent', 'name', 'absentName']);

interface Ctx {
  file: string;
  slo: string;
  issues: Issue[];
}
const warn = (c: Ctx, field: string, message: string) => void c.issues.push({ level: 'warning', file: c.file, slo: c.slo, field, message });
const fail = (c: Ctx, field: string, message: string) => void c.issues.push({ level: 'error', file: c.file, slo: c.slo, field, message });

/** Formats whole seconds as the largest exact Prometheus unit (Pyrra rounds its windows to minutes). */
function promDuration(secs: number): string {
  for (const [unit, s] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (secs % s === 0) return `${secs / s}${unit}`;
  return `${secs}s`;
}

/**
 * Pyrra's multi-window tiers for an SLO window: for 28d the long/short pairs are 1h/5m and 6h/30m (critical,
 * 14× and 7×), 1d/2h and 4d/6h (warning, 2× and 1×); other windows scale them (rounded to the minute).
 * Expressed as budget fractions so our burn factor (fraction × period / long) gives back 14, 7, 2, 1.
 */
export function pyrraTiers(days: number): BurnTier[] {
  const w = days * 86400;
  const round = (s: number) => Math.max(60, Math.round(s / 60) * 60);
  const defs = [
    { tier: 'page', long: w / 672, short: w / 8064, factor: 14 },
    { tier: 'page', long: w / 112, short: w / 1344, factor: 7 },
    { tier: 'ticket', long: w / 28, short: w / 336, factor: 2 },
    { tier: 'ticket', long: w / 7, short: w / 112, factor: 1 },
  ] as const;
  return defs.map((d) => {
    const long = round(d.long);
    return {
      tier: d.tier,
      long: promDuration(long),
      short: promDuration(round(d.short)),
      longHours: long / 3600,
      budgetFraction: (d.factor * long) / w,
    };
  });
}

/** A Pyrra `{metric: <selector>}`: Pyrra only takes a plain vector selector (it wraps it in rate/sum itself). */
function selectorOf(c: Ctx, field: string, q: unknown): string | undefined {
  const m = isObj(q) ? str(q.metric) : undefined;
  if (!m || m.trim() === '') return fail(c, `${field}.metric`, 'required PromQL vector selector (e.g. http_requests_total{job="api"})');
  const e = promqlSyntaxError(m);
  if (e) return fail(c, `${field}.metric`, e);
  if (topNodeName(m) !== 'VectorSelector') return fail(c, `${field}.metric`, `'${m}' is not a plain vector selector (Pyrra adds rate() and sum() itself)`);
  return m.trim();
}

function groupingOf(c: Ctx, field: string, v: unknown): string[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return fail(c, field, 'must be a list of label names');
  const bad = (v as string[]).filter((l) => !isLabelName(l));
  if (bad.length) return fail(c, field, `${bad.map((b) => `'${b}'`).join(', ')} ${bad.length > 1 ? 'are not label names' : 'is not a label name'}`);
  return v as string[];
}

/** Indicator → SLI. Grouped SLIs aggregate `by (grouping)`; a group with traffic but no error series reads 0. */
function sliOf(c: Ctx, ind: Obj): SliDef | undefined {
  const kinds = (['ratio', 'latency', 'latencyNative', 'bool_gauge', 'boolGauge'] as const).filter((k) => ind[k] !== undefined);
  if (kinds.length !== 1) {
    return fail(c, 'spec.indicator', kinds.length ? `give one indicator, not ${kinds.join(' and ')}` : 'needs one of ratio, latency, latencyNative or bool_gauge');
  }
  const kind = kinds[0]!;
  const f = `spec.indicator.${kind}`;
  const body = ind[kind];
  if (!isObj(body)) return fail(c, f, 'must be a mapping');
  const grouping = groupingOf(c, `${f}.grouping`, body.grouping);
  if (!grouping) return undefined;
  const by = grouping.length ? ` by (${grouping.join(', ')}) ` : '';
  const sumRate = (sel: string) => `sum${by}(rate(${sel}[{{.window}}]))`;
  switch (kind) {
    case 'ratio': {
      const errors = selectorOf(c, `${f}.errors`, body.errors);
      const total = selectorOf(c, `${f}.total`, body.total);
      if (!errors || !total) return undefined;
      if (errors === total) warn(c, `${f}.errors.metric`, 'same as total: every request counts as an error');
      // Grouped: an error counter usually has no series for a group that never failed; read those groups as 0.
      const err = grouping.length ? `(${sumRate(errors)} or 0 * ${sumRate(total)})` : sumRate(errors);
      return { kind: 'events', errors: err, total: sumRate(total) };
    }
    case 'latency': {
      const success = selectorOf(c, `${f}.success`, body.success);
      const total = selectorOf(c, `${f}.total`, body.total);
      if (!success || !total) return undefined;
      if (!/[{,]\s*le\s*=\s*"[^"]+"/.test(success)) return fail(c, `${f}.success.metric`, 'must select one histogram bucket with le="<seconds>"');
      return { kind: 'events', good: sumRate(success), total: sumRate(total) };
    }
    case 'latencyNative': {
      const total = selectorOf(c, `${f}.total`, body.total);
      const lat = str(body.latency);
      const secs = lat !== undefined ? parseDuration(lat) : undefined;
      if (secs === undefined) return fail(c, `${f}.latency`, `'${String(body.latency)}' is not a Prometheus duration (e.g. 200ms, 1s)`);
      if (!total) return undefined;
      const h = `sum${by}(rate(${total}[{{.window}}]))`;
      return { kind: 'events', errors: `histogram_count(${h}) * (1 - histogram_fraction(0, ${num(secs)}, ${h}))`, total: `histogram_count(${h})` };
    }
    default: {
      const metric = selectorOf(c, f, body);
      if (!metric) return undefined;
      if (!grouping.length) {
        const brace = metric.indexOf('{');
        return brace < 0 ? { kind: 'availability', metric, selector: '' } : { kind: 'availability', metric: metric.slice(0, brace), selector: metric.slice(brace) };
      }
      // Each sample of the 0/1 gauge is one event (as Pyrra counts them): total = samples, good = their sum.
      const count = `sum${by}(count_over_time(${metric}[{{.window}}]))`;
      return { kind: 'events', errors: `${count} - sum${by}(sum_over_time(${metric}[{{.window}}]))`, total: count };
    }
  }
}

/** `pyrra.dev/<x>` metadata labels/annotations become rule labels/alert annotations `<x>`, as Pyrra does. */
function prefixed(c: Ctx, field: string, v: unknown, labels: boolean): Labels {
  const out: Labels = {};
  if (!isObj(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    if (!k.startsWith(PREFIX) || x === null || x === undefined) continue;
    const name = k.slice(PREFIX.length);
    if (labels && !isLabelName(name)) {
      warn(c, `${field}.${k}`, `'${name}' is not a Prometheus label name; not propagated`);
      continue;
    }
    out[name] = String(x);
  }
  return out;
}

export function parsePyrraDoc(v: Obj, file: string, index: number, issues: Issue[]): SloDef[] {
  const meta = isObj(v.metadata) ? v.metadata : {};
  const name = str(meta.name);
  const c: Ctx = { file, slo: name ?? `#${index}`, issues };
  if (v.kind !== 'ServiceLevelObjective') return fail(c, 'kind', `'${String(v.kind)}' is not ServiceLevelObjective`) ?? [];
  if (!name) return fail(c, 'metadata.name', 'required') ?? [];
  if (!isObj(v.spec)) return fail(c, 'spec', 'required mapping (target, window, indicator)') ?? [];
  const spec = v.spec;
  for (const k of Object.keys(spec)) if (!KNOWN_SPEC.has(k)) warn(c, `spec.${k}`, 'unknown Pyrra field, ignored');
  if (spec.partial_response_strategy !== undefined) warn(c, 'spec.partial_response_strategy', 'Thanos Ruler only; not expressed in Prometheus rules');

  // Pyrra's target is a string percent ("99.5"), since CRDs cannot hold floats; a number is accepted too.
  const rawTarget = spec.target;
  const target = typeof rawTarget === 'number' ? rawTarget : typeof rawTarget === 'string' && rawTarget.trim() !== '' ? Number(rawTarget) : Number.NaN;
  if (!Number.isFinite(target)) return fail(c, 'spec.target', `'${String(rawTarget)}' is not a percent (a string like "99.5")`) ?? [];
  if (target > 0 && target < 1) warn(c, 'spec.target', `${target} is read as ${target}%, as Pyrra does (targets are 0-100, not 0-1: did you mean "${num(target * 100)}"?)`);

  const window = typeof spec.window === 'string' ? parseRollingWindow(spec.window) : 'required duration (e.g. 28d, 2w)';
  if (typeof window === 'string') return fail(c, 'spec.window', window) ?? [];

  const labels = prefixed(c, 'metadata.labels', meta.labels, true);
  const namespace = str(meta.namespace);
  // Pyrra has no service field: the `pyrra.dev/service` label when given, else the namespace, else the SLO itself.
  const service = labels.service ?? namespace ?? name;
  if (labels.service === undefined && namespace === undefined) warn(c, 'metadata.namespace', `no namespace and no pyrra.dev/service label; service set to '${name}'`);

  if (!isObj(spec.indicator)) return fail(c, 'spec.indicator', 'required mapping (ratio, latency, latencyNative or bool_gauge)') ?? [];
  const sli = sliOf(c, spec.indicator);
  if (!sli) return [];

  const al = isObj(spec.alerting) ? spec.alerting : {};
  for (const k of Object.keys(al)) if (!KNOWN_ALERTING.has(k)) warn(c, `spec.alerting.${k}`, 'unknown Pyrra field, ignored');
  const base = defaultAlerting(str(al.name) ?? PYRRA_ALERT_NAME);
  const burn = al.disabled !== true && al.burnrates !== false;
  if (burn) warn(c, 'spec.alerting', "Pyrra's per-window 'for' durations are not reproduced: a tier fires on the first evaluation where both its windows burn");
  const slo: SloDef = {
    id: `${service}-${name}`,
    service,
    name,
    description: str(spec.description) ?? '',
    objective: target,
    window,
    sli,
    labels,
    alerting: {
      ...base,
      annotations: prefixed(c, 'metadata.annotations', meta.annotations, false),
      page: { ...base.page, enabled: burn },
      ticket: { ...base.ticket, enabled: burn },
      windows: pyrraTiers(window.days),
    },
    source: { file, format: 'pyrra/v1alpha1', index },
  };
  // Pyrra's absent alert (on by default) is our no-data alert.
  slo.alerting.noData = { ...slo.alerting.noData, enabled: al.absent !== false, name: str(al.absentName) ?? PYRRA_ABSENT_NAME };
  return [slo];
}
