// Alerting's tables in the companion's SQLite store (feature 'alerting'). The store type is structural so
// this module depends only on what it uses from `store/db.ts` (`db` and `migrate`).
import type { Database } from 'better-sqlite3';

export interface AlertingStore {
  db: Database;
  migrate(feature: string, steps: string[]): void;
}

/** Append-only: never edit a step once released; add a new one. */
export const ALERTING_MIGRATIONS: string[] = [
  `CREATE TABLE alerting_incidents (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     title TEXT NOT NULL,
     services TEXT NOT NULL,              -- JSON array of services involved
     severity TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('open','acknowledged','resolved')),
     opened_at INTEGER NOT NULL,          -- unix ms
     last_activity_at INTEGER NOT NULL,
     acknowledged_at INTEGER, acknowledged_by TEXT,
     resolved_at INTEGER, resolved_by TEXT,
     escalated_at INTEGER
   )`,
  `CREATE TABLE alerting_alerts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     fingerprint TEXT NOT NULL,
     starts_at INTEGER NOT NULL,
     ends_at INTEGER,
     alertname TEXT NOT NULL,
     status TEXT NOT NULL,
     labels TEXT NOT NULL,
     annotations TEXT NOT NULL,
     generator_url TEXT NOT NULL,
     incident_id INTEGER NOT NULL REFERENCES alerting_incidents(id),
     received_at INTEGER NOT NULL,
     UNIQUE (fingerprint, starts_at)
   )`,
  `CREATE TABLE alerting_feedback (
     alert_id INTEGER PRIMARY KEY REFERENCES alerting_alerts(id),
     verdict TEXT NOT NULL CHECK (verdict IN ('useful','noise')),
     by TEXT NOT NULL, note TEXT, at INTEGER NOT NULL
   )`,
  `CREATE TABLE alerting_webhook_seen (key TEXT PRIMARY KEY, at INTEGER NOT NULL)`,
  `CREATE TABLE alerting_audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,                 -- who: 'foresight' or the approving operator
     action TEXT NOT NULL,                -- what
     target TEXT NOT NULL,
     alert TEXT NOT NULL,                 -- alertname + fingerprint that triggered it (why)
     reason TEXT NOT NULL,
     outcome TEXT NOT NULL,               -- dry_run | executed | failed | skipped | queued | awaiting_approval | rejected | verified | verify_failed
     detail TEXT NOT NULL,                -- JSON: argv/env or HTTP request, output, error
     dry_run INTEGER NOT NULL
   )`,
  `CREATE TABLE alerting_approvals (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     created_at INTEGER NOT NULL,
     action TEXT NOT NULL, target TEXT NOT NULL,
     request TEXT NOT NULL,               -- JSON of the pending request
     status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),
     decided_by TEXT, decided_at INTEGER
   )`,
  `CREATE INDEX alerting_alerts_incident ON alerting_alerts(incident_id)`,
  `CREATE INDEX alerting_audit_at ON alerting_audit(at)`,
  // Guardrail state that must survive a restart (see remediation/persist.ts): an open breaker must stay open,
  // a target cooling down must stay left alone, queued actions must still run.
  `CREATE TABLE alerting_breakers (
     action TEXT PRIMARY KEY,
     failures INTEGER NOT NULL,           -- consecutive failures; >= threshold means open (or half-open after reset)
     opened_at INTEGER NOT NULL,          -- unix ms of the failure that opened it (0 = never)
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE alerting_cooldowns (
     target TEXT PRIMARY KEY,
     last_action_at INTEGER NOT NULL,     -- unix ms the last action on the target finished
     until INTEGER NOT NULL               -- unix ms the cooldown ends
   );
   CREATE TABLE alerting_queue (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     queued_at INTEGER NOT NULL,
     action TEXT NOT NULL, target TEXT NOT NULL,
     request TEXT NOT NULL                -- JSON: params, alert, tier, actor, approved
   )`,
];

export function migrateAlerting(store: AlertingStore): void {
  store.migrate('alerting', ALERTING_MIGRATIONS);
}
