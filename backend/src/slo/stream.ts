// Generation for big inputs: SLOs are turned into rule files chunk by chunk, each chunk written to a staging
// directory and checked by promtool while the next one is generated (two promtool processes at most), so memory
// holds one chunk of YAML instead of every file. Nothing reaches the output directory unless every chunk passed:
// the staged files are renamed in only at the end (never a half-valid rule set).
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promtoolCheckRules } from '../rules/promtool.js';
import { generateRuleFiles, type GenerateOptions } from './generate.js';
import type { SloDef } from './model.js';
import { ruleTestFiles } from './rule-tests.js';

export interface StreamOptions extends GenerateOptions {
  /** SLOs per chunk (one promtool process each); default 500. */
  chunk?: number;
  /** Also write the promtool test suites (not run here). */
  tests?: boolean;
  /** Called after each chunk is checked. */
  progress?: (done: number, total: number) => void;
  /** Skip promtool (tests of the streaming itself). */
  check?: boolean;
}

export interface StreamResult {
  ok: boolean;
  files: number;
  /** promtool's output of the first failing chunk, or '' */
  output: string;
}

/**
 * promtool is CPU-bound here and two run at once next to this process: one thread each (no GC threads or
 * spinning schedulers fighting over the cores) and a larger GC target (a short-lived checker of a few MB of rules)
 * cut its CPU time by about a quarter. A user's own GOGC / GOMAXPROCS are kept.
 */
export const promtoolEnv = (): Record<string, string> => ({
  GOMAXPROCS: process.env.GOMAXPROCS ?? '1',
  GOGC: process.env.GOGC ?? '400',
});

/** Generates every SLO's rule file into `outDir`, promtool-checked, in chunks; nothing is written on failure. */
export async function generateToDir(slos: SloDef[], outDir: string, o: StreamOptions = {}): Promise<StreamResult> {
  const size = Math.max(1, o.chunk ?? 500);
  await mkdir(outDir, { recursive: true });
  const stage = await mkdtemp(join(outDir, '.foresight-staging-'));
  const staged: string[] = [];
  let failed: string | undefined;
  const running = new Set<Promise<void>>();
  let done = 0;
  try {
    for (let i = 0; i < slos.length && failed === undefined; i += size) {
      const part = slos.slice(i, i + size);
      const files: Record<string, string> = generateRuleFiles(part, o);
      const rules = Object.keys(files);
      if (o.tests) {
        for (const s of part) {
          const t = ruleTestFiles(s, o);
          files[t.alerts.name] = t.alerts.yaml;
          files[t.test.name] = t.test.yaml;
        }
      }
      // Synchronous: thousands of small files cost far less CPU than as promises (open/write/close round trips), and
      // the only other work meanwhile is the promtool processes, which run on their own.
      for (const [n, y] of Object.entries(files)) writeFileSync(join(stage, n), y);
      staged.push(...Object.keys(files));
      const check = (async () => {
        if (o.check !== false) {
          const r = await promtoolCheckRules(rules.map((n) => join(stage, n)), promtoolEnv());
          if (!r.ok) failed ??= r.output;
        }
        done += part.length;
        o.progress?.(done, slos.length);
      })();
      running.add(check);
      void check.finally(() => running.delete(check));
      // At most two promtool processes: wait for one before generating the next chunk.
      if (running.size >= 2) await Promise.race(running);
    }
    await Promise.all(running);
    if (failed !== undefined) return { ok: false, files: 0, output: failed };
    for (const n of staged) renameSync(join(stage, n), join(outDir, n));
    return { ok: true, files: staged.length, output: '' };
  } finally {
    await Promise.allSettled(running);
    await rm(stage, { recursive: true, force: true });
  }
}
