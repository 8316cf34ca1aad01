// foresight_health_* series on the companion's /metrics, so scores get history in Prometheus, can be
// alerted on and charted by ordinary panels. Label values are bounded by the config's maxComponents.
import { Gauge, type Registry } from 'prom-client';
import { CATEGORIES, type SystemHealth } from '../models/health/index.js';

export interface HealthMetrics {
  update(sys: SystemHealth): void;
}

export function createHealthMetrics(registry: Registry): HealthMetrics {
  const get = <T extends string>(name: string, help: string, labelNames: T[]): Gauge<T> =>
    (registry.getSingleMetric(name) as Gauge<T> | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
  const score = get('foresight_health_score', 'Health score 0-100 of a component', ['component']);
  const cat = get('foresight_health_category_score', 'Health category score 0-100 of a component', ['component', 'category']);
  const system = get('foresight_health_system_score', 'Health score 0-100 of the whole system', []);
  return {
    update(sys) {
      // Reset so components that disappeared stop being exported instead of freezing at their last value.
      score.reset();
      cat.reset();
      system.reset();
      if (sys.score !== undefined) system.set(sys.score);
      for (const c of sys.components) {
        if (c.score !== undefined) score.set({ component: c.component }, c.score);
        for (const k of c.categories) {
          if (k.score !== undefined && CATEGORIES.includes(k.category)) cat.set({ component: c.component, category: k.category }, k.score);
        }
      }
    },
  };
}
