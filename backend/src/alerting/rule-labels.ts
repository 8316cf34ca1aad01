// Label sets the alerts of Prometheus rule files will carry, for the apply-time delivery check: each alerting
// rule's `alertname` plus its static labels. Foresight's SLO alerts also get `service`/`slo` from their
// expression (where the series lack them); those are added from the rule's sloth_* labels.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import YAML from 'yaml';
import type { Labels } from './routing.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Label sets of every alerting rule in one rule file's text (unparsable files give none: promtool judges them). */
export function ruleTextLabelSets(text: string): Labels[] {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch {
    return [];
  }
  const out: Labels[] = [];
  const groups = isObj(doc) && Array.isArray(doc.groups) ? doc.groups : [];
  for (const g of groups) {
    for (const r of isObj(g) && Array.isArray(g.rules) ? g.rules : []) {
      if (!isObj(r) || typeof r.alert !== 'string') continue;
      const labels: Labels = { alertname: r.alert };
      if (isObj(r.labels)) for (const [k, v] of Object.entries(r.labels)) labels[k] = String(v);
      if (labels.sloth_service !== undefined) labels.service ??= labels.sloth_service;
      if (labels.sloth_slo !== undefined) labels.slo ??= labels.sloth_slo;
      out.push(labels);
    }
  }
  return out;
}

/** Label sets of the alerting rules in the given files and directories (*.yml / *.yaml; missing paths skipped). */
export async function ruleFileLabelSets(paths: string[]): Promise<Labels[]> {
  const out = new Map<string, Labels>();
  const addFile = async (f: string) => {
    for (const l of ruleTextLabelSets(await readFile(f, 'utf8'))) out.set(JSON.stringify(Object.entries(l).sort()), l);
  };
  for (const p of paths) {
    const st = await stat(p).catch(() => undefined);
    if (!st) continue;
    if (!st.isDirectory()) await addFile(p);
    else for (const e of (await readdir(p)).sort()) if (/\.ya?ml$/i.test(e)) await addFile(join(p, e));
  }
  return [...out.values()];
}
