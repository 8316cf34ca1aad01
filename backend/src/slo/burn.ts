// Multi-window, multi-burn-rate alert tiers (Google SRE workbook, "Alerting on SLOs").
// A tier fires when both its long and short windows burn faster than `factor` × budget. The factor is the burn
// rate that consumes `budgetFraction` of the whole period's budget within the long window:
//   factor = budgetFraction × period / longWindow   (30d: 2%/1h → 14.4, 5%/6h → 6, 10%/1d → 3, 10%/3d → 1)
import { num } from './promql.js';

/** Windows with an error-ratio recording rule (plus the SLO window itself). */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

export interface BurnCondition {
  tier: 'page' | 'ticket';
  long: string;
  short: string;
  longHours: number;
  budgetFraction: number;
  factor: number;
}

const TIERS = [
  { tier: 'page', long: '1h', short: '5m', longHours: 1, budgetFraction: 0.02 },
  { tier: 'page', long: '6h', short: '30m', longHours: 6, budgetFraction: 0.05 },
  { tier: 'ticket', long: '1d', short: '2h', longHours: 24, budgetFraction: 0.1 },
  { tier: 'ticket', long: '3d', short: '6h', longHours: 72, budgetFraction: 0.1 },
] as const;

/** One multi-window condition without its factor (Sloth's AlertWindows give these per SLO period). */
export type BurnTier = Omit<BurnCondition, 'factor'>;

/** The conditions for a period: the workbook's tiers, or the given ones (e.g. from a Sloth AlertWindows file). */
export function burnConditions(periodDays: number, tiers: readonly BurnTier[] = TIERS): BurnCondition[] {
  // Memoized per tier list and period (a big spec has thousands of SLOs and a handful of periods); copies are
  // returned so a caller can never change the cached ones.
  let byDays = conditionCache.get(tiers);
  if (!byDays) conditionCache.set(tiers, (byDays = new Map()));
  let conds = byDays.get(periodDays);
  if (!conds) byDays.set(periodDays, (conds = tiers.map((t) => ({ ...t, factor: Number(num((t.budgetFraction * periodDays * 24) / t.longHours)) }))));
  return conds.map((c) => ({ ...c }));
}
const conditionCache = new WeakMap<readonly BurnTier[], Map<number, BurnCondition[]>>();

/** Windows needing an error-ratio rule: the standard ones plus any the tiers use, shortest first. */
export function sliWindows(tiers?: readonly BurnTier[]): string[] {
  const key = tiers ?? TIERS;
  let w = windowCache.get(key);
  if (!w) windowCache.set(key, (w = computeSliWindows(key)));
  return [...w];
}
const windowCache = new WeakMap<readonly BurnTier[], string[]>();

function computeSliWindows(tiers: readonly BurnTier[]): string[] {
  const all = new Set<string>(SLI_WINDOWS);
  for (const t of tiers) all.add(t.short).add(t.long);
  const secs = (w: string): number => {
    let total = 0;
    for (const m of w.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 } as Record<string, number>)[m[2]!]!;
    return total;
  };
  return [...all].sort((a, b) => secs(a) - secs(b));
}
