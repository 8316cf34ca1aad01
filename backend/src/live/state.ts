// The models' tables: per-series anomaly state (so baselines survive a restart instead of being
// refitted) and the latest result per series (served by /api/models after a restart too).
import type { StoreLike } from './ports.js';

export const MODELS_MIGRATIONS = [
  `CREATE TABLE models_anomaly_state (target TEXT NOT NULL, series TEXT NOT NULL, state TEXT NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (target, series))`,
  `CREATE TABLE models_result (target TEXT NOT NULL, series TEXT NOT NULL, kind TEXT NOT NULL, result TEXT NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (target, series))`,
];

export class ModelsState {
  constructor(private readonly store: StoreLike) {
    store.migrate('models', MODELS_MIGRATIONS);
  }

  loadAnomalyStates(target: string): Map<string, unknown> {
    const rows = this.store.db.prepare('SELECT series, state FROM models_anomaly_state WHERE target = ?').all(target) as { series: string; state: string }[];
    const out = new Map<string, unknown>();
    for (const r of rows) {
      try {
        out.set(r.series, JSON.parse(r.state));
      } catch {
        /* a corrupt row is dropped: that series warms up again */
      }
    }
    return out;
  }

  saveAnomalyStates(target: string, states: Map<string, unknown>, now: number): void {
    const put = this.store.db.prepare('INSERT OR REPLACE INTO models_anomaly_state (target, series, state, updated_at) VALUES (?, ?, ?, ?)');
    this.store.db.transaction(() => {
      for (const [series, st] of states) put.run(target, series, JSON.stringify(st), now);
    })();
  }

  saveResults(target: string, kind: string, results: Map<string, unknown>, now: number): void {
    const put = this.store.db.prepare('INSERT OR REPLACE INTO models_result (target, series, kind, result, updated_at) VALUES (?, ?, ?, ?, ?)');
    this.store.db.transaction(() => {
      for (const [series, r] of results) put.run(target, series, kind, JSON.stringify(r), now);
    })();
  }

  loadResults(): { target: string; series: string; kind: string; result: unknown; updatedAt: number }[] {
    const rows = this.store.db.prepare('SELECT target, series, kind, result, updated_at FROM models_result').all() as { target: string; series: string; kind: string; result: string; updated_at: number }[];
    return rows.map((r) => ({ target: r.target, series: r.series, kind: r.kind, result: JSON.parse(r.result) as unknown, updatedAt: r.updated_at }));
  }

  /** Forget a target's series not updated since `before` (unix seconds): state and result rows alike. */
  forgetBefore(target: string, before: number): void {
    this.store.db.prepare('DELETE FROM models_anomaly_state WHERE target = ? AND updated_at < ?').run(target, before);
    this.store.db.prepare('DELETE FROM models_result WHERE target = ? AND updated_at < ?').run(target, before);
  }

  /** Forget targets no longer configured. */
  prune(keepTargets: string[]): void {
    const marks = keepTargets.map(() => '?').join(',');
    const where = keepTargets.length ? `WHERE target NOT IN (${marks})` : '';
    this.store.db.prepare(`DELETE FROM models_anomaly_state ${where}`).run(...keepTargets);
    this.store.db.prepare(`DELETE FROM models_result ${where}`).run(...keepTargets);
  }
}
