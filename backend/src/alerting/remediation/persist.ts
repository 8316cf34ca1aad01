// Guardrail state kept in the store so a restart does not forget it: circuit breakers (consecutive failures
// and when they opened), per-target cooldowns (last action time and end), and queued requests. Pending
// approvals already live in `alerting_approvals`; the rate window is rebuilt from the audit trail. Locks and
// running actions are not kept: their processes end with the companion.
import type { Tier } from '../config.js';
import type { AlertingStore } from '../store.js';
import type { BreakerSnapshot } from './guardrails.js';

/** A queued request as stored (the action by name: it is looked up in the current config on restore). */
export interface StoredRequest {
  action: string;
  target: string;
  params: Record<string, string>;
  alert: { fingerprint: string; labels: Record<string, string>; annotations: Record<string, string>; generatorURL: string };
  tier?: Tier;
  actor: string;
  approved?: boolean;
}

export class GuardrailStore {
  constructor(private readonly store: AlertingStore) {}

  private get db() {
    return this.store.db;
  }

  breakers(): (BreakerSnapshot & { action: string })[] {
    return this.db.prepare('SELECT action, failures, opened_at AS openedAt FROM alerting_breakers').all() as (BreakerSnapshot & { action: string })[];
  }
  saveBreaker(action: string, s: BreakerSnapshot, now: number): void {
    this.db.prepare(`INSERT INTO alerting_breakers (action, failures, opened_at, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT(action) DO UPDATE SET failures = excluded.failures, opened_at = excluded.opened_at, updated_at = excluded.updated_at`)
      .run(action, s.failures, s.openedAt, now);
  }

  /** Cooldowns still running at `now` (expired rows are deleted on the way). */
  cooldowns(now: number): { target: string; until: number }[] {
    this.db.prepare('DELETE FROM alerting_cooldowns WHERE until <= ?').run(now);
    return this.db.prepare('SELECT target, until FROM alerting_cooldowns').all() as { target: string; until: number }[];
  }
  saveCooldown(target: string, lastActionAt: number, until: number): void {
    this.db.prepare(`INSERT INTO alerting_cooldowns (target, last_action_at, until) VALUES (?, ?, ?)
      ON CONFLICT(target) DO UPDATE SET last_action_at = excluded.last_action_at, until = excluded.until`)
      .run(target, lastActionAt, until);
  }

  enqueue(r: StoredRequest, now: number): number {
    return Number(this.db.prepare('INSERT INTO alerting_queue (queued_at, action, target, request) VALUES (?, ?, ?, ?)')
      .run(now, r.action, r.target, JSON.stringify({ params: r.params, alert: r.alert, tier: r.tier, actor: r.actor, approved: r.approved })).lastInsertRowid);
  }
  dequeue(id: number): void {
    this.db.prepare('DELETE FROM alerting_queue WHERE id = ?').run(id);
  }
  /** Queued requests in queue order. */
  queue(): (StoredRequest & { id: number })[] {
    const rows = this.db.prepare('SELECT id, action, target, request FROM alerting_queue ORDER BY id').all() as { id: number; action: string; target: string; request: string }[];
    return rows.map((x) => ({ id: x.id, action: x.action, target: x.target, ...(JSON.parse(x.request) as Omit<StoredRequest, 'action' | 'target'>) }));
  }

  /** Times actions started (executed or dry run) since `since`, from the audit trail: the rate window. */
  startsSince(since: number): number[] {
    const rows = this.db.prepare(`SELECT at FROM alerting_audit WHERE at > ? AND (outcome = 'dry_run' OR (outcome = 'executed' AND reason LIKE 'started:%')) ORDER BY at`)
      .all(since) as { at: number }[];
    return rows.map((r) => r.at);
  }
}
