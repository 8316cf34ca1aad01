// Health configuration: which label names a component, how components are discovered, and the PromQL
// behind each category (`{{component}}` is replaced by the component's label value). The defaults fit
// the demo workload's metrics (demo_up, demo_http_*, demo_*_usage_*).
import { z } from 'zod';
import type { Category } from '../models/health/index.js';

const indicatorSchema = z
  .object({
    name: z.string().min(1),
    query: z
      .string()
      .min(1)
      .refine((q) => q.includes('{{component}}'), { message: 'must contain the {{component}} placeholder' }),
    betterWhen: z.enum(['higher', 'lower']),
    /** lower: threshold to stay under; higher: objective ratio in (0,1) to stay above. */
    slo: z.number().finite().optional(),
    saturation: z.boolean().default(false),
  })
  .strict()
  .refine((i) => i.betterWhen !== 'higher' || i.slo === undefined || (i.slo > 0 && i.slo < 1), {
    message: 'slo of a higher-is-better indicator is an objective ratio strictly between 0 and 1',
    path: ['slo'],
  });

export type IndicatorConfig = z.infer<typeof indicatorSchema>;

const sel = (metric: string) => `${metric}{service="{{component}}"}`;
const DEFAULT_CATEGORIES: Record<Category, IndicatorConfig[]> = {
  availability: [{ name: 'up', query: `avg_over_time(${sel('demo_up')}[5m])`, betterWhen: 'higher' as const, slo: 0.99, saturation: false }],
  performance: [
    {
      name: 'latency_p95_seconds',
      query: `histogram_quantile(0.95, sum by (le) (rate(${sel('demo_http_request_duration_seconds_bucket')}[5m])))`,
      betterWhen: 'lower' as const,
      saturation: false,
    },
  ],
  errors: [
    {
      name: 'error_ratio',
      query: `sum(rate(demo_http_requests_total{service="{{component}}",code=~"5.."}[5m])) / sum(rate(${sel('demo_http_requests_total')}[5m]))`,
      betterWhen: 'lower' as const,
      slo: 0.01,
      saturation: false,
    },
  ],
  resources: [
    { name: 'cpu_usage_ratio', query: `avg_over_time(${sel('demo_cpu_usage_ratio')}[5m])`, betterWhen: 'lower' as const, saturation: true },
    { name: 'memory_usage_ratio', query: `${sel('demo_memory_usage_bytes')} / ${sel('demo_memory_limit_bytes')}`, betterWhen: 'lower' as const, saturation: true },
    { name: 'disk_usage_ratio', query: `${sel('demo_disk_usage_bytes')} / ${sel('demo_disk_capacity_bytes')}`, betterWhen: 'lower' as const, saturation: true },
    { name: 'db_connections_usage_ratio', query: `${sel('demo_db_connections_in_use')} / ${sel('demo_db_connections_max')}`, betterWhen: 'lower' as const, saturation: true },
  ],
  custom: [{ name: 'queue_depth', query: sel('demo_queue_depth'), betterWhen: 'lower' as const, saturation: false }],
};

const weight = z.number().finite().min(0);

export const healthConfigSchema = z
  .object({
    /** The label whose values are the components (service, job, namespace…). */
    componentLabel: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name').default('service'),
    /** PromQL whose result series carry the component label: their values are the components. */
    discovery: z.string().min(1).default('demo_up'),
    /** Fixed list instead of discovery. */
    components: z.array(z.string().min(1)).optional(),
    /** Cap on scored components (keeps foresight_health_* cardinality bounded). */
    maxComponents: z.number().int().positive().default(200),
    intervalSeconds: z.number().positive().default(60),
    /** History used for learned baselines when an indicator has no SLO. */
    baselineHours: z.number().positive().default(24),
    baselineStepSeconds: z.number().positive().default(300),
    /** The most recent part of the history left out of the baseline so an ongoing incident does not become "normal". */
    baselineGapSeconds: z.number().min(0).default(900),
    /** How often the baseline history is re-read from Prometheus (between reads it is cached). */
    baselineRefreshSeconds: z.number().min(0).default(900),
    weights: z
      .object({ availability: weight, performance: weight, errors: weight, resources: weight, custom: weight })
      .partial()
      .strict()
      .default({}),
    categories: z
      .object({
        availability: z.array(indicatorSchema),
        performance: z.array(indicatorSchema),
        errors: z.array(indicatorSchema),
        resources: z.array(indicatorSchema),
        custom: z.array(indicatorSchema),
      })
      .partial()
      .strict()
      .default({})
      .transform((c): Record<Category, IndicatorConfig[]> => ({ ...DEFAULT_CATEGORIES, ...c })),
    /** Per-component weight in the system score (criticality); default 1. */
    systemWeights: z.record(z.string(), weight).default({}),
    /** Keep this many days of score history. */
    historyDays: z.number().positive().default(30),
  })
  .strict();

export type HealthConfig = z.infer<typeof healthConfigSchema>;

/** Parses a health config, turning zod's issues into one message naming each bad field. */
export function parseHealthConfig(raw: unknown, source = 'health'): HealthConfig {
  const r = healthConfigSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const msg = r.error.issues.map((i) => `${source}.${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`invalid health config: ${msg}`);
}

/** Puts a component's label value into a query template, escaped as a PromQL double-quoted string. */
export function fillTemplate(query: string, component: string): string {
  const esc = component.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return query.replaceAll('{{component}}', esc);
}
