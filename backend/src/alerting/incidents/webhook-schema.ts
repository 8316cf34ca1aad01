// Alertmanager's webhook payload (version 4), validated before anything is stored.
import { z } from 'zod';

const labels = z.record(z.string());
const time = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 time');

export const webhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labels.refine((l) => typeof l.alertname === 'string' && l.alertname.length > 0, 'must contain alertname'),
  annotations: labels.default({}),
  startsAt: time,
  endsAt: z.string().default(''),
  generatorURL: z.string().default(''),
  fingerprint: z.string().min(1),
});
export type WebhookAlert = z.infer<typeof webhookAlertSchema>;

export const webhookPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: labels.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(webhookAlertSchema).min(1),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

export class WebhookError extends Error {
  constructor(readonly status: 400 | 401, message: string) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** Throws a 400 WebhookError naming each bad field (`alerts[0].fingerprint: Required`). */
export function parseWebhook(body: unknown): WebhookPayload {
  const r = webhookPayloadSchema.safeParse(body);
  if (!r.success)
    throw new WebhookError(400, `malformed Alertmanager webhook: ${r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  return r.data;
}
