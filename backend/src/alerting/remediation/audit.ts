// The remediation audit trail: who/what/when/why/result of every decision, kept in the store.
import type { AlertingStore } from '../store.js';

export type Outcome =
  | 'dry_run' | 'executed' | 'failed' | 'skipped' | 'queued' | 'awaiting_approval' | 'approved' | 'rejected' | 'verified' | 'verify_failed' | 'verify_skipped';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  alert: string;
  reason: string;
  outcome: Outcome;
  detail: Record<string, unknown>;
  dryRun: boolean;
}

export class AuditLog {
  constructor(private readonly store: AlertingStore) {}

  record(e: Omit<AuditEntry, 'id' | 'at'>, atMs: number): number {
    const r = this.store.db.prepare(`INSERT INTO alerting_audit (at, actor, action, target, alert, reason, outcome, detail, dry_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(atMs, e.actor, e.action, e.target, e.alert, e.reason, e.outcome, JSON.stringify(e.detail), e.dryRun ? 1 : 0);
    return Number(r.lastInsertRowid);
  }

  list(o: { limit?: number; action?: string; target?: string } = {}): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (o.action) (where.push('action = ?'), args.push(o.action));
    if (o.target) (where.push('target = ?'), args.push(o.target));
    const rows = this.store.db.prepare(`SELECT * FROM alerting_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...args, o.limit ?? 200) as { id: number; at: number; actor: string; action: string; target: string; alert: string; reason: string; outcome: Outcome; detail: string; dry_run: number }[];
    return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString(), detail: JSON.parse(r.detail) as Record<string, unknown>, dryRun: r.dry_run === 1 }));
  }
}
