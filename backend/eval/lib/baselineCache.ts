// A disk cache for the forecast eval's baselines that cannot change between runs unless their code or
// the data does: the frozen previous version, a pinned augurs, and Prometheus' functions. Each entry is
// keyed by a SHA-256 of the method, what identifies its code (source files, version strings) and every
// series' values, so any change in any of them recomputes it. Kept in the OS temp dir (never in the
// repo); FORESIGHT_EVAL_NO_CACHE=1 ignores and rewrites it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CachedFc {
  mean: number[];
  lo80?: number[];
  hi80?: number[];
  lo95?: number[];
  hi95?: number[];
}

const DIR = join(tmpdir(), 'foresight-eval-cache');

export function hashOf(parts: (string | ArrayLike<number>)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    if (typeof p === 'string') h.update(p);
    else h.update(new Uint8Array(Float64Array.from(p as ArrayLike<number>).buffer));
    h.update('\u0000');
  }
  return h.digest('hex');
}

/** Hash of every .ts file directly in `dir` (sorted), for a code identity. */
export function hashDir(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  return hashOf(files.flatMap((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

export function cacheDisabled(): boolean {
  return process.env.FORESIGHT_EVAL_NO_CACHE === '1';
}

export function readCache<T = CachedFc>(key: string): Map<string, T> | null {
  const file = join(DIR, `${key}.json`);
  if (cacheDisabled() || !existsSync(file)) return null;
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, T>));
  } catch {
    return null; // a torn or foreign file is recomputed
  }
}

export function writeCache<T = CachedFc>(key: string, entries: Map<string, T>): void {
  mkdirSync(DIR, { recursive: true });
  const tmp = join(DIR, `${key}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(Object.fromEntries(entries)));
  // Rename is atomic: a concurrent run never reads half a file.
  renameSync(tmp, join(DIR, `${key}.json`));
}
