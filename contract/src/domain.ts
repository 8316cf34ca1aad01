// Domain results the panels render. Providers build these and encode them with `frames.ts`.
import { z } from 'zod';

export const burnRateSchema = z.object({
  /** Look-back window as a Prometheus duration, e.g. `1h`. */
  window: z.string(),
  rate: z.number(),
  /** The multi-window alert threshold for this window (14.4 for 1h in the Google SRE scheme). */
  threshold: z.number(),
});
export type BurnRate = z.infer<typeof burnRateSchema>;

export const sloStatusSchema = z.object({
  id: z.string(),
  service: z.string(),
  name: z.string(),
  /** Target ratio in (0, 1), e.g. 0.999. */
  objective: z.number().gt(0).lt(1),
  /** Measured good/total ratio over the window; null when there is no traffic yet. */
  sli: z.number().nullable(),
  /** Fraction of the error budget left over the window: 1 = untouched, <0 = overspent. */
  budgetRemaining: z.number().nullable(),
  burnRates: z.array(burnRateSchema),
  secondsToExhaustion: z.number().nullable(),
  /** SLO window as a Prometheus duration, e.g. `30d`. */
  window: z.string(),
  /** Fraction of the window (so far) that has SLI data, 0–1; null when the SLI has no event counts to check. */
  coverage: z.number().min(0).max(1).nullable().optional(),
  /** The SLI query that returned no series over the window (no traffic ever, or a wrong metric name); sli and budget are null then. */
  noDataQuery: z.string().nullable().optional(),
});
export type SloStatus = z.infer<typeof sloStatusSchema>;

export const budgetPointSchema = z.object({ time: z.number(), budgetRemaining: z.number().nullable() });
export type BudgetPoint = z.infer<typeof budgetPointSchema>;

export const GRADES = ['A', 'B', 'C', 'D', 'F'] as const;
export type Grade = (typeof GRADES)[number];
export const healthScoreSchema = z.object({
  component: z.string(),
  score: z.number().min(0).max(100),
  grade: z.enum(GRADES),
  /** Score change over the trend window in points: > 0 improving, < 0 degrading. */
  trend: z.number(),
  categories: z.array(
    z.object({ name: z.string(), weight: z.number().min(0), score: z.number().min(0).max(100).nullable() })
  ),
  history: z.array(z.object({ time: z.number(), score: z.number() })),
});
export type HealthScore = z.infer<typeof healthScoreSchema>;

/** Grade for a 0–100 score: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F. */
export function gradeFor(score: number): Grade {
  return score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
}

const nullableNums = z.array(z.number().nullable());
export const forecastSchema = z
  .object({
    target: z.string(),
    series: z.string().optional(),
    unit: z.string().optional(),
    /** Unix ms for every point, history first then forecast. */
    timestamps: z.array(z.number()),
    /** Observed values (null over the forecast part). */
    history: nullableNums,
    /** Point forecast (null over the history part, except optionally the last observed point). */
    forecast: nullableNums,
    lo80: nullableNums,
    hi80: nullableNums,
    lo95: nullableNums,
    hi95: nullableNums,
    threshold: z.number().nullable().optional(),
    /** Unix ms when the forecast first crosses the threshold, null if not within the horizon. */
    crossingTime: z.number().nullable().optional(),
    /** Room left before the threshold, as a fraction of it (0.25 = 25 % left); null without threshold. */
    headroom: z.number().nullable(),
    recommendation: z.string(),
    /** What the model did and why, in words (seasons, members, gaps filled, band choice). */
    notes: z.array(z.string()).optional(),
  })
  .superRefine((f, ctx) => {
    const n = f.timestamps.length;
    for (const k of ['history', 'forecast', 'lo80', 'hi80', 'lo95', 'hi95'] as const) {
      if (f[k].length !== n)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [k],
          message: `has ${f[k].length} points, timestamps has ${n}`,
        });
    }
  });
export type Forecast = z.infer<typeof forecastSchema>;

export const anomalySchema = z.object({
  time: z.number(),
  target: z.string(),
  /** PromQL selector of the anomalous series, for Explore links. */
  series: z.string(),
  score: z.number(),
  value: z.number().nullable(),
  expected: z.number().nullable(),
});
export type Anomaly = z.infer<typeof anomalySchema>;

export const rootCauseCandidateSchema = z.object({
  component: z.string(),
  metric: z.string(),
  /** Ranking score in [0, 1]. */
  score: z.number(),
  /** Unix ms when the series turned. */
  onset: z.number().nullable(),
  evidence: z.string(),
  /** PromQL expression for an Explore link; defaults to `metric`. */
  series: z.string().optional(),
});
export const rootCauseResultSchema = z.object({
  incident: z.string().optional(),
  /** Unix ms of the incident the candidates explain (onsets are shown relative to it). */
  incidentTime: z.number().optional(),
  candidates: z.array(rootCauseCandidateSchema),
  timeline: z.array(z.object({ time: z.number(), component: z.string(), event: z.string() })),
});
export type RootCauseCandidate = z.infer<typeof rootCauseCandidateSchema>;
export type RootCauseResult = z.infer<typeof rootCauseResultSchema>;
