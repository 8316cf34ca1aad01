// Reads a long `series,timestamp,value` CSV (many series in one file, rows in any order) for
// `foresight forecast --input`. Header optional (a first line whose timestamp field is not one);
// timestamps and values follow csv.ts. Any malformed line is an issue naming its line number.
import { parseTimestamp, parseValue, splitFields, type CsvIssue } from './csv.js';

export interface LongSeries {
  key: string;
  /** Line of the first row of this series (for messages). */
  line: number;
  ts: number[];
  values: number[];
  /** Text of the first timestamp, to write output timestamps in the same style. */
  tsText: string;
}

/** True when the first data line (or the header) has three fields: the long format. */
export function looksLong(text: string): boolean {
  for (const raw of text.split(/\r?\n/, 50)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    return splitFields(raw.replace(/^\uFEFF/, '')).length === 3;
  }
  return false;
}

export function parseLongCsv(text: string): { series: LongSeries[]; issues: CsvIssue[] } {
  const byKey = new Map<string, LongSeries>();
  const issues: CsvIssue[] = [];
  const lines = text.split(/\r?\n/);
  let first = true;
  // Rows of one series usually come together: the last series is checked before the map.
  let last: LongSeries | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = i === 0 ? lines[i]!.replace(/^\uFEFF/, '') : lines[i]!;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const f = splitFields(raw);
    if (first) {
      first = false;
      if (f.length === 3 && parseTimestamp(f[1]!) === null) continue; // header, e.g. series,timestamp,value
    }
    if (f.length !== 3) {
      issues.push({ line: i + 1, message: `expected 3 columns (series,timestamp,value), got ${f.length}` });
      continue;
    }
    const [key, tText, vText] = f as [string, string, string];
    if (key === '') {
      issues.push({ line: i + 1, message: 'empty series name' });
      continue;
    }
    const t = parseTimestamp(tText);
    if (t === null) {
      issues.push({ line: i + 1, message: `timestamp '${tText}' is neither ISO 8601 nor Unix seconds` });
      continue;
    }
    const v = parseValue(vText);
    if (v === null) {
      issues.push({ line: i + 1, message: `value '${vText}' is not a number` });
      continue;
    }
    let s = last && last.key === key ? last : byKey.get(key);
    if (!s) byKey.set(key, (s = { key, line: i + 1, ts: [], values: [], tsText: tText }));
    last = s;
    s.ts.push(t);
    s.values.push(v);
  }
  return { series: [...byKey.values()], issues };
}
