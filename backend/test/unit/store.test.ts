// The SQLite store: WAL + synchronous=FULL, per-feature migrations applied once and in one transaction,
// and nothing acknowledged is lost across close/reopen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';

const dir = mkdtempSync(join(tmpdir(), 'foresight-store-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('opens with WAL and synchronous=FULL, creating the directory', () => {
  const file = join(dir, 'nested', 'a', 'f.db');
  const s = openStore(file);
  try {
    assert.ok(existsSync(file));
    assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(s.db.pragma('synchronous', { simple: true }), 2); // FULL
  } finally {
    s.close();
  }
});

test('write, close, reopen, read: nothing acknowledged is lost; migrations run once per step', () => {
  const file = join(dir, 'persist.db');
  const steps = ['CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)'];
  let s = openStore(file);
  s.migrate('notes', steps);
  const insert = s.db.prepare('INSERT INTO notes (text) VALUES (?)');
  for (let i = 0; i < 100; i++) insert.run(`note ${i}`);
  s.close();
  s.close(); // closing twice is harmless

  s = openStore(file);
  try {
    // Re-running the same steps is a no-op (would fail with "table notes already exists" otherwise).
    s.migrate('notes', steps);
    // A new step is applied on top.
    s.migrate('notes', [...steps, 'ALTER TABLE notes ADD COLUMN tag TEXT']);
    const rows = s.db.prepare('SELECT text FROM notes ORDER BY id').all() as { text: string }[];
    assert.equal(rows.length, 100);
    assert.equal(rows[99]!.text, 'note 99');
    const cols = (s.db.prepare('PRAGMA table_info(notes)').all() as { name: string }[]).map((c) => c.name);
    assert.deepEqual(cols, ['id', 'text', 'tag']);
    const v = s.db.prepare('SELECT version FROM schema_versions WHERE feature = ?').get('notes') as { version: number };
    assert.equal(v.version, 2);
  } finally {
    s.close();
  }
});

test('features keep separate versions', () => {
  const s = openStore(':memory:');
  try {
    s.migrate('a', ['CREATE TABLE a1 (x)', 'CREATE TABLE a2 (x)']);
    s.migrate('b', ['CREATE TABLE b1 (x)']);
    const rows = s.db.prepare('SELECT feature, version FROM schema_versions ORDER BY feature').all();
    assert.deepEqual(rows, [
      { feature: 'a', version: 2 },
      { feature: 'b', version: 1 },
    ]);
  } finally {
    s.close();
  }
});

test('a failing step rolls back the whole migration and names feature and step', () => {
  const s = openStore(':memory:');
  try {
    assert.throws(() => s.migrate('bad', ['CREATE TABLE ok1 (x)', 'CREATE TABLE oops (']), /store\.migrate\(bad\): step 1 failed: /);
    const tables = s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'ok1'").all();
    assert.deepEqual(tables, []); // step 0 was rolled back too
    assert.equal(s.db.prepare('SELECT version FROM schema_versions WHERE feature = ?').get('bad'), undefined);
  } finally {
    s.close();
  }
});

test('a database newer than the code is refused (no silent downgrade)', () => {
  const s = openStore(':memory:');
  try {
    s.migrate('f', ['CREATE TABLE f1 (x)', 'CREATE TABLE f2 (x)']);
    assert.throws(() => s.migrate('f', ['CREATE TABLE f1 (x)']), /database is at version 2 but this build knows only 1 steps/);
  } finally {
    s.close();
  }
});

test('an unopenable path is a clear error naming the file', () => {
  const notADir = join(dir, 'plain-file');
  writeFileSync(notADir, 'x');
  const file = join(notADir, 'x.db');
  assert.throws(() => openStore(file), (e: Error) => e.message.startsWith(`store ${file}: cannot create its directory: `));
});
