// Reads SLO spec files of any supported format (detected per YAML document) into normalized SLOs, then validates.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseForesightDoc } from './foresight-spec.js';
import { SpecError, type Issue, type SloDef, type SloWindow } from './model.js';
import { parseOpenSloDocs, type OpenSloDoc } from './openslo.js';
import { parsePyrraDoc } from './pyrra.js';
import { parseSlothDoc } from './sloth.js';
import { validateSlos } from './validate.js';
import { parseDuration, parseRollingWindow } from './window.js';
import type { BurnTier } from './burn.js';

export interface LoadResult {
  slos: SloDef[];
  issues: Issue[];
  /** Sloth AlertWindows found, by SLO period in days: they replace the workbook tiers of SLOs with that period. */
  alertWindows?: Map<number, BurnTier[]>;
}

/** Sloth `kind: AlertWindows` → the four conditions for its `sloPeriod`; issues name the field. */
function parseAlertWindows(spec: unknown, file: string, issues: Issue[]): { days: number; tiers: BurnTier[] } | undefined {
  const fail = (field: string, message: string) => void issues.push({ level: 'error', file, field, message });
  if (!isObj(spec)) return fail('spec', 'required mapping (sloPeriod, page, ticket)');
  const period = typeof spec.sloPeriod === 'string' ? parseRollingWindow(spec.sloPeriod) : 'required duration (e.g. 7d, 28d)';
  if (typeof period === 'string') return fail('spec.sloPeriod', period);
  const tiers: BurnTier[] = [];
  for (const tier of ['page', 'ticket'] as const) {
    for (const speed of ['quick', 'slow'] as const) {
      const f = `spec.${tier}.${speed}`;
      const t = isObj(spec[tier]) ? (spec[tier] as Obj)[speed] : undefined;
      if (!isObj(t)) return fail(f, 'required mapping (errorBudgetPercent, shortWindow, longWindow)');
      const pct = t.errorBudgetPercent;
      if (typeof pct !== 'number' || !(pct > 0 && pct <= 100)) return fail(`${f}.errorBudgetPercent`, 'required number, 0 < percent ≤ 100');
      const short = typeof t.shortWindow === 'string' ? parseDuration(t.shortWindow) : undefined;
      const long = typeof t.longWindow === 'string' ? parseDuration(t.longWindow) : undefined;
      if (short === undefined) return fail(`${f}.shortWindow`, `'${String(t.shortWindow)}' is not a Prometheus duration`);
      if (long === undefined) return fail(`${f}.longWindow`, `'${String(t.longWindow)}' is not a Prometheus duration`);
      if (short >= long) return fail(`${f}.shortWindow`, 'must be shorter than longWindow');
      tiers.push({ tier, short: String(t.shortWindow), long: String(t.longWindow), longHours: long / 3600, budgetFraction: pct / 100 });
    }
  }
  return { days: period.days, tiers };
}

export interface LoadOptions {
  /** Period for formats without one in the spec (Sloth); default 30d like Sloth's --default-slo-period. */
  defaultWindow?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses one file's text (possibly several `---` documents, possibly mixed formats). */
export function parseSpecText(text: string, file: string, o: LoadOptions = {}): LoadResult {
  const issues: Issue[] = [];
  const slos: SloDef[] = [];
  const w = parseRollingWindow(o.defaultWindow ?? '30d');
  if (typeof w === 'string') throw new Error(`default window: ${w}`);
  const window: SloWindow = w;
  const docs = parseAllDocuments(text);
  const openslo: OpenSloDoc[] = [];
  const alertWindows = new Map<number, BurnTier[]>();
  // A document may also be a YAML list of objects (as OpenSLO tooling writes): each item counts as a document.
  const values: unknown[] = [];
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) issues.push({ level: 'error', file, message: `YAML document #${i}: ${e.message}` });
      return;
    }
    const v: unknown = doc.toJS();
    if (Array.isArray(v)) values.push(...v);
    // A Kubernetes list (`kubectl get slo -o yaml`: kind List / ServiceLevelObjectiveList) holds its objects in items.
    else if (isObj(v) && typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) values.push(...v.items);
    else values.push(v);
  });
  values.forEach((v, i) => {
    if (v === null || v === undefined) return; // empty document (e.g. trailing ---)
    if (!isObj(v)) return void issues.push({ level: 'error', file, message: `YAML document #${i} is not a mapping` });
    if (v.version === 'foresight/v1') slos.push(...parseForesightDoc(v, file, issues));
    else if (v.version === 'prometheus/v1') slos.push(...parseSlothDoc(v, file, 'sloth/prometheus-v1', issues, { window }));
    else if (v.apiVersion === 'sloth.slok.dev/v1' && v.kind === 'AlertWindows') {
      const w = parseAlertWindows(v.spec, file, issues);
      if (w) alertWindows.set(w.days, w.tiers);
    } else if (v.apiVersion === 'sloth.slok.dev/v1') {
      if (v.kind !== 'PrometheusServiceLevel') return void issues.push({ level: 'error', file, field: 'kind', message: `'${String(v.kind)}' is not PrometheusServiceLevel` });
      if (!isObj(v.spec)) return void issues.push({ level: 'error', file, field: 'spec', message: 'required mapping' });
      slos.push(...parseSlothDoc(v.spec, file, 'sloth/k8s-v1', issues, { window }));
    } else if (v.apiVersion === 'pyrra.dev/v1alpha1') {
      slos.push(...parsePyrraDoc(v, file, i, issues));
    } else if (v.apiVersion === 'openslo/v1' || v.apiVersion === 'openslo/v1alpha') {
      openslo.push(v as unknown as OpenSloDoc);
    } else {
      issues.push({
        level: 'error',
        file,
        field: 'version',
        message: `document #${i}: unknown format (expected version: foresight/v1 | prometheus/v1, or apiVersion: sloth.slok.dev/v1 (PrometheusServiceLevel, AlertWindows) | openslo/v1 | openslo/v1alpha | pyrra.dev/v1alpha1 (ServiceLevelObjective))`,
      });
    }
  });
  if (openslo.length > 0) slos.push(...parseOpenSloDocs(openslo, file, issues));
  return { slos, issues, alertWindows };
}

/** Parses and validates several sources together (duplicate ids are checked across all of them). */
export function loadSpecs(sources: { file: string; text: string }[], o: LoadOptions = {}): LoadResult {
  const all: LoadResult = { slos: [], issues: [] };
  const windows = new Map<number, BurnTier[]>();
  for (const s of sources) {
    const r = parseSpecText(s.text, s.file, o);
    all.slos.push(...r.slos);
    all.issues.push(...r.issues);
    for (const [d, t] of r.alertWindows ?? []) windows.set(d, t);
  }
  // Like Sloth's --slo-period-windows-path: AlertWindows apply to every Sloth SLO of their period, in any file
  // (our own and OpenSLO specs keep the workbook tiers).
  for (const slo of all.slos) {
    const t = slo.source.format.startsWith('sloth/') ? windows.get(slo.window.days) : undefined;
    if (t) slo.alerting = { ...slo.alerting, windows: t };
  }
  all.issues.push(...validateSlos(all.slos));
  return all;
}

export async function loadSpecFiles(files: string[], o: LoadOptions = {}): Promise<LoadResult> {
  return loadSpecs(await Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') }))), o);
}

/** Like loadSpecs but throws a SpecError listing every error (warnings are returned). */
export function loadSpecsOrThrow(sources: { file: string; text: string }[], o: LoadOptions = {}): LoadResult {
  const r = loadSpecs(sources, o);
  if (r.issues.some((i) => i.level === 'error')) throw new SpecError(r.issues);
  return r;
}

/** Files behind the given paths: a directory contributes every *.yml / *.yaml below it (sorted, like Sloth's -i DIR). */
export async function expandInputs(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  for (const p of paths) {
    if ((await stat(p)).isDirectory()) await walk(p);
    else out.push(p);
  }
  return out;
}
