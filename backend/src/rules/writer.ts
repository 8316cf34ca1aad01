// The one rules writer: promtool check → atomic write → reload → verify via /api/v1/rules → rollback on failure.
// Nothing that breaks a user's Prometheus is left in place: if any step after the write fails, the previous
// files are restored (or new ones removed) and Prometheus is reloaded again before the error is thrown.
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { RulesPromApi } from './prom-api.js';
import { promtoolCheckRules } from './promtool.js';

export interface ApplyOptions {
  rulesDir: string;
  /** file name (no directories) → rule file YAML */
  files: Record<string, string>;
  prom: RulesPromApi;
  /** Group names that must be loaded (healthy) after the reload. */
  expectGroups: string[];
  /** How long to wait for the groups to show up after the reload (default 15 s). */
  timeoutMs?: number;
}

function checkName(name: string): void {
  if (name !== basename(name) || name.startsWith('.') || !/\.ya?ml$/.test(name)) {
    throw new Error(`rules writer: file name '${name}' must be a plain *.yml/*.yaml name (no directories, no leading dot)`);
  }
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Write to a temp name in the same directory, then rename: Prometheus never reads a half-written file. */
export async function atomicWrite(path: string, text: string): Promise<void> {
  const tmp = join(path, '..', `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, text);
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Polls /api/v1/rules until every expected group is present and no rule in them reports health 'err'. */
export async function verifyGroups(prom: RulesPromApi, expectGroups: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problem = '';
  for (;;) {
    const groups = await prom.rules();
    const byName = new Map(groups.map((g) => [g.name, g]));
    const missing = expectGroups.filter((g) => !byName.has(g));
    const broken = expectGroups
      .flatMap((g) => byName.get(g)?.rules.filter((r) => r.health === 'err').map((r) => `${g}/${r.name}: ${r.lastError ?? 'health err'}`) ?? []);
    if (missing.length === 0 && broken.length === 0) return;
    problem = missing.length ? `groups not loaded: ${missing.join(', ')}` : `rules failing: ${broken.join('; ')}`;
    // A rule's health is 'unknown' until first evaluated and 'err' only after; wait out the deadline either way.
    if (Date.now() >= deadline) throw new Error(`rules writer: after reload, ${problem}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function applyRuleFiles(o: ApplyOptions): Promise<{ applied: string[] }> {
  const names = Object.keys(o.files);
  names.forEach(checkName);
  if (names.length === 0) return { applied: [] };

  // 1. Check the new files with promtool before touching the rules directory.
  const staging = await mkdtemp(join(tmpdir(), 'foresight-rules-'));
  try {
    const staged = await Promise.all(names.map(async (n) => {
      const p = join(staging, n);
      await writeFile(p, o.files[n]!);
      return p;
    }));
    const check = await promtoolCheckRules(staged);
    if (!check.ok) throw new Error(`rules writer: promtool check rules rejected the new files, nothing written:\n${check.output.trim()}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }

  // 2. Remember what was there, then write atomically.
  const previous = new Map<string, string | undefined>();
  for (const n of names) previous.set(n, await readOrUndefined(join(o.rulesDir, n)));
  const written: string[] = [];
  try {
    for (const n of names) {
      await atomicWrite(join(o.rulesDir, n), o.files[n]!);
      written.push(n);
    }
    // 3. Reload and 4. verify.
    await o.prom.reload();
    await verifyGroups(o.prom, o.expectGroups, o.timeoutMs ?? 15_000);
    return { applied: names };
  } catch (err) {
    // 5. Roll back every file we touched, reload again, and report both the cause and the rollback outcome.
    const why = err instanceof Error ? err.message : String(err);
    let rollback = 'previous files restored and Prometheus reloaded';
    try {
      for (const n of written) {
        const before = previous.get(n);
        if (before === undefined) await rm(join(o.rulesDir, n), { force: true });
        else await atomicWrite(join(o.rulesDir, n), before);
      }
      await o.prom.reload();
    } catch (e) {
      rollback = `ROLLBACK INCOMPLETE (${e instanceof Error ? e.message : String(e)}); check ${o.rulesDir}`;
    }
    throw new Error(`${why}\nrules writer: ${rollback}`);
  }
}

/** Removes rule files (e.g. a deleted SLO), reloads, and checks the groups are gone. */
export async function removeRuleFiles(o: { rulesDir: string; names: string[]; prom: RulesPromApi; goneGroups: string[]; timeoutMs?: number }): Promise<void> {
  o.names.forEach(checkName);
  for (const n of o.names) await rm(join(o.rulesDir, n), { force: true });
  await o.prom.reload();
  const deadline = Date.now() + (o.timeoutMs ?? 15_000);
  for (;;) {
    const present = new Set((await o.prom.rules()).map((g) => g.name));
    const left = o.goneGroups.filter((g) => present.has(g));
    if (left.length === 0) return;
    if (Date.now() >= deadline) throw new Error(`rules writer: groups still loaded after removal: ${left.join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
