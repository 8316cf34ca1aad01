// Budgets as `foresight_slo_*` series on the companion's /metrics (prom-client), so Grafana panels, history and
// alert rules on budgets work like any other series. Cardinality: one series per SLO (× 7 burn windows).
import { Gauge, type Registry } from 'prom-client';
import type { QueryPromApi } from '../rules/prom-api.js';
import { computeBudget, type BudgetReport } from './budget.js';
import type { SloDef } from './model.js';

/** Upper bound on SLOs exported, so a runaway spec cannot blow up the companion's /metrics. */
export const MAX_EXPORTED_SLOS = 1000;

export interface SloGauges {
  update(reports: BudgetReport[]): void;
}

export function registerSloMetrics(registry: Registry): SloGauges {
  const l = ['slo_id', 'service', 'slo'] as const;
  // Reuse gauges already on this registry (a second router/CLI instance must not throw "already registered").
  const g = (name: string, help: string, labelNames: readonly string[] = l): Gauge =>
    (registry.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help, labelNames: [...labelNames], registers: [registry] });
  const objective = g('foresight_slo_objective_ratio', 'SLO objective as a ratio (0.999).');
  const sli = g('foresight_slo_sli_ratio', 'SLI over the budgeting window so far (1 - error ratio).');
  const remaining = g('foresight_slo_error_budget_remaining_ratio', 'Error budget remaining over the window: 1 untouched, 0 spent, <0 overspent.');
  const burn = g('foresight_slo_burn_rate_ratio', 'Error ratio over a window divided by the error budget.', [...l, 'window']);
  const tte = g('foresight_slo_budget_exhaustion_seconds', 'Seconds until the budget is spent at the current 1h burn rate (absent if never).');
  const compliance = g('foresight_slo_compliance_ratio', 'SLI of the latest complete day/week/month in the window.', [...l, 'period']);
  const events = g('foresight_slo_events_total_window', 'Events (requests, probes) counted in the budgeting window.');
  const all = [objective, sli, remaining, burn, tte, compliance, events];
  return {
    update(reports) {
      for (const m of all) m.reset(); // SLOs removed since the last update must disappear
      for (const r of reports.slice(0, MAX_EXPORTED_SLOS)) {
        const ids = { slo_id: r.id, service: r.service, slo: r.name };
        objective.set(ids, r.objective);
        if (r.sli !== null) sli.set(ids, r.sli);
        if (r.budgetRemaining !== null) remaining.set(ids, r.budgetRemaining);
        for (const [window, v] of Object.entries(r.burnRates)) if (v !== null) burn.set({ ...ids, window }, v);
        if (r.timeToExhaustionSeconds !== null) tte.set(ids, r.timeToExhaustionSeconds);
        if (r.events) events.set(ids, r.events.total);
        for (const period of ['day', 'week', 'month'] as const) {
          const done = r.history[period].filter((p) => p.end <= r.at && p.sli !== null);
          const last = done.at(-1);
          if (last?.sli !== null && last?.sli !== undefined) compliance.set({ ...ids, period }, last.sli);
        }
      }
    },
  };
}

/**
 * Recomputes every SLO's budget periodically and updates the gauges. One SLO's failure (bad query, Prometheus
 * hiccup) is logged and skipped; the others still update. Returns stop().
 */
export function startBudgetUpdates(o: {
  slos: () => SloDef[];
  prom: QueryPromApi;
  gauges: SloGauges;
  intervalMs?: number;
  log?: { warn(obj: object, msg?: string): void };
  onReports?: (r: BudgetReport[]) => void;
}): { stop(): void; tick(): Promise<BudgetReport[]> } {
  let running = false;
  const tick = async (): Promise<BudgetReport[]> => {
    if (running) return [];
    running = true;
    try {
      const settled = await Promise.allSettled(o.slos().map((s) => computeBudget(o.prom, s)));
      const reports: BudgetReport[] = [];
      for (const r of settled) {
        if (r.status === 'fulfilled') reports.push(r.value);
        else o.log?.warn({ err: r.reason instanceof Error ? r.reason.message : String(r.reason) }, 'slo budget update failed');
      }
      o.gauges.update(reports);
      o.onReports?.(reports);
      return reports;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), o.intervalMs ?? 60_000);
  timer.unref(); // never keeps the process alive on its own
  return { stop: () => clearInterval(timer), tick };
}
