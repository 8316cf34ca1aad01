// Game-day runs in SQLite: one row per run (its plan and results as JSON), its audit trail of steps, and
// which runbooks experiments exercised and whether they worked.
import type { Store } from '../store/db.js';
import type { ExperimentResult, RunEvent } from './runner.js';
import type { Outcome } from './score.js';
import type { ResolvedPlan } from './validate.js';

export type RunStatus = 'pending' | 'awaiting_approval' | 'running' | 'done';

export interface RunRecord {
  id: number;
  plan: string;
  trigger: string;
  status: RunStatus;
  outcome?: Outcome;
  startedAt: string;
  endedAt?: string;
  /** the experiment now running */
  current?: string;
  warnings: string[];
  spec: ResolvedPlan;
  experiments: ExperimentResult[];
}

export interface RunbookExercise {
  runbook: string;
  experiments: string[];
  lastExercised: string;
  lastWorked?: string;
  runs: number;
  worked: number;
}

interface Row {
  id: number;
  plan: string;
  trigger: string;
  status: RunStatus;
  outcome: string | null;
  started_at: number;
  ended_at: number | null;
  current: string | null;
  warnings: string;
  spec: string;
  results: string;
}

export class ChaosStore {
  constructor(private readonly store: Store) {
    store.migrate('chaos', [
      `CREATE TABLE chaos_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, plan TEXT NOT NULL, trigger TEXT NOT NULL, status TEXT NOT NULL,
         outcome TEXT, started_at INTEGER NOT NULL, ended_at INTEGER, current TEXT, warnings TEXT NOT NULL, spec TEXT NOT NULL, results TEXT NOT NULL);
       CREATE TABLE chaos_events (run_id INTEGER NOT NULL REFERENCES chaos_runs(id) ON DELETE CASCADE, at INTEGER NOT NULL, experiment TEXT NOT NULL,
         step TEXT NOT NULL, ok INTEGER NOT NULL, message TEXT NOT NULL);
       CREATE INDEX chaos_events_run ON chaos_events(run_id);
       CREATE TABLE chaos_runbooks (runbook TEXT NOT NULL, experiment TEXT NOT NULL, run_id INTEGER NOT NULL, at INTEGER NOT NULL, worked INTEGER NOT NULL);
       CREATE INDEX chaos_runbooks_id ON chaos_runbooks(runbook);`,
    ]);
  }

  create(plan: ResolvedPlan, trigger: string, warnings: string[], atMs: number): number {
    const r = this.store.db
      .prepare('INSERT INTO chaos_runs (plan, trigger, status, started_at, warnings, spec, results) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(plan.name, trigger, 'pending', atMs, JSON.stringify(warnings), JSON.stringify(plan), '[]');
    return Number(r.lastInsertRowid);
  }

  update(id: number, u: { status?: RunStatus; outcome?: Outcome; current?: string | null; experiments?: ExperimentResult[]; endedAt?: number }): void {
    const sets: string[] = [];
    const args: (string | number | null)[] = [];
    if (u.status) (sets.push('status = ?'), args.push(u.status));
    if (u.outcome) (sets.push('outcome = ?'), args.push(u.outcome));
    if (u.current !== undefined) (sets.push('current = ?'), args.push(u.current));
    if (u.experiments) (sets.push('results = ?'), args.push(JSON.stringify(u.experiments)));
    if (u.endedAt !== undefined) (sets.push('ended_at = ?'), args.push(u.endedAt));
    if (sets.length) this.store.db.prepare(`UPDATE chaos_runs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
  }

  event(runId: number, e: RunEvent): void {
    this.store.db.prepare('INSERT INTO chaos_events (run_id, at, experiment, step, ok, message) VALUES (?, ?, ?, ?, ?, ?)').run(runId, e.at, e.experiment, e.step, e.ok ? 1 : 0, e.message);
  }

  events(runId: number): RunEvent[] {
    return (this.store.db.prepare('SELECT at, experiment, step, ok, message FROM chaos_events WHERE run_id = ? ORDER BY rowid').all(runId) as { at: number; experiment: string; step: RunEvent['step']; ok: number; message: string }[]).map((r) => ({ ...r, ok: r.ok === 1 }));
  }

  private toRecord(r: Row): RunRecord {
    return {
      id: r.id,
      plan: r.plan,
      trigger: r.trigger,
      status: r.status,
      ...(r.outcome ? { outcome: r.outcome as Outcome } : {}),
      startedAt: new Date(r.started_at).toISOString(),
      ...(r.ended_at !== null ? { endedAt: new Date(r.ended_at).toISOString() } : {}),
      ...(r.current ? { current: r.current } : {}),
      warnings: JSON.parse(r.warnings) as string[],
      spec: JSON.parse(r.spec) as ResolvedPlan,
      experiments: JSON.parse(r.results) as ExperimentResult[],
    };
  }

  get(id: number): RunRecord | undefined {
    const r = this.store.db.prepare('SELECT * FROM chaos_runs WHERE id = ?').get(id) as Row | undefined;
    return r ? this.toRecord(r) : undefined;
  }

  list(limit = 50): RunRecord[] {
    return (this.store.db.prepare('SELECT * FROM chaos_runs ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map((r) => this.toRecord(r));
  }

  /** Runs left 'running' by a companion that stopped mid-run: closed as errors on start-up. */
  closeInterrupted(atMs: number): number {
    return this.store.db.prepare("UPDATE chaos_runs SET status = 'done', outcome = 'error', ended_at = ? WHERE status != 'done'").run(atMs).changes;
  }

  prune(keep: number): void {
    this.store.db.prepare('DELETE FROM chaos_runs WHERE id NOT IN (SELECT id FROM chaos_runs ORDER BY id DESC LIMIT ?)').run(keep);
  }

  recordRunbook(runbook: string, experiment: string, runId: number, atMs: number, worked: boolean): void {
    this.store.db.prepare('INSERT INTO chaos_runbooks (runbook, experiment, run_id, at, worked) VALUES (?, ?, ?, ?, ?)').run(runbook, experiment, runId, atMs, worked ? 1 : 0);
  }

  runbooks(): RunbookExercise[] {
    const rows = this.store.db
      .prepare(`SELECT runbook, group_concat(DISTINCT experiment) AS experiments, max(at) AS last, max(CASE WHEN worked = 1 THEN at END) AS lastWorked,
                count(*) AS runs, sum(worked) AS worked FROM chaos_runbooks GROUP BY runbook ORDER BY runbook`)
      .all() as { runbook: string; experiments: string; last: number; lastWorked: number | null; runs: number; worked: number }[];
    return rows.map((r) => ({
      runbook: r.runbook,
      experiments: r.experiments.split(',').sort(),
      lastExercised: new Date(r.last).toISOString(),
      ...(r.lastWorked !== null ? { lastWorked: new Date(r.lastWorked).toISOString() } : {}),
      runs: r.runs,
      worked: r.worked,
    }));
  }
}
