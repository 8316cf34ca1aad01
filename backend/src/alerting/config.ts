// The alerting section of the companion's config: routing policy (tiers, teams, services, receivers),
// maintenance windows, inhibition, the webhook's secret and guarded remediation. Validated with zod so a
// bad policy fails with the path of the offending field; cross-field checks live in routes/validate.ts.
import { z } from 'zod';

/** A secret is never inline: it is read from a file (referenced by Alertmanager's `*_file` fields) or an env var. */
export const secretRefSchema = z.union([
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and - only');
const duration = z.string().regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, "must be a duration such as '30s', '5m', '4h'");
const matcher = z.string().min(3);

export const receiverSchema = z.discriminatedUnion('type', [
  z.object({ name, type: z.literal('slack'), apiUrl: secretRefSchema, channel: z.string().min(1), sendResolved: z.boolean().default(true) }).strict(),
  z.object({ name, type: z.literal('pagerduty'), routingKey: secretRefSchema, sendResolved: z.boolean().default(true) }).strict(),
  z.object({ name, type: z.literal('opsgenie'), apiKey: secretRefSchema, apiUrl: z.string().url().optional(), sendResolved: z.boolean().default(true) }).strict(),
  z.object({
    name,
    type: z.literal('email'),
    to: z.string().min(3),
    from: z.string().min(3).optional(),
    smarthost: z.string().regex(/^[^:\s]+:[0-9]+$/, "must be 'host:port'").optional(),
    authUsername: z.string().optional(),
    authPassword: secretRefSchema.optional(),
    sendResolved: z.boolean().default(false),
  }).strict(),
  z.object({ name, type: z.literal('webhook'), url: z.string().url(), bearerToken: secretRefSchema.optional(), sendResolved: z.boolean().default(true) }).strict(),
]);
export type ReceiverDef = z.infer<typeof receiverSchema>;

export const TIERS = ['critical', 'high', 'medium', 'low'] as const;
export type Tier = (typeof TIERS)[number];

const tierSchema = z.object({
  /** Values of the `severity` label this tier takes (SLO pages are `critical`, tickets `warning`). */
  severities: z.array(z.string().min(1)),
  /** Receivers used when no team claims the alert; empty = dashboard only (the null receiver). */
  receivers: z.array(name).default([]),
  groupBy: z.array(z.string()).default(['alertname', 'service', 'slo']),
  groupWait: duration,
  groupInterval: duration,
  repeatInterval: duration,
  /** Unacknowledged alerts of this tier re-fire with `escalate="true"` after `after` and go to `receivers`. */
  escalation: z.object({ after: duration, receivers: z.array(name).min(1) }).strict().optional(),
}).strict();
export type TierPolicy = z.infer<typeof tierSchema>;

const tierDefaults: Record<Tier, z.input<typeof tierSchema>> = {
  critical: { severities: ['critical', 'page'], groupWait: '30s', groupInterval: '5m', repeatInterval: '1h' },
  high: { severities: ['high', 'error'], groupWait: '1m', groupInterval: '5m', repeatInterval: '4h' },
  medium: { severities: ['medium', 'warning', 'ticket'], groupWait: '5m', groupInterval: '30m', repeatInterval: '24h' },
  low: { severities: ['low', 'info'], groupWait: '10m', groupInterval: '1h', repeatInterval: '7d' },
};

const teamSchema = z.object({
  name,
  /** Services owned by the team: alerts with `service` in this list (or `team="<name>"`) route to its receivers. */
  services: z.array(z.string().min(1)).default([]),
  receivers: z.object({ critical: z.array(name), high: z.array(name), medium: z.array(name), low: z.array(name) }).partial().strict().default({}),
}).strict();

const serviceSchema = z.object({ name: z.string().min(1), dependsOn: z.array(z.string().min(1)).default([]) }).strict();

const weekdayRange = z.string().regex(/^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(:(monday|tuesday|wednesday|thursday|friday|saturday|sunday))?$/, "must be a weekday or 'monday:friday'");
const hhmm = z.string().regex(/^([01][0-9]|2[0-4]):[0-5][0-9]$/, "must be 'HH:MM'");
const maintenanceSchema = z.object({
  name,
  /** Alertmanager time_interval entries (all fields optional, as in Alertmanager). */
  intervals: z.array(z.object({
    weekdays: z.array(weekdayRange).optional(),
    times: z.array(z.object({ start: hhmm, end: hhmm }).strict()).optional(),
    daysOfMonth: z.array(z.string().regex(/^-?[0-9]+(:-?[0-9]+)?$/)).optional(),
    months: z.array(z.string().min(1)).optional(),
    years: z.array(z.string().regex(/^[0-9]{4}(:[0-9]{4})?$/)).optional(),
    location: z.string().optional(),
  }).strict()).min(1),
  /** Limit the window to these services; empty = every Foresight-routed alert. */
  services: z.array(z.string().min(1)).default([]),
}).strict();
export type MaintenanceWindow = z.infer<typeof maintenanceSchema>;

export const remediationActionSchema = z.object({
  name,
  /** Alertmanager-style matchers (`alertname="X"`, `service=~"a|b"`) an alert must satisfy. */
  match: z.array(matcher).min(1),
  /** Label whose value names the thing acted on (the lock/cooldown/breaker key). */
  targetLabel: z.string().min(1).default('service'),
  /** Parameters taken from alert labels; each value must fully match its pattern. */
  params: z.record(z.object({ label: z.string().min(1), pattern: z.string().min(1) }).strict()).default({}),
  run: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('script'), script: z.string().min(1), args: z.array(z.string()).default([]), timeoutSeconds: z.number().positive().default(60) }).strict(),
    z.object({ kind: z.literal('http'), url: z.string().url(), method: z.enum(['POST', 'PUT', 'GET']).default('POST'), timeoutSeconds: z.number().positive().default(30) }).strict(),
  ]),
  mode: z.enum(['dry-run', 'approval', 'auto']).default('dry-run'),
  /** Declared cost of acting (same unit as incidentCost); the action is skipped when it exceeds the incident's. */
  cost: z.number().nonnegative().default(0),
  cooldownSeconds: z.number().nonnegative().default(300),
  /** Re-check after acting; `expr` defaults to the alert's own expression (from its generatorURL). */
  verify: z.object({ afterSeconds: z.number().nonnegative().default(120), expr: z.string().optional() }).strict().default({}),
}).strict();
export type RemediationAction = z.infer<typeof remediationActionSchema>;

export const remediationSchema = z.object({
  /** Scripts may only be run from here (resolved, symlinks followed). */
  scriptDir: z.string().default('remediation'),
  rateLimitPerMinute: z.number().int().positive().default(10),
  maxConcurrent: z.number().int().positive().default(2),
  breaker: z.object({ failures: z.number().int().positive().default(3), resetSeconds: z.number().positive().default(600) }).strict().default({}),
  /** Estimated cost of an incident per tier; an alert may override with annotation `foresight_incident_cost`. */
  incidentCost: z.object({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number() }).partial().strict().default({}),
  actions: z.array(remediationActionSchema).default([]),
}).strict();
export type RemediationConfig = z.infer<typeof remediationSchema>;

export const alertingConfigSchema = z.object({
  /**
   * Matchers admitting an alert into Foresight's subtree of the route tree. Any matchers are allowed; the default
   * selects on a label only Foresight's own rules carry, so the user's alerts never enter the subtree.
   */
  selector: z.array(matcher).min(1).default(['foresight_source=~".+"']),
  receivers: z.array(receiverSchema).default([]),
  tiers: z.object({
    critical: tierSchema.partial().strict().default({}),
    high: tierSchema.partial().strict().default({}),
    medium: tierSchema.partial().strict().default({}),
    low: tierSchema.partial().strict().default({}),
  }).strict().default({}),
  teams: z.array(teamSchema).default([]),
  services: z.array(serviceSchema).default([]),
  maintenance: z.array(maintenanceSchema).default([]),
  inhibit: z.object({
    pageInhibitsTicket: z.boolean().default(true),
    /** An alert matching these (plus `service`) marks a component down … */
    downMatchers: z.array(matcher).default(['alertname=~"(Service|Target|Instance)Down"']),
    /** … and inhibits alerts matching these on services that depend on it (directly or not). */
    symptomMatchers: z.array(matcher).default(['foresight_tier=~"page|ticket"']),
  }).strict().default({}),
  /** Directory the writer materializes env-sourced secrets into (0600 files referenced by `*_file`). */
  secretsDir: z.string().default('secrets'),
  webhook: z.object({
    secret: secretRefSchema.optional(),
    groupWindowMinutes: z.number().positive().default(10),
    /** The companion's webhook as Alertmanager reaches it; when set, a `foresight-companion` receiver gets every alert. */
    url: z.string().url().optional(),
    /** Path Alertmanager reads the webhook secret from (default: the secret's file, or its file under secretsDir). */
    credentialsFile: z.string().min(1).optional(),
  }).strict().default({}),
  remediation: remediationSchema.default({}),
  alertmanager: z.object({
    url: z.string().url().optional(),
    configFile: z.string().optional(),
    mimir: z.object({ url: z.string().url(), tenant: z.string().min(1) }).strict().optional(),
  }).strict().default({}),
}).strict();

export type AlertingConfigInput = z.input<typeof alertingConfigSchema>;
export type AlertingConfig = Omit<z.infer<typeof alertingConfigSchema>, 'tiers'> & { tiers: Record<Tier, TierPolicy> };

/** Parses and fills tier defaults; throws an Error whose message names each bad field (`alerting.tiers.high.groupWait: …`). */
export function parseAlertingConfig(input: unknown, where = 'alerting'): AlertingConfig {
  const r = alertingConfigSchema.safeParse(input ?? {});
  if (!r.success) {
    const msgs = r.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`);
    throw new Error(`invalid alerting config:\n  ${msgs.join('\n  ')}`);
  }
  const tiers = {} as Record<Tier, TierPolicy>;
  for (const t of TIERS) tiers[t] = tierSchema.parse({ ...tierDefaults[t], ...stripUndefined(r.data.tiers[t]) });
  return { ...r.data, tiers };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
