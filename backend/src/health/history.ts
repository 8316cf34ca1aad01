// Health score history in the store: one row per component per scoring run (the system as '__system__'),
// read back for trends and the history API, pruned by age.
import type { SystemHealth, ComponentHealth } from '../models/health/index.js';
import type { StoreLike } from './ports.js';

export const SYSTEM = '__system__';

const MIGRATIONS = [
  `CREATE TABLE health_history (
     component TEXT NOT NULL,
     ts INTEGER NOT NULL,
     score REAL,
     grade TEXT,
     detail TEXT NOT NULL,
     PRIMARY KEY (component, ts)
   )`,
  'CREATE INDEX health_history_ts ON health_history (ts)',
];

export class HealthHistory {
  constructor(private readonly store: StoreLike) {
    store.migrate('health', MIGRATIONS);
  }

  record(sys: SystemHealth, ts: number): void {
    const ins = this.store.db.prepare(
      'INSERT OR REPLACE INTO health_history (component, ts, score, grade, detail) VALUES (?, ?, ?, ?, ?)',
    );
    const t = Math.round(ts);
    this.store.db.transaction(() => {
      for (const c of sys.components) ins.run(c.component, t, c.score ?? null, c.grade ?? null, JSON.stringify(c));
      ins.run(SYSTEM, t, sys.score ?? null, sys.grade ?? null, JSON.stringify({ worst: sys.worst }));
    })();
  }

  scores(component: string, since: number): { t: number; score: number }[] {
    const rows = this.store.db
      .prepare('SELECT ts, score FROM health_history WHERE component = ? AND ts >= ? AND score IS NOT NULL ORDER BY ts')
      .all(component, Math.floor(since)) as { ts: number; score: number }[];
    return rows.map((r) => ({ t: r.ts, score: r.score }));
  }

  /** The latest full record of a component, if any. */
  latest(component: string): ComponentHealth | undefined {
    const row = this.store.db
      .prepare('SELECT detail FROM health_history WHERE component = ? ORDER BY ts DESC LIMIT 1')
      .get(component) as { detail: string } | undefined;
    return row ? (JSON.parse(row.detail) as ComponentHealth) : undefined;
  }

  prune(before: number): number {
    return this.store.db.prepare('DELETE FROM health_history WHERE ts < ?').run(Math.floor(before)).changes;
  }
}
