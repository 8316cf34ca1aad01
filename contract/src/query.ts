// Requests to the companion's datasource API (`POST /api/ds/query`), one variant per query type.
import { z } from 'zod';

const base = { refId: z.string().min(1), hide: z.boolean().optional() };

export const sloStatusQuerySchema = z.object({
  ...base,
  queryType: z.literal('sloStatus'),
  slo: z.string().optional(),
  service: z.string().optional(),
});
export const budgetHistoryQuerySchema = z.object({
  ...base,
  queryType: z.literal('budgetHistory'),
  slo: z.string().min(1),
});
export const burnRatesQuerySchema = z.object({ ...base, queryType: z.literal('burnRates'), slo: z.string().min(1) });
export const healthScoreQuerySchema = z.object({
  ...base,
  queryType: z.literal('healthScore'),
  component: z.string().optional(),
});
export const forecastQuerySchema = z.object({
  ...base,
  queryType: z.literal('forecast'),
  /** A capacity target id (or a PromQL expression the companion accepts as a target). */
  target: z.string().min(1),
  /** Optional label matcher narrowing the target to one series, e.g. `{service="db"}`. */
  series: z.string().optional(),
  /** Forecast horizon as a Prometheus duration (`7d`, `12h`). */
  horizon: z
    .string()
    .regex(/^\d+[smhdwy]$/, 'a duration such as 12h or 7d')
    .optional(),
});
export const anomaliesQuerySchema = z.object({
  ...base,
  queryType: z.literal('anomalies'),
  target: z.string().optional(),
  minScore: z.number().min(0).optional(),
  /** Only anomalies at least as rare as this sensitivity's false-alarm rate (high ~1/series-day,
   * medium ~1/series-week, low ~1/series-month); unset = every point the companion flagged. */
  sensitivity: z.enum(['low', 'medium', 'high']).optional(),
});
export const rootCauseQuerySchema = z.object({
  ...base,
  queryType: z.literal('rootCause'),
  incident: z.string().optional(),
});

export const querySchema = z.discriminatedUnion('queryType', [
  sloStatusQuerySchema,
  budgetHistoryQuerySchema,
  burnRatesQuerySchema,
  healthScoreQuerySchema,
  forecastQuerySchema,
  anomaliesQuerySchema,
  rootCauseQuerySchema,
]);
export type Query = z.infer<typeof querySchema>;
export type QueryType = Query['queryType'];
export type QueryOf<T extends QueryType> = Extract<Query, { queryType: T }>;
export const QUERY_TYPES = querySchema.options.map((o) => o.shape.queryType.value) as QueryType[];

export const timeRangeSchema = z
  .object({ from: z.number().finite(), to: z.number().finite() })
  .refine((r) => r.from <= r.to, { message: 'range.from must not be after range.to', path: ['from'] });
/** Unix milliseconds, as Grafana's `TimeRange.valueOf()` gives them. */
export type TimeRange = z.infer<typeof timeRangeSchema>;

export const dsQueryRequestSchema = z.object({
  range: timeRangeSchema,
  maxDataPoints: z.number().int().positive().optional(),
  queries: z
    .array(querySchema)
    .min(1, 'at least one query')
    .superRefine((qs, ctx) => {
      const seen = new Set<string>();
      qs.forEach((q, i) => {
        if (seen.has(q.refId))
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, 'refId'], message: `duplicate refId '${q.refId}'` });
        seen.add(q.refId);
      });
    }),
});
export type DsQueryRequest = z.infer<typeof dsQueryRequestSchema>;

/** Kinds served by `GET /api/ds/options/:kind` for template variables. */
export const OPTION_KINDS = ['services', 'slos', 'targets', 'components'] as const;
export type OptionKind = (typeof OPTION_KINDS)[number];
export const optionKindSchema = z.enum(OPTION_KINDS);
export const optionSchema = z.object({ value: z.string(), text: z.string().optional() });
export type Option = z.infer<typeof optionSchema>;
export const optionsResponseSchema = z.object({ options: z.array(optionSchema) });
