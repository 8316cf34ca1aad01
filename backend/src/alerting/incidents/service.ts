// Incidents from Alertmanager notifications: replay protection, grouping of related alerts, each
// incident's life (opened → acknowledged → resolved, time to resolve), operator feedback and per-rule
// quality (precision, noise, mean time to resolve). Hooks let the lead wire RCA and remediation in.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { AlertingStore } from '../store.js';
import { migrateAlerting } from '../store.js';
import { alertService, chooseIncident, type OpenIncident } from './grouping.js';
import { parseWebhook, WebhookError, type WebhookAlert } from './webhook-schema.js';

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';
export interface Incident {
  id: number;
  title: string;
  services: string[];
  severity: string;
  status: IncidentStatus;
  openedAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  timeToResolveSeconds?: number;
  escalatedAt?: string;
}
export interface StoredAlert {
  id: number;
  fingerprint: string;
  alertname: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
  startsAt: string;
  endsAt?: string;
  incidentId: number;
  feedback?: { verdict: 'useful' | 'noise'; by: string; note?: string };
}
export interface RuleStats {
  alertname: string;
  fired: number;
  resolved: number;
  useful: number;
  noise: number;
  /** useful / rated; undefined until an operator rated one */
  precision?: number;
  /** noise / rated */
  noiseRatio?: number;
  mttrSeconds?: number;
}
export interface WebhookResult {
  incidents: number[];
  opened: number[];
  resolved: number[];
  alerts: number;
  /** Set when this exact notification was already processed (a retry or a `repeat_interval` re-send): nothing changed. */
  duplicate?: true;
  /** For a duplicate: when the first copy was processed (ISO). */
  firstProcessedAt?: string;
}

export interface IncidentHooks {
  /** Called once per new incident (e.g. start root-cause analysis). Errors are logged, never thrown. */
  onIncidentOpened?: (incident: Incident, alerts: StoredAlert[]) => void | Promise<void>;
  /** Called for every newly firing alert (e.g. guarded remediation). */
  onAlertFiring?: (alert: StoredAlert, incident: Incident) => void | Promise<void>;
}

export interface IncidentServiceOptions {
  store: AlertingStore;
  /** service → services it depends on (from the alerting policy) */
  dependencies?: Map<string, string[]>;
  groupWindowMs?: number;
  now?: () => number;
  log?: Logger;
  hooks?: IncidentHooks;
}

interface IncidentRow {
  id: number; title: string; services: string; severity: string; status: IncidentStatus; opened_at: number; last_activity_at: number;
  acknowledged_at: number | null; acknowledged_by: string | null; resolved_at: number | null; resolved_by: string | null; escalated_at: number | null;
}
interface AlertRow {
  id: number; fingerprint: string; starts_at: number; ends_at: number | null; alertname: string; status: 'firing' | 'resolved'; labels: string;
  annotations: string; generator_url: string; incident_id: number; verdict: 'useful' | 'noise' | null; by: string | null; note: string | null;
}

const iso = (ms: number | null | undefined): string | undefined => (ms == null ? undefined : new Date(ms).toISOString());
const SEVERITY_RANK = ['critical', 'page', 'high', 'error', 'medium', 'warning', 'ticket', 'low', 'info'];
const worse = (a: string, b: string): string => {
  const ra = SEVERITY_RANK.indexOf(a), rb = SEVERITY_RANK.indexOf(b);
  return rb !== -1 && (ra === -1 || rb < ra) ? b : a;
};

export class NotFoundError extends Error {}
export class ConflictError extends Error {}

export class IncidentService {
  private readonly now: () => number;
  private readonly deps: Map<string, string[]>;
  private readonly windowMs: number;
  hooks: IncidentHooks;

  constructor(private readonly o: IncidentServiceOptions) {
    migrateAlerting(o.store);
    this.now = o.now ?? Date.now;
    this.deps = o.dependencies ?? new Map();
    this.windowMs = o.groupWindowMs ?? 10 * 60_000;
    this.hooks = o.hooks ?? {};
  }

  private get db() {
    return this.o.store.db;
  }

  /**
   * Validates, stores alerts and updates incidents. Throws WebhookError (400) on bad input. A notification
   * already processed is answered `{duplicate: true}` without touching any state: Alertmanager treats every
   * non-2xx as a failed delivery and retries, and its `repeat_interval` re-sends are legitimate.
   */
  async receive(body: unknown): Promise<WebhookResult> {
    const p = parseWebhook(body);
    const key = createHash('sha256')
      .update(JSON.stringify([p.groupKey, p.status, p.alerts.map((a) => [a.fingerprint, a.startsAt, a.status, a.endsAt]).sort()]))
      .digest('hex');
    const now = this.now();
    const seen = this.db.prepare('SELECT at FROM alerting_webhook_seen WHERE key = ?').get(key) as { at: number } | undefined;
    if (seen) {
      this.o.log?.debug({ groupKey: p.groupKey, firstProcessedAt: iso(seen.at) }, 'duplicate Alertmanager notification ignored');
      return { incidents: [], opened: [], resolved: [], alerts: p.alerts.length, duplicate: true, firstProcessedAt: iso(seen.at) };
    }

    const opened: number[] = [];
    const touched = new Set<number>();
    const firing: StoredAlert[] = [];
    const tx = this.db.transaction(() => {
      this.db.prepare('INSERT INTO alerting_webhook_seen (key, at) VALUES (?, ?)').run(key, now);
      for (const a of p.alerts) {
        const r = this.upsertAlert(a, now, opened);
        if (!r) continue;
        touched.add(r.incidentId);
        if (r.newlyFiring) firing.push(r.alert);
      }
    });
    tx();
    const resolved: number[] = [];
    for (const id of touched) if (this.resolveIfDone(id, now)) resolved.push(id);

    for (const id of opened) {
      const inc = this.getIncident(id);
      await this.callHook('onIncidentOpened', () => this.hooks.onIncidentOpened?.(inc, this.alertsOf(id)));
    }
    for (const a of firing) await this.callHook('onAlertFiring', () => this.hooks.onAlertFiring?.(a, this.getIncident(a.incidentId)));
    return { incidents: [...touched], opened, resolved, alerts: p.alerts.length };
  }

  private async callHook(name: string, f: () => void | Promise<void>): Promise<void> {
    try {
      await f();
    } catch (e) {
      this.o.log?.error({ err: (e as Error).message, hook: name }, 'alerting hook failed');
    }
  }

  /** Undefined for a resolved alert never seen firing (e.g. sent before the companion started): nothing to resolve. */
  private upsertAlert(a: WebhookAlert, now: number, opened: number[]): { incidentId: number; newlyFiring: boolean; alert: StoredAlert } | undefined {
    const startsAt = Date.parse(a.startsAt);
    const endsAt = a.status === 'resolved' && a.endsAt && !a.endsAt.startsWith('0001') ? Date.parse(a.endsAt) : null;
    const existing = this.db.prepare('SELECT id, incident_id, status FROM alerting_alerts WHERE fingerprint = ? AND starts_at = ?').get(a.fingerprint, startsAt) as
      | { id: number; incident_id: number; status: string }
      | undefined;
    if (existing) {
      this.db.prepare('UPDATE alerting_alerts SET status = ?, ends_at = ?, labels = ?, annotations = ? WHERE id = ?')
        .run(a.status, endsAt, JSON.stringify(a.labels), JSON.stringify(a.annotations), existing.id);
      this.touch(existing.incident_id, now);
      return { incidentId: existing.incident_id, newlyFiring: false, alert: this.getAlert(existing.id) };
    }
    if (a.status === 'resolved') return undefined;
    const service = alertService(a.labels);
    const severity = a.labels.severity ?? 'unknown';
    let incidentId = chooseIncident(service, now, this.openIncidents(), this.deps, this.windowMs);
    if (incidentId === undefined) {
      const r = this.db.prepare(`INSERT INTO alerting_incidents (title, services, severity, status, opened_at, last_activity_at) VALUES (?, ?, ?, 'open', ?, ?)`)
        .run(`${a.labels.alertname} on ${service}`, JSON.stringify([service]), severity, now, now);
      incidentId = Number(r.lastInsertRowid);
      opened.push(incidentId);
    } else {
      const row = this.db.prepare('SELECT services, severity FROM alerting_incidents WHERE id = ?').get(incidentId) as { services: string; severity: string };
      const services = JSON.parse(row.services) as string[];
      if (!services.includes(service)) services.push(service);
      this.db.prepare('UPDATE alerting_incidents SET services = ?, severity = ? WHERE id = ?').run(JSON.stringify(services), worse(row.severity, severity), incidentId);
      this.touch(incidentId, now);
    }
    const r = this.db.prepare(`INSERT INTO alerting_alerts (fingerprint, starts_at, ends_at, alertname, status, labels, annotations, generator_url, incident_id, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(a.fingerprint, startsAt, endsAt, a.labels.alertname, a.status, JSON.stringify(a.labels), JSON.stringify(a.annotations), a.generatorURL, incidentId, now);
    return { incidentId, newlyFiring: a.status === 'firing', alert: this.getAlert(Number(r.lastInsertRowid)) };
  }

  private touch(id: number, now: number): void {
    this.db.prepare('UPDATE alerting_incidents SET last_activity_at = ? WHERE id = ?').run(now, id);
  }

  /** An incident resolves itself when all its alerts are resolved. */
  private resolveIfDone(id: number, now: number): boolean {
    const inc = this.db.prepare('SELECT status FROM alerting_incidents WHERE id = ?').get(id) as { status: IncidentStatus };
    if (inc.status === 'resolved') return false;
    const firing = this.db.prepare(`SELECT COUNT(*) AS n FROM alerting_alerts WHERE incident_id = ? AND status = 'firing'`).get(id) as { n: number };
    if (firing.n > 0) return false;
    this.db.prepare(`UPDATE alerting_incidents SET status = 'resolved', resolved_at = ?, resolved_by = 'alertmanager' WHERE id = ?`).run(now, id);
    return true;
  }

  private openIncidents(): OpenIncident[] {
    const rows = this.db.prepare(`SELECT id, services, last_activity_at FROM alerting_incidents WHERE status != 'resolved'`).all() as { id: number; services: string; last_activity_at: number }[];
    return rows.map((r) => ({ id: r.id, services: JSON.parse(r.services) as string[], lastActivityAt: r.last_activity_at }));
  }

  private toIncident(r: IncidentRow): Incident {
    return {
      id: r.id,
      title: r.title,
      services: JSON.parse(r.services) as string[],
      severity: r.severity,
      status: r.status,
      openedAt: iso(r.opened_at)!,
      acknowledgedAt: iso(r.acknowledged_at),
      acknowledgedBy: r.acknowledged_by ?? undefined,
      resolvedAt: iso(r.resolved_at),
      resolvedBy: r.resolved_by ?? undefined,
      timeToResolveSeconds: r.resolved_at == null ? undefined : (r.resolved_at - r.opened_at) / 1000,
      escalatedAt: iso(r.escalated_at),
    };
  }

  private toAlert(r: AlertRow): StoredAlert {
    return {
      id: r.id,
      fingerprint: r.fingerprint,
      alertname: r.alertname,
      status: r.status,
      labels: JSON.parse(r.labels) as Record<string, string>,
      annotations: JSON.parse(r.annotations) as Record<string, string>,
      generatorURL: r.generator_url,
      startsAt: iso(r.starts_at)!,
      endsAt: iso(r.ends_at),
      incidentId: r.incident_id,
      feedback: r.verdict ? { verdict: r.verdict, by: r.by!, note: r.note ?? undefined } : undefined,
    };
  }

  private static ALERT_SELECT = `SELECT a.*, f.verdict, f.by, f.note FROM alerting_alerts a LEFT JOIN alerting_feedback f ON f.alert_id = a.id`;

  getAlert(id: number): StoredAlert {
    const r = this.db.prepare(`${IncidentService.ALERT_SELECT} WHERE a.id = ?`).get(id) as AlertRow | undefined;
    if (!r) throw new NotFoundError(`alert ${id} not found`);
    return this.toAlert(r);
  }

  alertsOf(incidentId: number): StoredAlert[] {
    return (this.db.prepare(`${IncidentService.ALERT_SELECT} WHERE a.incident_id = ? ORDER BY a.id`).all(incidentId) as AlertRow[]).map((r) => this.toAlert(r));
  }

  getIncident(id: number): Incident {
    const r = this.db.prepare('SELECT * FROM alerting_incidents WHERE id = ?').get(id) as IncidentRow | undefined;
    if (!r) throw new NotFoundError(`incident ${id} not found`);
    return this.toIncident(r);
  }

  listIncidents(o: { status?: IncidentStatus; limit?: number } = {}): Incident[] {
    const rows = (o.status
      ? this.db.prepare('SELECT * FROM alerting_incidents WHERE status = ? ORDER BY id DESC LIMIT ?').all(o.status, o.limit ?? 100)
      : this.db.prepare('SELECT * FROM alerting_incidents ORDER BY id DESC LIMIT ?').all(o.limit ?? 100)) as IncidentRow[];
    return rows.map((r) => this.toIncident(r));
  }

  acknowledge(id: number, by: string): Incident {
    const inc = this.getIncident(id);
    if (inc.status === 'resolved') throw new ConflictError(`incident ${id} is already resolved`);
    if (inc.status === 'acknowledged') return inc;
    this.db.prepare(`UPDATE alerting_incidents SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ? WHERE id = ?`).run(this.now(), by, id);
    return this.getIncident(id);
  }

  resolve(id: number, by: string): Incident {
    const inc = this.getIncident(id);
    if (inc.status === 'resolved') throw new ConflictError(`incident ${id} is already resolved`);
    this.db.prepare(`UPDATE alerting_incidents SET status = 'resolved', resolved_at = ?, resolved_by = ? WHERE id = ?`).run(this.now(), by, id);
    return this.getIncident(id);
  }

  feedback(alertId: number, verdict: 'useful' | 'noise', by: string, note?: string): StoredAlert {
    this.getAlert(alertId);
    this.db.prepare(`INSERT INTO alerting_feedback (alert_id, verdict, by, note, at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(alert_id) DO UPDATE SET verdict = excluded.verdict, by = excluded.by, note = excluded.note, at = excluded.at`)
      .run(alertId, verdict, by, note ?? null, this.now());
    return this.getAlert(alertId);
  }

  /** Per alert rule: how often it fired, how operators rated it, and how long it took to resolve. */
  ruleStats(limit = 500): RuleStats[] {
    const rows = this.db.prepare(`SELECT a.alertname AS alertname, COUNT(*) AS fired,
        SUM(a.status = 'resolved') AS resolved,
        SUM(f.verdict = 'useful') AS useful, SUM(f.verdict = 'noise') AS noise,
        AVG(CASE WHEN a.ends_at IS NOT NULL THEN (a.ends_at - a.starts_at) / 1000.0 END) AS mttr
      FROM alerting_alerts a LEFT JOIN alerting_feedback f ON f.alert_id = a.id
      GROUP BY a.alertname ORDER BY fired DESC, a.alertname LIMIT ?`).all(limit) as { alertname: string; fired: number; resolved: number; useful: number | null; noise: number | null; mttr: number | null }[];
    return rows.map((r) => {
      const useful = r.useful ?? 0, noise = r.noise ?? 0, rated = useful + noise;
      return {
        alertname: r.alertname,
        fired: r.fired,
        resolved: r.resolved,
        useful,
        noise,
        precision: rated ? useful / rated : undefined,
        noiseRatio: rated ? noise / rated : undefined,
        mttrSeconds: r.mttr ?? undefined,
      };
    });
  }

  /** Unacknowledged incidents of `severities` opened more than `afterMs` ago and not yet escalated. */
  dueForEscalation(severities: string[], afterMs: number): Incident[] {
    if (severities.length === 0) return [];
    const rows = this.db.prepare(`SELECT * FROM alerting_incidents WHERE status = 'open' AND escalated_at IS NULL AND opened_at <= ?
      AND severity IN (${severities.map(() => '?').join(',')})`).all(this.now() - afterMs, ...severities) as IncidentRow[];
    return rows.map((r) => this.toIncident(r));
  }

  markEscalated(id: number): void {
    this.db.prepare('UPDATE alerting_incidents SET escalated_at = ? WHERE id = ?').run(this.now(), id);
  }
}
