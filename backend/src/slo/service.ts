// The SLO workflow shared by the CLI and the HTTP API: validate → generate (+ promtool check/test) → apply.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RulesPromApi } from '../rules/prom-api.js';
import { promtoolCheckRules, promtoolTestRules } from '../rules/promtool.js';
import { pushRuleGroups, type RulerOptions } from '../rules/ruler.js';
import { readFile } from 'node:fs/promises';
import { applyRuleFiles, atomicWrite, removeRuleFiles } from '../rules/writer.js';
import { budgetAlertEnabled, generateRuleFiles, groupNames, ruleFileName, type GenerateOptions } from './generate.js';
import { loadSpecs, type LoadOptions } from './load.js';
import { formatIssue, type Issue, type SloDef } from './model.js';
import { ruleTestFiles } from './rule-tests.js';

export interface Generated {
  slos: SloDef[];
  issues: Issue[];
  /** rule file name → YAML */
  files: Record<string, string>;
  /** promtool test suites: file name → YAML (alerts-only rule files and test files) */
  tests: Record<string, string>;
}

export class SloValidationError extends Error {
  constructor(readonly issues: Issue[]) {
    super(`SLO specs are invalid:\n${issues.filter((i) => i.level === 'error').map(formatIssue).join('\n')}`);
    this.name = 'SloValidationError';
  }
}

export function generateFromSources(sources: { file: string; text: string }[], o: LoadOptions & GenerateOptions & { tests?: boolean } = {}): Generated {
  const { slos, issues } = loadSpecs(sources, o);
  if (issues.some((i) => i.level === 'error')) throw new SloValidationError(issues);
  const tests: Record<string, string> = {};
  // The promtool suites cost more than the rules themselves: built only when asked for (default: yes).
  if (o.tests !== false) for (const slo of slos) {
    const t = ruleTestFiles(slo, o);
    tests[t.alerts.name] = t.alerts.yaml;
    tests[t.test.name] = t.test.yaml;
  }
  return { slos, issues, files: generateRuleFiles(slos, o), tests };
}

/** Writes files to a temp dir and runs promtool check (rules) and test (suites) on them. */
export async function checkGenerated(g: Generated): Promise<{ ok: boolean; check: string; test: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'foresight-slo-'));
  try {
    const write = async (files: Record<string, string>) =>
      Promise.all(Object.entries(files).map(async ([n, y]) => (await writeFile(join(dir, n), y), join(dir, n))));
    const rules = await write(g.files);
    const suites = (await write(g.tests)).filter((p) => p.endsWith('.test.yml'));
    const check = await promtoolCheckRules(rules);
    const test = check.ok ? await promtoolTestRules(suites) : { ok: false, output: 'skipped: check failed' };
    return { ok: check.ok && test.ok, check: check.output, test: test.output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type ApplyTarget = { kind: 'files'; rulesDir: string; prom: RulesPromApi; timeoutMs?: number } | { kind: 'ruler'; ruler: RulerOptions };

export async function applyGenerated(g: Generated, target: ApplyTarget): Promise<{ applied: string[] }> {
  if (target.kind === 'ruler') return { applied: (await pushRuleGroups(target.ruler, g.files)).pushed };
  const expectGroups = g.slos.flatMap((s) => {
    const n = groupNames(s.id);
    const alerts = s.alerting.page.enabled || s.alerting.ticket.enabled || budgetAlertEnabled(s);
    return alerts ? [n.sli, n.meta, n.alerts] : [n.sli, n.meta];
  });
  return applyRuleFiles({ rulesDir: target.rulesDir, files: g.files, prom: target.prom, expectGroups, timeoutMs: target.timeoutMs });
}

/**
 * Applies `g` and takes out the rules of SLOs that are gone (deleted, or renamed: a new id): their files are
 * removed, Prometheus reloaded, and their groups verified gone. Any failure puts the removed files back (and the
 * rules writer restores what it wrote), reloads, and throws naming the cause.
 */
export async function applyAndRemove(g: Generated, removedIds: string[], target: ApplyTarget): Promise<{ applied: string[]; removed: string[] }> {
  const keep = new Set(g.slos.map((s) => s.id));
  const gone = [...new Set(removedIds)].filter((id) => !keep.has(id));
  if (target.kind === 'ruler' || gone.length === 0) return { ...(await applyGenerated(g, target)), removed: [] };
  const names = gone.map(ruleFileName);
  const saved = new Map<string, string>();
  for (const n of names) {
    const text = await readFile(join(target.rulesDir, n), 'utf8').catch(() => undefined);
    if (text !== undefined) saved.set(n, text);
  }
  const restore = async (why: unknown): Promise<never> => {
    let rollback = 'removed rule files restored and Prometheus reloaded';
    try {
      for (const [n, text] of saved) await atomicWrite(join(target.rulesDir, n), text);
    } catch (e) {
      throw new Error(`${why instanceof Error ? why.message : String(why)}\nslo rules: ROLLBACK INCOMPLETE (${e instanceof Error ? e.message : String(e)}); check ${target.rulesDir}`);
    }
    try {
      await target.prom.reload();
    } catch (e) {
      // A failed reload keeps Prometheus' previous rules: with the files back on disk, the old state is whole again
      // when the groups are still loaded (e.g. someone else's broken file in the directory made the reload fail).
      const loaded = new Set((await target.prom.rules().catch(() => [])).map((x) => x.name));
      const groups = gone.flatMap((id) => Object.values(groupNames(id)));
      rollback = groups.every((x) => loaded.has(x))
        ? `removed rule files restored; Prometheus kept the previous rules (its reload failed: ${e instanceof Error ? e.message : String(e)})`
        : `ROLLBACK INCOMPLETE (${e instanceof Error ? e.message : String(e)}); check ${target.rulesDir}`;
    }
    throw new Error(`${why instanceof Error ? why.message : String(why)}\nslo rules: ${rollback}`);
  };
  try {
    await removeRuleFiles({ rulesDir: target.rulesDir, names, prom: target.prom, goneGroups: gone.flatMap((id) => Object.values(groupNames(id))), timeoutMs: target.timeoutMs });
  } catch (e) {
    return restore(e);
  }
  try {
    return { ...(await applyGenerated(g, target)), removed: names };
  } catch (e) {
    return restore(e);
  }
}
