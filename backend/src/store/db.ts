// The companion's SQLite store (better-sqlite3). WAL for concurrent readers; synchronous=FULL so a
// transaction that returned has reached the disk: restarting loses nothing the companion acknowledged.
// Each feature owns its tables and its own schema version (migrate).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Store {
  db: Database.Database;
  /** Applies steps[i] for every i >= the feature's recorded version, all in one transaction. */
  migrate(feature: string, steps: string[]): void;
  close(): void;
}

export function openStore(file: string): Store {
  if (file !== ':memory:') {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (e) {
      throw new Error(`store ${file}: cannot create its directory: ${(e as Error).message}`);
    }
  }
  let db: Database.Database;
  try {
    db = new Database(file);
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS schema_versions (feature TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL)');
  } catch (e) {
    throw new Error(`store ${file}: cannot open SQLite database: ${(e as Error).message}`);
  }

  const getVersion = db.prepare<[string], { version: number }>('SELECT version FROM schema_versions WHERE feature = ?');
  const setVersion = db.prepare('INSERT INTO schema_versions (feature, version, applied_at) VALUES (?, ?, ?) ON CONFLICT(feature) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at');

  return {
    db,
    migrate(feature: string, steps: string[]): void {
      if (!feature) throw new Error('store.migrate: feature name must not be empty');
      const run = db.transaction(() => {
        const from = getVersion.get(feature)?.version ?? 0;
        if (from > steps.length) throw new Error(`store.migrate(${feature}): database is at version ${from} but this build knows only ${steps.length} steps (downgrade?)`);
        for (let i = from; i < steps.length; i++) {
          try {
            db.exec(steps[i]!);
          } catch (e) {
            throw new Error(`store.migrate(${feature}): step ${i} failed: ${(e as Error).message}`);
          }
        }
        if (steps.length > from) setVersion.run(feature, steps.length, new Date().toISOString());
      });
      run.immediate();
    },
    close(): void {
      if (db.open) db.close();
    },
  };
}
