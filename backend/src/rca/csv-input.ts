// Reads the offline RCA input: a wide CSV whose first column is the timestamp and every other column one
// series. The component of a column is the first capture group of a pattern on its name (by default the
// text before the first `_`).
import type { CandidateSeries } from './model/index.js';

export class CsvInputError extends Error {
  override name = 'CsvInputError';
}

export interface WideCsv {
  timeColumn: string;
  /** true when timestamps were ISO dates (then they are in ms since the epoch). */
  isoTime: boolean;
  series: CandidateSeries[];
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

export function parseWideCsv(text: string, file: string, pattern?: RegExp): WideCsv {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length < 2) throw new CsvInputError(`${file}: needs a header line and at least one data row`);
  const header = splitLine(lines[0]!);
  if (header.length < 2) throw new CsvInputError(`${file}: header has ${header.length} column(s); need a timestamp column and at least one series`);
  const timestamps: number[] = [];
  const cols: number[][] = header.slice(1).map(() => []);
  let isoTime = false;
  for (let r = 1; r < lines.length; r++) {
    const cells = splitLine(lines[r]!);
    if (cells.length !== header.length) {
      throw new CsvInputError(`${file}: line ${r + 1} has ${cells.length} cells, the header has ${header.length}`);
    }
    let t = Number(cells[0]);
    if (cells[0] === '' || !Number.isFinite(t)) {
      t = Date.parse(cells[0]!);
      if (!Number.isFinite(t)) throw new CsvInputError(`${file}: line ${r + 1}: timestamp '${cells[0]}' is neither a number nor an ISO date`);
      isoTime = true;
    }
    timestamps.push(t);
    for (let c = 1; c < cells.length; c++) {
      const v = cells[c] === '' || /^nan$/i.test(cells[c]!) ? NaN : Number(cells[c]);
      if (Number.isNaN(v) && cells[c] !== '' && !/^nan$/i.test(cells[c]!)) {
        throw new CsvInputError(`${file}: line ${r + 1}, column '${header[c]}': '${cells[c]}' is not a number`);
      }
      cols[c - 1]!.push(v);
    }
  }
  for (let i = 1; i < timestamps.length; i++) {
    if (!(timestamps[i]! > timestamps[i - 1]!)) throw new CsvInputError(`${file}: timestamps must increase (line ${i + 2})`);
  }
  const series: CandidateSeries[] = [];
  const unmatched: string[] = [];
  header.slice(1).forEach((name, i) => {
    const component = componentOf(name, pattern);
    if (component === undefined || component === '') unmatched.push(name);
    else series.push({ component, metric: name, timestamps, values: cols[i]! });
  });
  if (series.length === 0) {
    throw new CsvInputError(`${file}: no column name matches the component pattern ${pattern ?? ''} (columns: ${unmatched.join(', ')})`);
  }
  return { timeColumn: header[0]!, isoTime, series };
}
