// Error budgets served: for each SLO, computed from Prometheus with the SLI's own queries over the exact
// budgeting window (rolling, or calendar-aligned since the start of the month/quarter), so the figures do not
// depend on how long the recording rules have been running.
import type { QueryPromApi } from '../rules/prom-api.js';
import { SLI_WINDOWS } from './burn.js';
import type { SloDef } from './model.js';
import { exactSli } from './exact.js';
import { compileSli, type CompiledSli } from './sli.js';
import { substituteWindow } from './promql.js';
import { calendarEnd, calendarStart, parseDuration } from './window.js';

export interface CompliancePoint {
  /** unix seconds, bucket [start, end) */
  start: number;
  end: number;
  /** 1 - error ratio over the bucket (1 when it had no traffic: no events, no errors); null if the query gave nothing */
  sli: number | null;
  compliant: boolean | null;
}

export interface BudgetReport {
  id: string;
  service: string;
  name: string;
  /** ratio, e.g. 0.999 */
  objective: number;
  window: { kind: 'rolling' | 'calendar'; text: string; start: number; end: number };
  /** 1 - error ratio over the budgeting window so far */
  sli: number | null;
  errorRatio: number | null;
  /** error events and total events in the window (SLIs with counts only) */
  events: { errors: number; total: number } | null;
  /** allowed error ratio: 1 - objective */
  errorBudget: number;
  /** 1 - errorRatio / errorBudget: 1 = untouched, 0 = spent, negative = overspent */
  budgetRemaining: number | null;
  /** error ratio over the window / error budget, per SLI window (5m … 3d) */
  burnRates: Record<string, number | null>;
  /** fraction of the window (so far) with SLI data, 0–1 (null: the SLI has no event counts to check) */
  coverage: number | null;
  /** seconds until the remaining budget is gone at the current (1h) burn rate; null = never at this rate */
  timeToExhaustionSeconds: number | null;
  /**
   * Set when the SLI's query returned no series over the whole window (no traffic ever, or a wrong metric name):
   * `query` is the query that returned nothing. The SLI and budget are then null, not a perfect 100%.
   */
  noData: { query: string } | null;
  history: { day: CompliancePoint[]; week: CompliancePoint[]; month: CompliancePoint[] };
  at: number;
}

const first = (r: { value: number }[]): number | null => {
  const v = r[0]?.value;
  return v === undefined || !Number.isFinite(v) ? null : v;
};

/** Window in effect at `at` (unix s): rolling → [at - days, at); calendar → [start of period, at). */
export function budgetWindow(slo: SloDef, at: number): BudgetReport['window'] {
  if (slo.window.kind === 'calendar') {
    const d = new Date(at * 1000);
    return { kind: 'calendar', text: slo.window.unit, start: calendarStart(slo.window.unit, d).getTime() / 1000, end: calendarEnd(slo.window.unit, d).getTime() / 1000 };
  }
  return { kind: 'rolling', text: slo.window.text, start: at - slo.window.days * 86400, end: at };
}

/** The SLI for a window of `seconds`: exact counter increases when possible, else the SLI's own rate() form. */
function sliFor(slo: SloDef, seconds: number): { c: CompiledSli; w: string } {
  const s = Math.max(1, Math.round(seconds));
  return { c: exactSli(slo.sli, s) ?? compileSli(slo.sli), w: `${s}s` };
}

/** Error ratio over [end - seconds, end). */
async function ratioOver(prom: QueryPromApi, slo: SloDef, seconds: number, end: number, exact = true): Promise<number | null> {
  const { c, w } = exact ? sliFor(slo, seconds) : { c: compileSli(slo.sli), w: `${Math.max(1, Math.round(seconds))}s` };
  return first(await prom.query(c.errorRatio(w), end));
}

function points(series: { timestamps: Float64Array; values: Float64Array }[], step: number, objective: number): CompliancePoint[] {
  const s = series[0];
  if (!s) return [];
  return Array.from(s.timestamps, (t, i) => {
    const v = s.values[i]!;
    const sli = Number.isFinite(v) ? 1 - v : null;
    return { start: t - step, end: t, sli, compliant: sli === null ? null : sli >= objective };
  });
}

/** Buckets the coverage check splits a window into (one range query; 30 days → 3-hour buckets). */
const COVERAGE_BUCKETS = 240;

/**
 * How much of [start, at) has SLI data: the share of equal buckets in which the SLI's total-events rate
 * has a sample. Error ratios cannot tell (they read 0 when nothing was recorded), so SLIs without event
 * counts give null. A fresh install's 30-day window with two hours of data covers about 3%.
 */
export async function dataCoverage(prom: QueryPromApi, slo: SloDef, start: number, at: number): Promise<number | null> {
  const c = compileSli(slo.sli);
  const span = at - start;
  if (!c.events || !(span > 0)) return null;
  const step = Math.max(60, Math.ceil(span / COVERAGE_BUCKETS));
  const buckets = Math.max(1, Math.floor(span / step));
  const series = await prom.queryRange(c.events.total(`${step}s`), at - (buckets - 1) * step, at, step);
  const s = series[0];
  if (!s) return 0;
  let withData = 0;
  for (let i = 0; i < s.values.length; i++) if (Number.isFinite(s.values[i]!)) withData++;
  return Math.min(1, withData / buckets);
}

export async function computeBudget(prom: QueryPromApi, slo: SloDef, at = Math.floor(Date.now() / 1000)): Promise<BudgetReport> {
  const window = budgetWindow(slo, at);
  const elapsed = Math.max(1, at - window.start);
  const { c: sli, w } = sliFor(slo, elapsed);
  const objective = slo.objective / 100;
  const errorBudget = Number((1 - objective).toPrecision(12));

  // The query whose emptiness means "no data": total events (or the raw ratio, unguarded) over the window so far.
  const noDataQ = sli.events ? sli.events.total(w) : slo.sli.kind === 'raw' ? substituteWindow(slo.sli.errorRatio, w) : undefined;
  const [ratioRaw, errRate, totRate, rawSeries, ...burnRaw] = await Promise.all([
    ratioOver(prom, slo, elapsed, at),
    sli.events ? prom.query(sli.events.errors(w), at).then(first) : Promise.resolve(null),
    sli.events ? prom.query(sli.events.total(w), at).then(first) : Promise.resolve(null),
    !sli.events && noDataQ ? prom.query(noDataQ, at).then((r) => r.length) : Promise.resolve(null),
    // Burn rates use rate() like the recording rules and alerts, so the numbers agree with what fires.
    ...SLI_WINDOWS.map((win) => ratioOver(prom, slo, parseDuration(win)!, at, false)),
  ]);
  const noData = noDataQ !== undefined && (sli.events ? totRate === null : rawSeries === 0) ? { query: noDataQ } : null;
  const errorRatio = noData ? null : ratioRaw;
  const burnRates: Record<string, number | null> = {};
  SLI_WINDOWS.forEach((win, i) => (burnRates[win] = burnRaw[i] === null || burnRaw[i] === undefined ? null : burnRaw[i]! / errorBudget));

  const budgetRemaining = errorRatio === null ? null : 1 - errorRatio / errorBudget;
  // At burn rate b the budget of a window of length T drains at b/T per second (b = 1 spends it exactly in T).
  const burn = burnRates['1h'] ?? null;
  const periodSeconds = slo.window.days * 86400;
  const timeToExhaustionSeconds =
    budgetRemaining === null || burn === null || burn <= 0 ? null : budgetRemaining <= 0 ? 0 : (budgetRemaining * periodSeconds) / burn;

  // Compliance history: one range query per granularity, each point covering the bucket that ends at it.
  const hist = async (step: number): Promise<CompliancePoint[]> => {
    const firstEnd = window.start + step;
    if (firstEnd > at) return [];
    const h = sliFor(slo, step);
    return points(await prom.queryRange(h.c.errorRatio(h.w), firstEnd, at, step), step, objective);
  };
  const months = async (): Promise<CompliancePoint[]> => {
    const out: CompliancePoint[] = [];
    let s = calendarStart('month', new Date(window.start * 1000)).getTime() / 1000;
    while (s < at) {
      const e = calendarEnd('month', new Date(s * 1000)).getTime() / 1000;
      const from = Math.max(s, window.start);
      const to = Math.min(e, at);
      const r = to > from ? await ratioOver(prom, slo, to - from, to) : null;
      const v = r === null ? null : 1 - r;
      out.push({ start: from, end: to, sli: v, compliant: v === null ? null : v >= objective });
      s = e;
    }
    return out;
  };
  const [day, week, month, coverage] = await Promise.all([
    hist(86400),
    hist(7 * 86400),
    months(),
    // Rolling windows are judged over their whole length, calendar ones over the part elapsed so far.
    dataCoverage(prom, slo, window.start, at),
  ]);

  // No error series at all (nothing ever failed) reads as an empty result: that is 0 errors, not unknown.
  const events = totRate !== null ? { errors: (errRate ?? 0) * elapsed, total: totRate * elapsed } : null;
  return {
    id: slo.id,
    service: slo.service,
    name: slo.name,
    objective,
    window,
    sli: errorRatio === null ? null : 1 - errorRatio,
    errorRatio,
    events,
    errorBudget,
    budgetRemaining,
    burnRates,
    coverage,
    timeToExhaustionSeconds,
    noData,
    history: { day, week, month },
    at,
  };
}
