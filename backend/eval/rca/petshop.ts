// Reads the PetShop dataset (../shared/datasets/petshop/, train split): per issue, the candidate series
// (one per component × metric × statistic, from metrics.csv with its three header rows), the call graph
// (graph.csv adjacency: a non-zero cell at row r, column c = r calls c), the time the issue was noticed and
// the component at fault. Nothing here names a node or an issue: every issue of the split is read.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CandidateSeries, DependencyEdge } from '../../src/rca/model/index.js';

export interface PetshopIssue {
  id: string;
  scenario: string;
  /** The issue's own window (a few 5-minute samples around the target time). */
  series: CandidateSeries[];
  /** Weeks of normal operation of the same scenario, when the dataset has them, keyed like `series`. */
  reference?: CandidateSeries[];
  edges: DependencyEdge[];
  incidentTime: number;
  rootCause: string;
}

function cells(line: string): string[] {
  // The files quote no field containing a comma (checked: every row has as many cells as the header).
  return line.split(',');
}

/** Series of a metrics.csv: component from header row 1, metric `metric_statistic` from rows 2 and 3. */
export function readMetrics(file: string): CandidateSeries[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const [comp, metric, stat] = [cells(lines[0]!), cells(lines[1]!), cells(lines[2]!)];
  // Row 4 names the time column (`unix_timestamp`); data follows.
  const rows = lines.slice(4).map(cells);
  const ts = rows.map((r) => Number(r[0]));
  const out: CandidateSeries[] = [];
  const seen = new Set<string>();
  for (let c = 1; c < comp.length; c++) {
    const key = `${comp[c]}|${metric[c]}_${stat[c]}`;
    if (!comp[c] || seen.has(key)) continue;
    seen.add(key);
    const values = rows.map((r) => (r[c] === '' || r[c] === undefined ? NaN : Number(r[c])));
    if (!values.some(Number.isFinite)) continue;
    out.push({ component: comp[c]!, metric: `${metric[c]}_${stat[c]}`, timestamps: ts, values });
  }
  return out;
}

export function readGraph(file: string): DependencyEdge[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = cells(lines[0]!);
  const edges: DependencyEdge[] = [];
  for (const l of lines.slice(1)) {
    const r = cells(l);
    for (let c = 1; c < r.length; c++) {
      const v = Number(r[c]);
      if (Number.isFinite(v) && v !== 0 && r[0] !== head[c]) edges.push({ caller: r[0]!, callee: head[c]! });
    }
  }
  return edges;
}

export function petshopRoot(): string | undefined {
  for (const p of ['../shared/datasets/petshop/dataset', '../../shared/datasets/petshop/dataset']) if (existsSync(p)) return p;
  return undefined;
}

export function loadPetshop(root: string): PetshopIssue[] {
  const issues: PetshopIssue[] = [];
  for (const scenario of readdirSync(root).sort()) {
    const dir = join(root, scenario);
    if (!existsSync(join(dir, 'graph.csv'))) continue;
    const edges = readGraph(join(dir, 'graph.csv'));
    const refFile = join(dir, 'noissue', 'metrics.csv');
    const reference = existsSync(refFile) ? readMetrics(refFile) : undefined;
    const train = join(dir, 'train');
    if (!existsSync(train)) continue;
    for (const issue of readdirSync(train).sort()) {
      const target = JSON.parse(readFileSync(join(train, issue, 'target.json'), 'utf8')) as {
        target: { timestamp: number };
        root_cause: { node: string };
      };
      issues.push({
        id: `${scenario}/${issue}`,
        scenario,
        series: readMetrics(join(train, issue, 'metrics.csv')),
        ...(reference ? { reference } : {}),
        edges,
        incidentTime: target.target.timestamp,
        rootCause: target.root_cause.node,
      });
    }
  }
  return issues;
}

/**
 * The issue's series with normal-operation history prepended (a gap of weeks or months between them), the
 * way a user hands the model last week's data plus the incident window. Series without a reference keep
 * only their own window.
 */
export function withReference(issue: PetshopIssue, reference: CandidateSeries[] | undefined): CandidateSeries[] {
  if (!reference) return issue.series;
  const ref = new Map(reference.map((s) => [`${s.component}|${s.metric}`, s]));
  const first = issue.series[0]?.timestamps[0] ?? issue.incidentTime;
  return issue.series.map((s) => {
    const r = ref.get(`${s.component}|${s.metric}`);
    if (!r) return s;
    const rt = Array.from(r.timestamps);
    if (rt[rt.length - 1]! >= first) {
      // Reference recorded after the issue: shift it (whole days, so the time of day holds) to end before it.
      const days = Math.ceil((rt[rt.length - 1]! - first) / 86400) + 1;
      for (let i = 0; i < rt.length; i++) rt[i]! -= days * 86400;
    }
    return {
      ...s,
      timestamps: [...rt, ...Array.from(s.timestamps)],
      values: [...Array.from(r.values), ...Array.from(s.values)],
    };
  });
}
