// Reads a long `series,timestamp,value` CSV (many series in one file, rows in any order) for
// `foresight forecast --input`. Header optional (a first line whose timestamp field is not one);
// timestamps and values follow csv.ts. Any malformed line is an issue naming its line number.
// A file of many series is millions of lines: it is read as UTF-8 bytes, and plain lines (no quotes,
// no padding, Unix-seconds timestamps, decimal values) are parsed in place without a string per line or
// field; every other line is decoded and goes through the general per-line reader (`parseLongLine`),
// which defines the result. (UTF-8 never uses the bytes of ',', '"' or a newline inside a character.)
import { isUtf8 } from 'node:buffer';
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
 * Unix seconds of b[s, e) when it is plain digits (at most 15), else NaN (the caller then reads it in
 * general). Same rule as parseTimestamp: above 1e11 it is milliseconds.
 */
function plainSeconds(b: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 15) return Number.NaN;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = b[i]! - C0;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return v > 1e11 ? v / 1000 : v;
}

/**
 * The number in b[s, e) when it is a plain decimal ([+-]digits[.digits], at most 15 significant digits),
 * else NaN. Exact: an integer below 2^53 divided by an exact power of ten is correctly rounded, as
 * Number() is.
 */
function plainDecimal(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  const c = b[i]!;
  if (c === MINUS || c === PLUS) {
    neg = c === MINUS;
    i++;
  }
  let m = 0;
  let digits = 0;
  let frac = -1;
  let any = false;
  for (; i < e; i++) {
    const ch = b[i]!;
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

/** The long CSV in a string. */
export function parseLongCsv(text: string): { series: LongSeries[]; issues: CsvIssue[] } {
  return parseLongCsvBytes(new TextEncoder().encode(text));
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // a BOM inside the file stays a character

/** The long CSV as read from a file: UTF-8 bytes (invalid UTF-8 is decoded whole, as a string would be). */
export function parseLongCsvBytes(b: Uint8Array): { series: LongSeries[]; issues: CsvIssue[] } {
  if (!isUtf8(b)) return parseLongCsvGeneral(new TextDecoder('utf-8').decode(b));
  const byKey = new Map<string, LongSeries>();
  const issues: CsvIssue[] = [];
  let first = true;
  // Rows of one series usually come together: the last series (and where its key's bytes were last
  // seen) is checked before the map.
  let last: LongSeries | undefined;
  let lastKeyAt = -1;
  let lastKeyLen = -1;
  const seriesOf = (key: string, lineNo: number, tText: string | (() => string)): LongSeries => {
    let s = last && last.key === key ? last : byKey.get(key);
    if (!s) byKey.set(key, (s = { key, line: lineNo, ts: [], values: [], tsText: typeof tText === 'string' ? tText : tText() }));
    return (last = s);
  };
  const general = (raw: string, lineNo: number): void => {
    lastKeyAt = -1;
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
  const n = b.length;
  let pos = n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  for (let lineNo = 1; pos <= n; lineNo++) {
    let end = b.indexOf(10, pos);
    if (end < 0) end = n;
    const next = end + 1;
    if (end > pos && b[end - 1] === 13) end--; // CRLF
    if (end === pos) {
      pos = next;
      continue; // blank
    }
    // Fast path: key,digits,decimal, no quotes, no padding (the first line always goes the general way).
    const c1 = first ? -1 : b.indexOf(44, pos);
    const c2 = c1 >= 0 && c1 < end ? b.indexOf(44, c1 + 1) : -1;
    const c3 = c2 > 0 ? b.indexOf(44, c2 + 1) : -1;
    let done = false;
    if (c1 > pos && c2 > c1 + 1 && c2 < end - 1 && (c3 < 0 || c3 >= end)) {
      const t = plainSeconds(b, c1 + 1, c2);
      const v = t === t ? plainDecimal(b, c2 + 1, end) : Number.NaN;
      if (v === v && plainKey(b, pos, c1)) {
        const same = last !== undefined && lastKeyLen === c1 - pos && lastKeyAt >= 0 && sameBytes(b, lastKeyAt, pos, lastKeyLen);
        const s = same ? last! : seriesOf(decoder.decode(b.subarray(pos, c1)), lineNo, () => decoder.decode(b.subarray(c1 + 1, c2)));
        lastKeyAt = pos;
        lastKeyLen = c1 - pos;
        s.ts.push(t);
        s.values.push(v);
        done = true;
      }
    }
    if (!done) general(decoder.decode(b.subarray(pos, end)), lineNo);
    pos = next;
  }
  return { series: [...byKey.values()], issues };
}

function sameBytes(b: Uint8Array, x: number, y: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (b[x + i] !== b[y + i]) return false;
  return true;
}

/**
 * The reader by definition: every line through parseLongLine, the first one a header when its timestamp
 * is not one. Used whole for text that is not valid UTF-8; the in-place path must agree with it.
 */
export function parseLongCsvGeneral(text: string): { series: LongSeries[]; issues: CsvIssue[] } {
  const byKey = new Map<string, LongSeries>();
  const issues: CsvIssue[] = [];
  let first = true;
  text.split(/\r?\n/).forEach((raw0, i) => {
    const raw = i === 0 ? raw0.replace(/^\uFEFF/, '') : raw0;
    const r = parseLongLine(raw);
    if (r === null) return;
    if (first) {
      first = false;
      const f = splitFields(raw);
      if (f.length === 3 && parseTimestamp(f[1]!) === null) return;
    }
    if ('issue' in r) return void issues.push({ line: i + 1, message: r.issue });
    let s = byKey.get(r.key);
    if (!s) byKey.set(r.key, (s = { key: r.key, line: i + 1, ts: [], values: [], tsText: r.tText }));
    s.ts.push(r.t);
    s.values.push(r.v);
  });
  return { series: [...byKey.values()], issues };
}

/**
 * A key the general reader would keep as is: no quote, not a comment, and ASCII non-space at both ends
 * (trim() also removes non-ASCII spaces such as U+00A0 and U+FEFF: such keys go the general way).
 */
function plainKey(b: Uint8Array, s: number, e: number): boolean {
  const a = b[s]!;
  const z = b[e - 1]!;
  if (a === 35 /* # */ || a <= 32 || a >= 128 || z <= 32 || z >= 128) return false;
  for (let i = s; i < e; i++) if (b[i] === 34 /* " */) return false;
  return true;
}
