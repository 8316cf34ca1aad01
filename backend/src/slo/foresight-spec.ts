// Our own SLO spec, `version: foresight/v1` (documented in docs/slo-spec.md). Parsed with zod so every schema
// problem names its field; semantic checks (PromQL, windows, duplicates) live in validate.ts.
import { z } from 'zod';
import { defaultAlertName, defaultAlerting, type Issue, type SliDef, type SloDef, type TierOptions } from './model.js';
import { calendarWindow, parseRollingWindow } from './window.js';

const labels = z.record(z.string(), z.string());
const tier = z
  .object({
    enabled: z.boolean().optional(),
    severity: z.string().min(1).optional(),
    labels: labels.optional(),
    annotations: labels.optional(),
    for: z.string().optional(),
  })
  .strict();

const sli = z
  .object({
    ratio: z
      .object({ errors: z.string().optional(), good: z.string().optional(), total: z.string() })
      .strict()
      .refine((r) => (r.errors === undefined) !== (r.good === undefined), { message: 'give exactly one of errors or good' })
      .optional(),
    latency: z
      .object({ metric: z.string(), selector: z.string().optional(), threshold: z.number().positive(), native: z.boolean().optional() })
      .strict()
      .optional(),
    availability: z.object({ metric: z.string(), selector: z.string().optional() }).strict().optional(),
    raw: z.object({ errorRatio: z.string() }).strict().optional(),
  })
  .strict()
  .refine((s) => Object.values(s).filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one SLI kind: ratio, latency, availability or raw',
  });

const slo = z
  .object({
    name: z.string().min(1),
    service: z.string().min(1).optional(),
    description: z.string().optional(),
    objective: z.number(),
    window: z.string().optional(),
    calendar: z.enum(['month', 'quarter']).optional(),
    labels: labels.optional(),
    sli,
    alerting: z
      .object({
        name: z.string().optional(),
        labels: labels.optional(),
        annotations: labels.optional(),
        runbook: z.string().url().optional(),
        dashboard: z.string().url().optional(),
        minEvents: z.number().int().nonnegative().optional(),
        page: tier.optional(),
        ticket: tier.optional(),
        budget: z
          .object({
            enabled: z.boolean().optional(),
            consumed: z.number().gt(0).lt(1).optional(),
            severity: z.string().min(1).optional(),
            for: z.string().optional(),
          })
          .strict()
          .optional(),
        noData: z
          .object({
            enabled: z.boolean().optional(),
            name: z.string().min(1).optional(),
            severity: z.string().min(1).optional(),
            for: z.string().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const doc = z
  .object({
    version: z.literal('foresight/v1'),
    service: z.string().min(1).optional(),
    labels: labels.optional(),
    slos: z.array(slo).min(1),
  })
  .strict();

type SloIn = z.infer<typeof slo>;

function toSli(s: SloIn['sli']): SliDef {
  if (s.ratio) return { kind: 'events', errors: s.ratio.errors, good: s.ratio.good, total: s.ratio.total };
  if (s.latency) return { kind: 'latency', metric: s.latency.metric, selector: s.latency.selector ?? '', threshold: s.latency.threshold, native: s.latency.native ?? false };
  if (s.availability) return { kind: 'availability', metric: s.availability.metric, selector: s.availability.selector ?? '' };
  return { kind: 'raw', errorRatio: s.raw!.errorRatio };
}

function tierOf(base: TierOptions, t: z.infer<typeof tier> | undefined): TierOptions {
  return {
    enabled: t?.enabled ?? base.enabled,
    severity: t?.severity ?? base.severity,
    labels: t?.labels ?? {},
    annotations: t?.annotations ?? {},
    for: t?.for ?? '',
  };
}

export function parseForesightDoc(raw: unknown, file: string, issues: Issue[]): SloDef[] {
  const parsed = doc.safeParse(raw);
  if (!parsed.success) {
    for (const e of parsed.error.issues) {
      const rawSlos = (raw as { slos?: { name?: unknown }[] } | null)?.slos;
      const idx = e.path[0] === 'slos' && typeof e.path[1] === 'number' ? e.path[1] : undefined;
      const name = idx !== undefined ? rawSlos?.[idx]?.name : undefined;
      issues.push({
        level: 'error',
        file,
        slo: typeof name === 'string' ? name : idx !== undefined ? `#${idx}` : undefined,
        field: (idx !== undefined ? e.path.slice(2) : e.path).join('.') || undefined,
        message: e.message,
      });
    }
    return [];
  }
  const d = parsed.data;
  const out: SloDef[] = [];
  d.slos.forEach((s, index) => {
    const service = s.service ?? d.service;
    if (!service) {
      issues.push({ level: 'error', file, slo: s.name, field: 'service', message: 'required (on the SLO or at the top level)' });
      return;
    }
    if (s.window !== undefined && s.calendar !== undefined) {
      issues.push({ level: 'error', file, slo: s.name, field: 'window', message: 'give either window or calendar, not both' });
      return;
    }
    const window = s.calendar ? calendarWindow(s.calendar) : parseRollingWindow(s.window ?? '30d');
    if (typeof window === 'string') {
      issues.push({ level: 'error', file, slo: s.name, field: 'window', message: window });
      return;
    }
    const al = defaultAlerting(s.alerting?.name ?? defaultAlertName(service, s.name));
    const a = s.alerting;
    out.push({
      id: `${service}-${s.name}`,
      service,
      name: s.name,
      description: s.description ?? '',
      objective: s.objective,
      window,
      sli: toSli(s.sli),
      labels: { ...(d.labels ?? {}), ...(s.labels ?? {}) },
      alerting: {
        ...al,
        labels: a?.labels ?? {},
        annotations: a?.annotations ?? {},
        runbookUrl: a?.runbook,
        dashboardUrl: a?.dashboard,
        minEvents: a?.minEvents ?? 0,
        page: tierOf(al.page, a?.page),
        ticket: tierOf(al.ticket, a?.ticket),
        budget: {
          enabled: a?.budget?.enabled ?? al.budget.enabled,
          consumed: a?.budget?.consumed ?? al.budget.consumed,
          severity: a?.budget?.severity ?? al.budget.severity,
          for: a?.budget?.for ?? '',
        },
        noData: {
          // Default: on, unless the spec turned every burn alert off (it asked for no alerts).
          enabled: a?.noData?.enabled ?? (al.noData.enabled && (a?.page?.enabled !== false || a?.ticket?.enabled !== false)),
          name: a?.noData?.name ?? al.noData.name,
          severity: a?.noData?.severity ?? al.noData.severity,
          for: a?.noData?.for ?? al.noData.for,
        },
      },
      source: { file, format: 'foresight/v1', index },
    });
  });
  return out;
}
