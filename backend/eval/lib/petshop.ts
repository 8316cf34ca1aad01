// The PetShop dataset (../shared/datasets/petshop, read its README) as anomaly-eval input:
// - normal: every series of each scenario's `noissue` weeks, scored after its first day (the first day is
//   history for every method); any alarm is a false alarm.
// - issues: for each `train` issue of a scenario that has `noissue` data, the issue's rows of the target
//   series and of every series of the root-cause component, each preceded by the same column's `noissue`
//   data as history (shifted in time to end one step before the issue; these scenarios have steady
//   traffic). The label window is the issue's rows from the one containing target.timestamp to the end.
//   Issues of scenarios without `noissue` data are skipped (no history to learn from).
// Generic on purpose: no node, file or issue is named; every column is used alike.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabelWindow } from './corpus.js';

// `../shared/datasets/` relative to the checkout root (this file is backend/eval/lib/).
export const PETSHOP_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/datasets/petshop/dataset');

interface Table {
  cols: string[];
  ts: number[];
  data: Map<string, Float64Array>;
}

function readTable(file: string): Table {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const h = lines.slice(0, 3).map((l) => l.split(','));
  const rows = lines.slice(4).map((l) => l.split(','));
  const cols: string[] = [];
  for (let j = 1; j < h[0]!.length; j++) cols.push(`${h[0]![j]}|${h[1]![j]}|${h[2]![j]}`);
  const ts = rows.map((r) => Number(r[0]));
  const data = new Map<string, Float64Array>();
  cols.forEach((c, j) => {
    if (data.has(c)) return; // a repeated header keeps its first column
    data.set(c, Float64Array.from(rows, (r) => (r[j + 1] === '' || r[j + 1] === undefined ? Number.NaN : Number(r[j + 1]))));
  });
  return { cols: [...data.keys()], ts, data };
}

export interface PetSeries {
  id: string;
  ts: Float64Array;
  values: Float64Array;
  windows: LabelWindow[];
  scoredFrom: number;
  role?: 'target' | 'root_cause';
  issue?: string;
}

export interface PetShop {
  normal: PetSeries[];
  issues: PetSeries[];
  skippedIssues: number;
  issueCount: number;
}

export function loadPetShop(dir = PETSHOP_DIR): PetShop | null {
  if (!existsSync(dir)) return null;
  const normal: PetSeries[] = [];
  const issues: PetSeries[] = [];
  let skippedIssues = 0;
  let issueCount = 0;
  for (const sc of readdirSync(dir).sort()) {
    const nf = join(dir, sc, 'noissue', 'metrics.csv');
    const hist = existsSync(nf) ? readTable(nf) : null;
    if (hist) {
      const ts = Float64Array.from(hist.ts);
      const from = hist.ts.findIndex((t) => t >= hist.ts[0]! + 86_400);
      for (const c of hist.cols) {
        const v = hist.data.get(c)!;
        let finite = 0;
        for (const x of v) if (Number.isFinite(x)) finite++;
        if (finite < v.length / 2) continue; // mostly-missing columns say nothing about false alarms
        normal.push({ id: `${sc}/noissue/${c}`, ts, values: v, windows: [], scoredFrom: from });
      }
    }
    const trainDir = join(dir, sc, 'train');
    if (!existsSync(trainDir)) continue;
    for (const iss of readdirSync(trainDir).sort()) {
      issueCount++;
      if (!hist) {
        skippedIssues++;
        continue;
      }
      const tab = readTable(join(trainDir, iss, 'metrics.csv'));
      const tj = JSON.parse(readFileSync(join(trainDir, iss, 'target.json'), 'utf8')) as { target: { node: string; metric: string; agg: string; timestamp: number }; root_cause: { node: string } };
      const step = tab.ts[1]! - tab.ts[0]!;
      const first = tab.ts.findIndex((t) => t > tj.target.timestamp - step);
      const pick: [string, 'target' | 'root_cause'][] = [];
      const tcol = `${tj.target.node}|${tj.target.metric}|${tj.target.agg}`;
      if (tab.data.has(tcol)) pick.push([tcol, 'target']);
      for (const c of tab.cols) if (c.startsWith(`${tj.root_cause.node}|`) && c !== tcol) pick.push([c, 'root_cause']);
      for (const [c, role] of pick) {
        const h = hist.data.get(c);
        if (!h) continue;
        const n = h.length + tab.ts.length;
        const shift = tab.ts[0]! - step - hist.ts[hist.ts.length - 1]!;
        const ts = Float64Array.from({ length: n }, (_, i) => (i < h.length ? hist.ts[i]! + shift : tab.ts[i - h.length]!));
        const values = new Float64Array(n);
        values.set(h, 0);
        values.set(tab.data.get(c)!, h.length);
        const from = hist.ts.findIndex((t) => t >= hist.ts[0]! + 86_400);
        issues.push({ id: `${sc}/${iss}/${c}`, ts, values, windows: [{ kind: 'level_shift', start: h.length + first, end: n - 1 }], scoredFrom: from, role, issue: `${sc}/${iss}` });
      }
    }
  }
  return { normal, issues, skippedIssues, issueCount };
}
