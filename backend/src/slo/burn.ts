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

export function burnConditions(periodDays: number): BurnCondition[] {
  return TIERS.map((t) => ({ ...t, factor: Number(num((t.budgetFraction * periodDays * 24) / t.longHours)) }));
}
