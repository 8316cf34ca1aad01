// The SLOs the companion manages, as health indicators: a component whose service has an SLO is judged
// against it (its error ratio over `window` against the error budget, i.e. the burn rate) in the SLO's
// category, instead of against the learned baseline. Pure: SLO definitions in, indicator configs out.
import type { Category } from '../models/health/index.js';
import type { SloDef } from '../slo/model.js';
import { compileSli } from '../slo/sli.js';
import type { IndicatorConfig } from './config.js';

export interface SloIndicator {
  category: Category;
  indicator: IndicatorConfig;
  sloId: string;
}

/** Which health category an SLI speaks for: up-gauges → availability, latency → performance, events → errors. */
export function sloCategory(slo: SloDef): Category {
  switch (slo.sli.kind) {
    case 'availability':
      return 'availability';
    case 'latency':
      return 'performance';
    case 'events':
    case 'raw':
      return 'errors';
  }
}

/**
 * Indicators for `component` from the SLOs whose service is that component. The value is the SLI's error
 * ratio over `window` (the SLI's own query, so it works before the recording rules exist) and the SLO is
 * the error budget (1 − objective): the health model's burn = ratio / budget is the `window` burn rate.
 */
export function sloIndicators(slos: readonly SloDef[], component: string, window = '1h'): SloIndicator[] {
  return slos
    .filter((s) => s.service === component)
    .map((s) => ({
      category: sloCategory(s),
      sloId: s.id,
      indicator: {
        name: `slo:${s.name}`,
        query: compileSli(s.sli).errorRatio(window),
        betterWhen: 'lower' as const,
        slo: 1 - s.objective / 100,
        saturation: false,
      },
    }));
}
