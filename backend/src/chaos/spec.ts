// The game-day plan format (`version: foresight/chaos-v1`): experiments with a steady state (SLOs by id,
// PromQL probes with tolerances), a method (fault actions, each with its rollback), expectations (alert,
// receiver, RCA top-k, runbook, remediation, recovery) and guards (blast radius, burn-rate/budget abort,
// maximum duration, maintenance windows, approval). Shape only; cross-field checks live in validate.ts.
import { z } from 'zod';

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** '90s', '5m', '1.5h' or a number of seconds → seconds; undefined when malformed. */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  const m = DURATION_RE.exec(v.trim());
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]!]! : undefined;
}

/** A duration in seconds, written as a number of seconds or '30s' / '5m' / '1h'. */
export const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const s = parseDuration(v);
  if (s === undefined || s <= 0) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be a positive duration like 30s, 5m, 1h or a number of seconds; got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return s;
});

const name = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be letters, digits, dots, dashes or underscores');
const labels = z.record(z.string(), z.string());

const httpCall = {
  url: z.string().url(),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
  /** statuses counted as success (default any 2xx) */
  expectStatus: z.array(z.number().int().min(100).max(599)).optional(),
  timeoutSeconds: z.number().positive().max(300).default(10),
};

/** One step that changes the system: an action or its rollback. */
export const actionSchema = z.discriminatedUnion('kind', [
  // The demo workload's fault API (POST {url}/faults); its rollback ends the fault it created.
  z.object({
    kind: z.literal('demo-fault'),
    url: z.string().url(),
    type: z.string().min(1),
    service: z.string().min(1),
    durationSeconds: z.number().positive().max(7 * 86400).default(600),
    magnitude: z.number().finite().optional(),
  }).strict(),
  // Ends the fault the experiment's demo-fault action started (DELETE {url}/faults/:id).
  z.object({ kind: z.literal('demo-fault-end') }).strict(),
  z.object({ kind: z.literal('http'), target: z.string().min(1).optional(), ...httpCall }).strict(),
  // A program on the companion host (no shell): only when the companion's chaos.allowCommands is true.
  z.object({
    kind: z.literal('command'),
    target: z.string().min(1).optional(),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    timeoutSeconds: z.number().positive().max(3600).default(60),
  }).strict(),
  // A Chaos Toolkit action as written in its experiment files; http and process providers run.
  z.object({
    kind: z.literal('chaostoolkit'),
    target: z.string().min(1).optional(),
    name: z.string().optional(),
    provider: z.record(z.string(), z.unknown()),
  }).strict(),
]);
export type Action = z.infer<typeof actionSchema>;

export const methodStepSchema = z
  .object({
    name: name.optional(),
    action: actionSchema,
    /** undoes the action; required (validate.ts refuses a step without one) */
    rollback: actionSchema.optional(),
    /** wait this long after the action before the next step */
    pauseAfter: duration.optional(),
  })
  .strict();
export type MethodStep = z.infer<typeof methodStepSchema>;

const tolerance = z
  .object({ min: z.number().finite().optional(), max: z.number().finite().optional() })
  .strict()
  .refine((t) => t.min !== undefined || t.max !== undefined, 'give min, max or both');

export const steadyStateSchema = z
  .object({
    slos: z
      .array(
        z.object({
          id: z.string().min(1),
          /** steady while the current burn rate is at most this (default 1: spending no faster than the budget allows) */
          maxBurnRate: z.number().positive().default(1),
          /** steady while at least this fraction of the period's budget is left */
          minBudgetRemaining: z.number().min(0).max(1).optional(),
        }).strict(),
      )
      .default([]),
    probes: z
      .array(
        z.object({
          name: name,
          /** PromQL; every returned sample must lie within the tolerance (no sample = unhealthy unless emptyOk) */
          query: z.string().min(1),
          tolerance,
          emptyOk: z.boolean().default(false),
        }).strict(),
      )
      .default([]),
  })
  .strict()
  .default({});
export type SteadyState = z.infer<typeof steadyStateSchema>;

export const expectationsSchema = z
  .object({
    alert: z
      .object({
        name: z.string().min(1),
        labels: labels.default({}),
        within: duration,
        /** the Alertmanager receiver(s) the alert must be routed to */
        receiver: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
      })
      .strict()
      .optional(),
    anomaly: z.object({ component: z.string().min(1).optional(), within: duration }).strict().optional(),
    rca: z.object({ component: z.string().min(1), topK: z.number().int().min(1).max(20).default(3) }).strict().optional(),
    /** id of the runbook (file name without .md) RCA must suggest first */
    runbook: z.string().min(1).optional(),
    remediation: z
      .object({
        action: z.string().min(1),
        /** dry-run (default): an audited dry run counts; live: the action must have executed */
        mode: z.enum(['dry-run', 'live']).default('dry-run'),
        within: duration,
      })
      .strict()
      .optional(),
    /** steady state must be back within this long after the rollback */
    recovery: z.object({ within: duration }).strict().optional(),
  })
  .strict()
  .default({});
export type Expectations = z.infer<typeof expectationsSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h, UTC)');
export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export const guardsSchema = z
  .object({
    blastRadius: z
      .object({
        /** components an action may touch (a demo fault's service, an action's target); '*' allows any */
        targets: z.array(z.string().min(1)).min(1),
        /** host[:port] an http action may call (default: any) */
        hosts: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
    abort: z
      .object({
        /** abort when any of these SLOs (default: the steady state's) burns faster than this */
        maxBurnRate: z.number().positive().optional(),
        /** abort when any of them has less than this fraction of its budget left */
        minBudgetRemaining: z.number().min(0).max(1).optional(),
        slos: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
    maxDuration: duration.optional(),
    maintenanceWindows: z
      .array(z.object({ days: z.array(z.enum(DAYS)).min(1).default([...DAYS]), start: hhmm, end: hhmm }).strict())
      .optional(),
    /** avoid (default): refuse to start inside a window (alerts are muted then); require: only inside one */
    maintenanceMode: z.enum(['avoid', 'require']).default('avoid'),
    /** the run waits for POST /api/chaos/runs/:id/approve before injecting anything */
    approval: z.boolean().default(false),
  })
  .strict()
  .default({});
export type Guards = z.infer<typeof guardsSchema>;

export const experimentSchema = z
  .object({
    name: name,
    description: z.string().optional(),
    hypothesis: z.string().optional(),
    /** the component this experiment disturbs: the lock key, and where RCA/anomaly expectations look by default */
    target: z.string().min(1),
    steadyState: steadyStateSchema,
    method: z.array(methodStepSchema).min(1),
    expect: expectationsSchema,
    /** merged over the plan's guards */
    guards: guardsSchema.optional(),
  })
  .strict();
export type Experiment = z.infer<typeof experimentSchema>;

export const PLAN_VERSION = 'foresight/chaos-v1';

export const planSchema = z
  .object({
    version: z.literal(PLAN_VERSION),
    name: name,
    description: z.string().optional(),
    /** cron (minute hour day-of-month month day-of-week, UTC) when the companion runs it on its own */
    schedule: z.string().optional(),
    guards: guardsSchema,
    /** how often the runner polls Prometheus/Alertmanager while an experiment runs */
    pollSeconds: z.number().positive().max(60).default(2),
    experiments: z.array(experimentSchema).min(1),
  })
  .strict();
export type Plan = z.infer<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
