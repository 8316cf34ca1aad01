// Datasource providers for the SLO query types: budgets computed by the SLO feature, encoded with the
// shared contract. The SLO list is re-read from the store per request, so an apply shows at once.
import { budgetHistoryFrame, burnRateFrame, sloStatusFrames, type BurnRate, type Frame, type Option, type SloStatus } from '@foresight/contract';
import type { AppContext } from '../context.js';
import { computeBudget, type BudgetReport } from '../slo/budget.js';
import { burnConditions, SLI_WINDOWS } from '../slo/burn.js';
import type { SloDef } from '../slo/model.js';
import { compileSli } from '../slo/sli.js';
import { SloRepository } from '../slo/store.js';

function slos(ctx: AppContext): SloDef[] {
  return new SloRepository(ctx.store).load().slos;
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
  };
}

export async function sloStatusProvider(ctx: AppContext, q: { slo?: string; service?: string }, toMs: number): Promise<Frame[]> {
  const at = Math.floor(Math.min(toMs, Date.now()) / 1000);
  const list = pick(ctx, q.slo, q.service);
  const reports = await Promise.all(list.map((s) => computeBudget(ctx.prom, s, at)));
  return sloStatusFrames(list.map((s, i) => sloStatusOf(s, reports[i]!)));
}

export async function burnRatesProvider(ctx: AppContext, slo: string, toMs: number): Promise<Frame[]> {
  const def = one(ctx, slo);
  const report = await computeBudget(ctx.prom, def, Math.floor(Math.min(toMs, Date.now()) / 1000));
  return [burnRateFrame(burnRatesOf(def, report).map((b) => ({ slo: def.id, ...b })))];
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
