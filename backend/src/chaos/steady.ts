// Steady-state and guard checks against Prometheus: SLOs by id through their Sloth-compatible recording
// rules (current burn rate, budget remaining), PromQL probes against tolerances, maintenance windows.
import type { Guards, SteadyState } from './spec.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}
export type Query = (expr: string) => Promise<Sample[]>;

export interface SloMetricNames {
  burnRate: string;
  budgetRemaining: string;
  idLabel: string;
}

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** Each SLO's latest value of a per-SLO series (max over its series), undefined when it has none. */
export async function perSlo(query: Query, metric: string, idLabel: string, ids: string[]): Promise<Record<string, number | undefined>> {
  const out: Record<string, number | undefined> = {};
  if (!ids.length) return out;
  const sel = ids.length === 1 ? `${idLabel}="${esc(ids[0]!)}"` : `${idLabel}=~"${ids.map((i) => esc(i.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('|')}"`;
  const rows = await query(`max by (${idLabel}) (${metric}{${sel}})`);
  for (const id of ids) {
    const vals = rows.filter((r) => r.labels[idLabel] === id && Number.isFinite(r.value)).map((r) => r.value);
    out[id] = vals.length ? Math.max(...vals) : undefined;
  }
  return out;
}

export interface SteadyResult {
  healthy: boolean;
  problems: string[];
}

const fmt = (x: number): string => String(Number(x.toPrecision(4)));

export async function checkSteadyState(s: SteadyState, query: Query, names: SloMetricNames): Promise<SteadyResult> {
  const problems: string[] = [];
  const ids = s.slos.map((x) => x.id);
  try {
    const burn = await perSlo(query, names.burnRate, names.idLabel, ids);
    const budgetIds = s.slos.filter((x) => x.minBudgetRemaining !== undefined).map((x) => x.id);
    const budget = await perSlo(query, names.budgetRemaining, names.idLabel, budgetIds);
    for (const slo of s.slos) {
      const b = burn[slo.id];
      if (b === undefined) problems.push(`SLO ${slo.id}: no ${names.burnRate} series (are its rules applied?)`);
      else if (b > slo.maxBurnRate) problems.push(`SLO ${slo.id}: burning at ${fmt(b)}× (steady at most ${slo.maxBurnRate}×)`);
      if (slo.minBudgetRemaining !== undefined) {
        const left = budget[slo.id];
        if (left === undefined) problems.push(`SLO ${slo.id}: no ${names.budgetRemaining} series`);
        else if (left < slo.minBudgetRemaining) problems.push(`SLO ${slo.id}: ${fmt(left * 100)}% of the budget left (steady at least ${fmt(slo.minBudgetRemaining * 100)}%)`);
      }
    }
  } catch (e) {
    problems.push(`SLO queries failed: ${(e as Error).message}`);
  }
  for (const p of s.probes) {
    let rows: Sample[];
    try {
      rows = await query(p.query);
    } catch (e) {
      problems.push(`probe ${p.name}: query failed: ${(e as Error).message}`);
      continue;
    }
    if (!rows.length && !p.emptyOk) problems.push(`probe ${p.name}: no samples`);
    for (const r of rows) {
      const { min, max } = p.tolerance;
      if (Number.isNaN(r.value) || (min !== undefined && r.value < min) || (max !== undefined && r.value > max)) {
        const lbl = Object.entries(r.labels).map(([k, v]) => `${k}="${v}"`).join(',');
        problems.push(`probe ${p.name}${lbl ? `{${lbl}}` : ''}: ${fmt(r.value)} outside [${min ?? '-∞'}, ${max ?? '∞'}]`);
        break;
      }
    }
  }
  return { healthy: problems.length === 0, problems };
}

/** Why the abort guard trips now, or undefined. */
export async function guardBreach(g: Guards, steadySlos: string[], query: Query, names: SloMetricNames): Promise<string | undefined> {
  const a = g.abort;
  if (!a) return undefined;
  const ids = a.slos ?? steadySlos;
  if (a.maxBurnRate !== undefined) {
    const burn = await perSlo(query, names.burnRate, names.idLabel, ids);
    for (const id of ids) {
      const b = burn[id];
      if (b !== undefined && b > a.maxBurnRate) return `SLO ${id} burning at ${fmt(b)}×, above the ${a.maxBurnRate}× limit`;
    }
  }
  if (a.minBudgetRemaining !== undefined) {
    const left = await perSlo(query, names.budgetRemaining, names.idLabel, ids);
    for (const id of ids) {
      const l = left[id];
      if (l !== undefined && l < a.minBudgetRemaining) return `SLO ${id} has ${fmt(l * 100)}% of its budget left, below the ${fmt(a.minBudgetRemaining * 100)}% floor`;
    }
  }
  return undefined;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The maintenance window `atMs` (UTC) falls in, as text, or undefined. Windows may wrap midnight. */
export function inMaintenance(windows: NonNullable<Guards['maintenanceWindows']>, atMs: number): string | undefined {
  const d = new Date(atMs);
  const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
  const day = DAY_NAMES[d.getUTCDay()]!;
  const yesterday = DAY_NAMES[(d.getUTCDay() + 6) % 7]!;
  const mins = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  for (const w of windows) {
    const s = mins(w.start);
    const e = mins(w.end);
    const hit = s <= e ? w.days.includes(day) && minute >= s && minute < e : (w.days.includes(day) && minute >= s) || (w.days.includes(yesterday) && minute < e);
    if (hit) return `${w.days.join(',')} ${w.start}-${w.end} UTC`;
  }
  return undefined;
}
