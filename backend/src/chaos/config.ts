// The companion's `chaos:` section: whether command actions may run, scheduled plans, the SLO series the
// steady state and guards read, and default observation/recovery windows.
import { z } from 'zod';

export const chaosConfigSchema = z
  .object({
    /** command actions and Chaos Toolkit process providers run programs on the companion host: off unless set */
    allowCommands: z.boolean().default(false),
    /** plan files the companion runs on their cron schedule (`schedule` here overrides the plan's own) */
    plans: z.array(z.object({ file: z.string().min(1), schedule: z.string().min(1).optional() }).strict()).default([]),
    /** Sloth-compatible series the generated SLO rules record (slo/generate.ts) */
    sloMetrics: z
      .object({
        burnRate: z.string().min(1).default('slo:current_burn_rate:ratio'),
        budgetRemaining: z.string().min(1).default('slo:period_error_budget_remaining:ratio'),
        idLabel: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/).default('sloth_id'),
      })
      .strict()
      .default({}),
    /** how long to observe when no expectation sets a deadline */
    observeSeconds: z.number().positive().default(120),
    /** how long to wait for the steady state after the rollback when no recovery expectation sets it */
    recoverySeconds: z.number().positive().default(300),
    /** runs kept in the store (oldest deleted first) */
    keepRuns: z.number().int().positive().default(500),
  })
  .strict();
export type ChaosConfig = z.infer<typeof chaosConfigSchema>;

export function parseChaosConfig(raw: unknown): ChaosConfig {
  const r = chaosConfigSchema.safeParse(raw ?? {});
  if (r.success) return r.data;
  throw new Error(`invalid chaos config: ${r.error.issues.map((i) => `chaos.${i.path.join('.')}: ${i.message}`).join('; ')}`);
}
