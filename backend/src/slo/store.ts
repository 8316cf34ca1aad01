// SLO definitions kept in the companion's SQLite store, as the spec texts the user gave (any supported format),
// so what is served and re-generated is exactly what was validated, warnings and all.
import type { Database } from 'better-sqlite3';
import { loadSpecs, type LoadOptions, type LoadResult } from './load.js';

/** The part of the shared Store (src/store/db.ts) this feature uses. */
export interface SloStoreLike {
  db: Database;
  migrate(feature: string, steps: string[]): void;
}

export interface SpecSource {
  file: string;
  text: string;
}

export class SloRepository {
  constructor(private readonly store: SloStoreLike) {
    store.migrate('slo', [
      `CREATE TABLE slo_sources (
         file TEXT PRIMARY KEY,
         text TEXT NOT NULL,
         updated_at TEXT NOT NULL
       )`,
      `CREATE TABLE slo_applies (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         at TEXT NOT NULL,
         target TEXT NOT NULL,
         files TEXT NOT NULL,
         ok INTEGER NOT NULL,
         message TEXT NOT NULL
       )`,
    ]);
  }

  sources(): SpecSource[] {
    return this.store.db.prepare('SELECT file, text FROM slo_sources ORDER BY file').all() as SpecSource[];
  }

  /** Replaces the given sources (by file name) in one transaction. */
  save(sources: SpecSource[]): void {
    const put = this.store.db.prepare(
      `INSERT INTO slo_sources (file, text, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(file) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
    );
    const now = new Date().toISOString();
    this.store.db.transaction(() => sources.forEach((s) => put.run(s.file, s.text, now)))();
  }

  remove(file: string): boolean {
    return this.store.db.prepare('DELETE FROM slo_sources WHERE file = ?').run(file).changes > 0;
  }

  recordApply(target: string, files: string[], ok: boolean, message: string): void {
    this.store.db
      .prepare('INSERT INTO slo_applies (at, target, files, ok, message) VALUES (?, ?, ?, ?, ?)')
      .run(new Date().toISOString(), target, JSON.stringify(files), ok ? 1 : 0, message);
  }

  lastApply(): { at: string; target: string; files: string[]; ok: boolean; message: string } | undefined {
    const r = this.store.db.prepare('SELECT at, target, files, ok, message FROM slo_applies ORDER BY id DESC LIMIT 1').get() as
      | { at: string; target: string; files: string; ok: number; message: string }
      | undefined;
    return r && { ...r, files: JSON.parse(r.files) as string[], ok: r.ok === 1 };
  }

  /** All stored SLOs, parsed and validated together. */
  load(o: LoadOptions = {}): LoadResult {
    return loadSpecs(this.sources(), o);
  }
}
