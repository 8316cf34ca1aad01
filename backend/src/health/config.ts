// Health configuration: how components are found and the PromQL behind each category. A template's
// `{{selector}}` becomes the component's label matchers (`job="node"`), `{{component}}` its name. With no
// configuration, components are discovered from labels and the indicators are the conventional metric
// families (backend/src/discovery/): up, HTTP latency/errors, node_exporter, cAdvisor, kube-state-metrics.
import { z } from 'zod';
import { componentOfLabel, defaultHealthCategories, fillComponent } from '../discovery/index.js';
import type { Category } from '../models/health/index.js';

const indicatorSchema = z
  .object({
    name: z.string().min(1),
    query: z
      .string()
      .min(1)
      .refine((q) => q.includes('{{component}}') || q.includes('{{selector}}'), { message: 'must contain the {{selector}} or {{component}} placeholder' }),
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

const DEFAULT_CATEGORIES: Record<Category, IndicatorConfig[]> = defaultHealthCategories();

const weight = z.number().finite().min(0);

export const healthConfigSchema = z
  .object({
    /** With `discovery` or `components`: the label whose values are the components (service, job, namespace…). */
    componentLabel: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name').default('service'),
    /** PromQL whose result series carry `componentLabel`: their values are the components. Unset: generic discovery. */
    discovery: z.string().min(1).optional(),
    /** Fixed list (values of `componentLabel`) instead of discovery. */
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

/** Puts a component's label value into a query template (`{{component}}`, and `{{selector}}` as `componentLabel="value"`). */
export function fillTemplate(query: string, component: string, componentLabel = 'service'): string {
  return fillComponent(query, componentOfLabel(componentLabel, component));
}
