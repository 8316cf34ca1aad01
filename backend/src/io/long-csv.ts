// Reads a long `series,timestamp,value` CSV (many series in one file, rows in any order) for
// `foresight forecast --input`. Header optional (a first line whose timestamp field is not one);
// timestamps and values follow csv.ts. Any malformed line is an issue naming its line number.
// A file of many series is millions of lines: plain lines (no quotes, no padding, Unix-seconds
// timestamps, decimal values) are read in place without a string per line or field; every other line
// goes through the general per-line reader (`parseLongLine`), which defines the result.
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
  // Only the head is split: a regex split of the whole file costs as much as reading it.
  for (const raw of text.slice(0, 65_536).split(/\r?\n/, 50)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    return splitFields(raw.replace(/^\uFEFF/, '')).length === 3;
  }
  return false;
}

export type LongLine = { key: string; t: number; tText: string; v: number } | { issue: string } | null;

/** One line, read in full generality: null for a blank or comment line. */
export function parseLongLine(raw: string): LongLine {
  if (raw.trim() === '' || raw.trimStart().startsWith('#')) return null;
  const f = splitFields(raw);
  if (f.length !== 3) return { issue: `expected 3 columns (series,timestamp,value), got ${f.length}` };
  const [key, tText, vText] = f as [string, string, string];
  if (key === '') return { issue: 'empty series name' };
  const t = parseTimestamp(tText);
  if (t === null) return { issue: `timestamp '${tText}' is neither ISO 8601 nor Unix seconds` };
  const v = parseValue(vText);
  if (v === null) return { issue: `value '${vText}' is not a number` };
  return { key, t, tText, v };
}

const C0 = 48; // '0'
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Unix seconds of text[s, e) when it is plain digits (at most 15), else NaN (the caller then reads it
 * in general). Same rule as parseTimestamp: above 1e11 it is milliseconds.
 */
function plainSeconds(text: string, s: number, e: number): number {
  if (e <= s || e - s > 15) return Number.NaN;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = text.charCodeAt(i) - C0;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return v > 1e11 ? v / 1000 : v;
}

/**
 * The number in text[s, e) when it is a plain decimal ([+-]digits[.digits], at most 15 significant
 * digits), else NaN. Exact: an integer below 2^53 divided by an exact power of ten is correctly
 * rounded, as Number() is.
 */
function plainDecimal(text: string, s: number, e: number): number {
  let i = s;
  let neg = false;
  const c = text.charCodeAt(i);
  if (c === MINUS || c === PLUS) {
    neg = c === MINUS;
    i++;
  }
  let m = 0;
  let digits = 0;
  let frac = -1;
  let any = false;
  for (; i < e; i++) {
    const ch = text.charCodeAt(i);
    if (ch === DOT) {
      if (frac >= 0) return Number.NaN;
      frac = 0;
      continue;
    }
    const d = ch - C0;
    if (d < 0 || d > 9) return Number.NaN;
    any = true;
    if (m === 0 && d === 0) {
      if (frac >= 0) frac++;
      continue; // leading zeros are not significant
    }
    if (++digits > 15) return Number.NaN;
    m = m * 10 + d;
    if (frac >= 0) frac++;
  }
  if (!any || frac > 22) return Number.NaN;
  const v = frac > 0 ? m / POW10[frac]! : m;
  return neg ? -v : v;
}

export function parseLongCsv(text: string): { series: LongSeries[]; issues: CsvIssue[] } {
  const byKey = new Map<string, LongSeries>();
  const issues: CsvIssue[] = [];
  let first = true;
  // Rows of one series usually come together: the last series is checked before the map.
  let last: LongSeries | undefined;
  const seriesOf = (key: string, lineNo: number, tText: string | (() => string)): LongSeries => {
    let s = last && last.key === key ? last : byKey.get(key);
    if (!s) byKey.set(key, (s = { key, line: lineNo, ts: [], values: [], tsText: typeof tText === 'string' ? tText : tText() }));
    return (last = s);
  };
  const general = (raw: string, lineNo: number): void => {
    if (first && raw.trim() !== '' && !raw.trimStart().startsWith('#')) {
      first = false;
      const f = splitFields(raw);
      if (f.length === 3 && parseTimestamp(f[1]!) === null) return; // header, e.g. series,timestamp,value
    }
    const r = parseLongLine(raw);
    if (r === null) return;
    if ('issue' in r) {
      issues.push({ line: lineNo, message: r.issue });
      return;
    }
    const s = seriesOf(r.key, lineNo, r.tText);
    s.ts.push(r.t);
    s.values.push(r.v);
  };
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let lineNo = 1; pos <= n; lineNo++) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    const next = end + 1;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--; // CRLF
    if (end === pos) {
      pos = next;
      continue; // blank
    }
    // Fast path: key,digits,decimal with no quote, space or tab anywhere (first line always general).
    const c1 = first ? -1 : text.indexOf(',', pos);
    const c2 = c1 >= 0 && c1 < end ? text.indexOf(',', c1 + 1) : -1;
    const c3 = c2 > 0 ? text.indexOf(',', c2 + 1) : -1;
    let done = false;
    if (c1 > pos && c2 > c1 + 1 && c2 < end - 1 && (c3 < 0 || c3 >= end)) {
      const t = plainSeconds(text, c1 + 1, c2);
      const v = t === t ? plainDecimal(text, c2 + 1, end) : Number.NaN;
      if (v === v && plainKey(text, pos, c1)) {
        const s = last && last.key.length === c1 - pos && text.startsWith(last.key, pos) ? last : seriesOf(text.slice(pos, c1), lineNo, () => text.slice(c1 + 1, c2));
        s.ts.push(t);
        s.values.push(v);
        done = true;
      }
    }
    if (!done) general(text.slice(pos, end), lineNo);
    pos = next;
  }
  return { series: [...byKey.values()], issues };
}

/** A key the general reader would keep as is: no quote, no surrounding space, not a comment. */
function plainKey(text: string, s: number, e: number): boolean {
  const a = text.charCodeAt(s);
  if (a === 35 /* # */ || a <= 32 || text.charCodeAt(e - 1) <= 32) return false;
  for (let i = s; i < e; i++) if (text.charCodeAt(i) === 34 /* " */) return false;
  return true;
}
