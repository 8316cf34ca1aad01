// Escalation of unacknowledged incidents. Alertmanager cannot know whether a human acknowledged a page,
// so the companion does: when an incident of a tier with `escalation` stays unacknowledged for `after`,
// its firing alerts are re-sent to Alertmanager with `escalate="true"`; the generated tree routes those
// (a distinct label set, hence a new alert group) to the tier's escalation receivers.
import type { Logger } from 'pino';
import { TIERS, type AlertingConfig } from './config.js';
import type { IncidentService } from './incidents/service.js';

const durationMs = (d: string): number => {
  const unit: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5, y: 31536e6 };
  let total = 0;
  for (const m of d.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
};

/** One pass; returns the escalated incident ids. Call it periodically. */
export async function escalateDue(o: {
  config: AlertingConfig;
  incidents: IncidentService;
  alertmanagerUrl: string;
  log?: Logger;
}): Promise<number[]> {
  const done: number[] = [];
  for (const t of TIERS) {
    const tier = o.config.tiers[t];
    if (!tier.escalation) continue;
    for (const inc of o.incidents.dueForEscalation(tier.severities, durationMs(tier.escalation.after))) {
      const alerts = o.incidents.alertsOf(inc.id).filter((a) => a.status === 'firing');
      if (alerts.length) {
        try {
          await postEscalation(o.alertmanagerUrl, alerts.map((a) => ({ labels: a.labels, annotations: { ...a.annotations, foresight_incident: String(inc.id), summary: a.annotations.summary ?? `unacknowledged for ${tier.escalation!.after}` }, generatorURL: a.generatorURL })));
        } catch (e) {
          o.log?.error({ incident: inc.id, err: (e as Error).message }, 'escalation post to Alertmanager failed');
          continue;
        }
      }
      o.incidents.markEscalated(inc.id);
      done.push(inc.id);
      o.log?.warn({ incident: inc.id, tier: t }, 'incident escalated');
    }
  }
  return done;
}

/** Sends copies of alerts labelled `escalate="true"` to Alertmanager's v2 API; throws with its answer on failure. */
export async function postEscalation(alertmanagerUrl: string, alerts: { labels: Record<string, string>; annotations: Record<string, string>; generatorURL?: string }[]): Promise<void> {
  // No startsAt: Alertmanager stamps its own clock (and sets endsAt = now + resolve_timeout).
  // Re-fired by Foresight, so it carries foresight_source and enters Foresight's routes (the default selector).
  const body = alerts.map((a) => ({ labels: { foresight_source: 'escalation', ...a.labels, escalate: 'true' }, annotations: a.annotations, ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}) }));
  const r = await fetch(`${alertmanagerUrl.replace(/\/+$/, '')}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!r.ok) throw new Error(`Alertmanager ${alertmanagerUrl} answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
}
