// Reads the offline RCA input: a wide CSV whose first column is the timestamp and every other column one
// series. The component of a column is the first capture group of a pattern on its name (by default the
// text before the first `_`). Real exports are accepted as they come: rows in any order (sorted here),
// duplicate timestamps (averaged, with a warning), text columns such as a pod name (skipped, with a warning),
// `inf`/`-inf`/`NaN` cells, and ISO times without a zone, which are read as UTC (never the machine's zone).
// Service-graph columns (traces_service_graph_request_total{client,server}) become the dependency graph.
import type { CandidateSeries } from './model/index.js';

export class CsvInputError extends Error {
  override name = 'CsvInputError';
}

export interface WideCsv {
  timeColumn: string;
  /** true when timestamps were ISO dates (then they are in ms since the epoch). */
  isoTime: boolean;
  series: CandidateSeries[];
  /** What was repaired or left out, one sentence each (the CLI prints them to stderr). */
  warnings: string[];
  /**
   * Call edges read from service-graph columns (`traces_service_graph_request_total{client="a",server="b"}`,
   * as Tempo, Grafana Agent and the OpenTelemetry collector name them) that saw traffic; those columns are
   * the graph, not candidate series.
   */
  edges: { caller: string; callee: string }[];
}

const SERVICE_GRAPH = /^traces_service_graph_request_(total|failed_total)\{(.*)\}$/;

function serviceGraphEdge(column: string): { caller: string; callee: string } | undefined {
  const m = SERVICE_GRAPH.exec(column);
  if (!m) return undefined;
  const label = (k: string) => new RegExp(`(?:^|,)\\s*${k}\\s*=\\s*"([^"]*)"`).exec(m[2]!)?.[1];
  const caller = label('client');
  const callee = label('server');
  return caller && callee ? { caller, callee } : undefined;
}

function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(cur), (cur = '');
    else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim());
}

export function componentOf(column: string, pattern?: RegExp): string | undefined {
  if (!pattern) {
    const i = column.indexOf('_');
    return i > 0 ? column.slice(0, i) : column;
  }
  const m = pattern.exec(column);
  return m ? (m[1] ?? m[0]) : undefined;
}

/** A cell as a number: '' and NaN are missing; inf/+inf/-inf/Infinity are infinite; anything else must be numeric. */
export function parseCell(cell: string): number | undefined {
  if (cell === '' || /^[+-]?nan$/i.test(cell)) return NaN;
  const inf = /^([+-]?)inf(inity)?$/i.exec(cell);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  const v = Number(cell);
  return Number.isNaN(v) ? undefined : v;
}

const ISO_NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** Epoch seconds (or any number) as is; ISO dates to ms since the epoch, zone-less ones read as UTC. */
export function parseTime(cell: string): { t: number; iso: boolean } | undefined {
  if (cell === '') return undefined;
  const n = Number(cell);
  if (Number.isFinite(n)) return { t: n, iso: false };
  const text = ISO_NO_ZONE.test(cell) ? `${cell.replace(' ', 'T')}Z` : cell;
  const t = Date.parse(text);
  return Number.isFinite(t) ? { t, iso: true } : undefined;
}

export function parseWideCsv(text: string, file: string, pattern?: RegExp): WideCsv {
  // Keep each row's line number in the file (blank and # comment lines are skipped, not renumbered).
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ l, no: i + 1 }))
    .filter(({ l }) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length < 2) throw new CsvInputError(`${file}: needs a header line and at least one data row`);
  const header = splitLine(lines[0]!.l);
  if (header.length < 2) throw new CsvInputError(`${file}: header has ${header.length} column(s); need a timestamp column and at least one series`);
  const warnings: string[] = [];
  const rows: { t: number; no: number; cells: string[] }[] = [];
  let iso: boolean | undefined;
  for (const { l, no } of lines.slice(1)) {
    const cells = splitLine(l);
    if (cells.length !== header.length) throw new CsvInputError(`${file}: line ${no} has ${cells.length} cells, the header has ${header.length}`);
    const p = parseTime(cells[0]!);
    if (!p) throw new CsvInputError(`${file}: line ${no}: timestamp '${cells[0]}' is neither a number nor an ISO date`);
    if (iso !== undefined && p.iso !== iso) throw new CsvInputError(`${file}: line ${no}: timestamp '${cells[0]}' mixes ISO dates and plain numbers in one column`);
    iso = p.iso;
    rows.push({ t: p.t, no, cells });
  }

  // Text columns (a pod name, a version) are not series: skipped when no cell is a number. A column with
  // numbers and a stray word is a broken export: refused, naming the line.
  const numeric: number[] = [];
  for (let c = 1; c < header.length; c++) {
    const bad = rows.find((r) => parseCell(r.cells[c]!) === undefined);
    if (!bad) numeric.push(c);
    else if (rows.every((r) => parseCell(r.cells[c]!) === undefined || r.cells[c] === '')) warnings.push(`column '${header[c]}' is not numeric (e.g. '${bad.cells[c]}' on line ${bad.no}): skipped`);
    else throw new CsvInputError(`${file}: line ${bad.no}, column '${header[c]}': '${bad.cells[c]}' is not a number`);
  }

  const sorted = rows.every((r, i) => i === 0 || r.t > rows[i - 1]!.t);
  if (!sorted) {
    if (rows.some((r, i) => i > 0 && r.t < rows[i - 1]!.t)) warnings.push('rows were not in time order: sorted');
    rows.sort((a, b) => a.t - b.t || a.no - b.no);
  }
  // Duplicate timestamps: one sample per time, the mean of the finite values given for it.
  const timestamps: number[] = [];
  const cols: number[][] = numeric.map(() => []);
  let dupes = 0;
  let firstDupe = 0;
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j < rows.length && rows[j]!.t === rows[i]!.t) j++;
    if (j - i > 1 && dupes++ === 0) firstDupe = rows[i + 1]!.no;
    timestamps.push(rows[i]!.t);
    numeric.forEach((c, k) => {
      let sum = 0;
      let n = 0;
      let last = NaN;
      for (let r = i; r < j; r++) {
        const v = parseCell(rows[r]!.cells[c]!)!;
        if (Number.isFinite(v)) (sum += v), n++;
        else if (!Number.isNaN(v)) last = v;
      }
      cols[k]!.push(n ? sum / n : last);
    });
    i = j;
  }
  if (dupes) warnings.push(`${dupes} timestamp(s) appear on more than one row (first on line ${firstDupe}): their values were averaged`);

  const series: CandidateSeries[] = [];
  const unmatched: string[] = [];
  const edges: { caller: string; callee: string }[] = [];
  numeric.forEach((c, k) => {
    const name = header[c]!;
    const edge = serviceGraphEdge(name);
    if (edge) {
      if (cols[k]!.some((v) => v > 0)) edges.push(edge);
      return;
    }
    const component = componentOf(name, pattern);
    if (component === undefined || component === '') unmatched.push(name);
    else series.push({ component, metric: name, timestamps, values: cols[k]! });
  });
  if (series.length === 0) {
    const cols = header.slice(1).join(', ');
    throw new CsvInputError(
      numeric.length === 0
        ? `${file}: no numeric column (columns: ${cols})`
        : `${file}: no column name matches the component pattern ${pattern ?? ''} (columns: ${unmatched.join(', ')})`,
    );
  }
  return { timeColumn: header[0]!, isoTime: iso ?? false, series, warnings, edges };
}
