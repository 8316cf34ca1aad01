// Datasource providers for the SLO query types: budgets computed by the SLO feature, encoded with the
// shared contract. The SLO list is re-read from the store per request, so an apply shows at once.
import { budgetHistoryFrame, burnRateFrame, sloStatusFrames, type BurnRate, type Frame, type Option, type SloStatus } from '@foresight/contract';
import type { AppContext } from '../context.js';
import { computeBudget, type BudgetReport } from '../slo/budget.js';
import { burnConditions, SLI_WINDOWS } from '../slo/burn.js';
import type { SloDef } from '../slo/model.js';
import { compileSli } from '../slo/sli.js';
import { SloStatusCache, type CachedReport } from '../live/slo-cache.js';

const caches = new WeakMap<object, SloStatusCache>();
/** The context's SLO status cache (refreshed every limits.sloRefreshSeconds once started). */
export function sloCacheFor(ctx: AppContext): SloStatusCache {
  let c = caches.get(ctx.store);
  if (!c) {
    const refreshMs = (ctx.config?.limits?.sloRefreshSeconds ?? 15) * 1000;
    caches.set(ctx.store, (c = new SloStatusCache({ store: ctx.store, prom: ctx.prom, refreshMs, log: ctx.log })));
  }
  return c;
}

function slos(ctx: AppContext): SloDef[] {
  return sloCacheFor(ctx).defs();
}

/** Figures for `toMs`: from memory when it is "now" (within a refresh period), else computed for that time. */
async function reportAt(ctx: AppContext, def: SloDef, toMs: number): Promise<CachedReport> {
  const cache = sloCacheFor(ctx);
  const now = Date.now();
  const refreshMs = (ctx.config?.limits?.sloRefreshSeconds ?? 15) * 1000;
  if (refreshMs > 0 && toMs >= now - refreshMs) return cache.get(def);
  const at = Math.floor(Math.min(toMs, now) / 1000);
  return { report: await computeBudget(ctx.prom, def, at), asOf: at * 1000 };
}

/** Adds the figures' age (meta.custom.asOf, unix ms of the oldest) and a staleness notice to frames. */
function withAge(frames: Frame[], reports: CachedReport[]): Frame[] {
  if (reports.length === 0) return frames;
  const asOf = Math.min(...reports.map((r) => r.asOf));
  const stale = reports.find((r) => r.stale)?.stale;
  return frames.map((fr) => ({
    ...fr,
    meta: {
      ...fr.meta,
      custom: { ...fr.meta?.custom, asOf, ageSeconds: Math.max(0, Math.round((Date.now() - asOf) / 1000)) },
      ...(stale ? { notices: [...(fr.meta?.notices ?? []), { severity: 'warning' as const, text: stale }] } : {}),
    },
  }));
}

function pick(ctx: AppContext, slo?: string, service?: string): SloDef[] {
  return slos(ctx).filter((s) => (!slo || s.id === slo || s.name === slo) && (!service || s.service === service));
}

function one(ctx: AppContext, slo: string): SloDef {
  const found = pick(ctx, slo)[0];
  if (!found) throw new Error(`no SLO '${slo}' (known: ${slos(ctx).map((s) => s.id).join(', ') || 'none'})`);
  return found;
}

/** Burn rate per SLI window with the multi-window alert threshold of the long window that uses it, else 1×. */
export function burnRatesOf(slo: SloDef, report: BudgetReport): BurnRate[] {
  const conds = burnConditions(slo.window.days);
  return SLI_WINDOWS.flatMap((w) => {
    const rate = report.burnRates[w];
    if (rate === null || rate === undefined) return [];
    const cond = conds.find((c) => c.long === w) ?? conds.find((c) => c.short === w);
    return [{ window: w, rate, threshold: cond?.factor ?? 1 }];
  });
}

export function sloStatusOf(slo: SloDef, report: BudgetReport): SloStatus {
  return {
    id: slo.id,
    service: slo.service,
    name: slo.name,
    objective: slo.objective / 100,
    sli: report.sli,
    budgetRemaining: report.budgetRemaining,
    burnRates: burnRatesOf(slo, report),
    secondsToExhaustion: report.timeToExhaustionSeconds,
    window: slo.window.text,
    coverage: report.coverage,
    noDataQuery: report.noData?.query ?? null,
  };
}

export async function sloStatusProvider(ctx: AppContext, q: { slo?: string; service?: string }, toMs: number): Promise<Frame[]> {
  const list = pick(ctx, q.slo, q.service);
  const reports = await Promise.all(list.map((s) => reportAt(ctx, s, toMs)));
  return withAge(sloStatusFrames(list.map((s, i) => sloStatusOf(s, reports[i]!.report))), reports);
}

export async function burnRatesProvider(ctx: AppContext, slo: string, toMs: number): Promise<Frame[]> {
  const def = one(ctx, slo);
  const r = await reportAt(ctx, def, toMs);
  return withAge([burnRateFrame(burnRatesOf(def, r.report).map((b) => ({ slo: def.id, ...b })))], [r]);
}

/** Budget remaining over the range, from the recorded `slo:period_error_budget_remaining:ratio` series. */
export async function budgetHistoryProvider(ctx: AppContext, slo: string, fromMs: number, toMs: number, maxPoints = 300): Promise<Frame[]> {
  const def = one(ctx, slo);
  const start = Math.floor(fromMs / 1000);
  const end = Math.floor(Math.min(toMs, Date.now()) / 1000);
  const step = Math.max(15, Math.ceil((end - start) / Math.max(10, maxPoints)));
  let series = await ctx.prom.queryRange(`slo:period_error_budget_remaining:ratio{sloth_id="${def.id}"}`, start, end, step);
  if ((series[0]?.values.length ?? 0) < 2) {
    // Rules not applied (or just applied): compute the same ratio from the SLI itself over the window.
    const budget = 1 - def.objective / 100;
    const expr = `1 - (${compileSli(def.sli).errorRatio(`${def.window.days}d`)}) / ${budget}`;
    series = await ctx.prom.queryRange(expr, start, end, step);
  }
  const s = series[0];
  const points = s ? Array.from(s.timestamps, (t, i) => ({ time: t * 1000, budgetRemaining: Number.isFinite(s.values[i]!) ? s.values[i]! : null })) : [];
  return [budgetHistoryFrame(def.id, points)];
}

export function sloOptions(ctx: AppContext, kind: 'services' | 'slos'): Option[] {
  const list = slos(ctx);
  if (kind === 'slos') return list.map((s) => ({ value: s.id, text: `${s.service} / ${s.name}` }));
  return [...new Set(list.map((s) => s.service))].sort().map((v) => ({ value: v }));
}
