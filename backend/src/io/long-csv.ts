// Reads a long `series,timestamp,value` CSV (many series in one file, rows in any order) for
// `foresight forecast --input`. Header optional (a first line whose timestamp field is not one);
// timestamps and values follow csv.ts. Any malformed line is an issue naming its line number.
// A file of many series is millions of lines: it is read as UTF-8 bytes, and plain lines (no quotes,
// no padding, Unix-seconds timestamps, decimal values) are parsed in place without a string per line or
// field; every other line is decoded and goes through the general per-line reader (`parseLongLine`),
// which defines the result. (UTF-8 never uses the bytes of ',', '"' or a newline inside a character.)
// The file is fed in pieces through LongCsvReader, so it never sits in memory whole.
import { MS_ABOVE, parseTimestamp, parseValue, splitFields, type CsvIssue } from './csv.js';

export interface LongSeries {
  key: string;
  /** Line of the first row of this series (for messages). */
  line: number;
  ts: Float64Array;
  values: Float64Array;
  /** Text of the first timestamp, to write output timestamps in the same style. */
  tsText: string;
}

/**
 * Whether a file is in the long format, from its head: true when its first data line (or header) has
 * three fields, false when it has another count, undefined when the head holds no such line yet.
 */
export function looksLong(head: string): boolean | undefined {
  for (let at = 0; at < head.length; ) {
    const nl = head.indexOf('\n', at);
    const raw = head.slice(at, nl < 0 ? head.length : nl).replace(/\r$/, '');
    at = nl < 0 ? head.length : nl + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    return splitFields(raw.replace(/^\uFEFF/, '')).length === 3;
  }
  return undefined;
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

// Where the last plainSeconds / plainDecimal read stopped (the first byte that is not part of it).
let stopped = 0;

/**
 * Unix seconds from the plain digits (1 to 15) at b[s], read up to the first other byte or e (noted in
 * `stopped`), else NaN (the caller then reads the field in general). Same rule as parseTimestamp: above
 * MS_ABOVE it is milliseconds.
 */
function plainSeconds(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  let i = s;
  for (; i < e; i++) {
    const d = b[i]! - C0;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  stopped = i;
  if (i === s || i - s > 15) return Number.NaN;
  return v > MS_ABOVE ? v / 1000 : v;
}

/**
 * The plain decimal ([+-]digits[.digits], at most 15 significant digits) at b[s], read up to the first
 * other byte or e (noted in `stopped`), else NaN. Exact: an integer below 2^53 divided by an exact power
 * of ten is correctly rounded, as Number() is.
 */
function plainDecimal(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  const c = b[i]!;
  if (i < e && (c === MINUS || c === PLUS)) {
    neg = c === MINUS;
    i++;
  }
  let m = 0;
  let digits = 0;
  let frac = -1;
  let any = false;
  let bad = false;
  for (; i < e; i++) {
    const ch = b[i]!;
    if (ch === DOT) {
      if (frac >= 0) bad = true;
      frac = 0;
      continue;
    }
    const d = ch - C0;
    if (d < 0 || d > 9) break;
    any = true;
    if (m === 0 && d === 0) {
      if (frac >= 0) frac++;
      continue; // leading zeros are not significant
    }
    if (++digits > 15) bad = true;
    m = m * 10 + d;
    if (frac >= 0) frac++;
  }
  stopped = i;
  if (bad || !any || frac > 22) return Number.NaN;
  const v = frac > 0 ? m / POW10[frac]! : m;
  return neg ? -v : v;
}

/** The long CSV in a string. */
export function parseLongCsv(text: string): { series: LongSeries[]; issues: CsvIssue[] } {
  return parseLongCsvBytes(new TextEncoder().encode(text));
}

/** The long CSV as UTF-8 bytes, all at once. */
export function parseLongCsvBytes(b: Uint8Array): { series: LongSeries[]; issues: CsvIssue[] } {
  const r = new LongCsvReader();
  r.feed(b);
  return r.finish();
}

// Invalid UTF-8 needs no special case: a line's bytes decode to exactly that line of the whole file's
// decoded text (U+FFFD replacement never swallows an ASCII byte, so every ',', '"', CR and LF stays put).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // a BOM inside the file stays a character

const NO_KEY = new Uint8Array(0); // matches no key (a plain key has at least one byte)

/**
 * The long CSV fed in pieces (a large file is never in memory whole). Every piece but the last must end
 * with a line break; a piece may be a view on a reused buffer, as it is read before feed() returns.
 */
export class LongCsvReader {
  private readonly byKey = new Map<string, Run>();
  private readonly issues: CsvIssue[] = [];
  private lineNo = 0;
  private started = false;
  private first = true; // until the first line that is not blank or a comment (maybe a header)
  // Rows of one series usually come together: the last series (and its key's bytes) is checked before the map.
  private last: Run | undefined;
  private lastKey: Uint8Array = NO_KEY;
  private readonly rows = new Arena();

  feed(b: Uint8Array): void {
    const n = b.length;
    let pos = 0;
    if (!this.started && n > 0) {
      this.started = true;
      if (n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) pos = 3;
    }
    while (pos < n) {
      const lineNo = ++this.lineNo;
      // Fastest: the last plain line's key again, then digits, a plain decimal and the line's end, read
      // in one pass (each byte once). Anything else on the line goes the ways below.
      const next0 = this.sameSeries(b, pos, n);
      if (next0 >= 0) {
        pos = next0;
        continue;
      }
      // One pass to the line's end, noting its first two commas, how many there are and any quote.
      let c1 = -1;
      let c2 = -1;
      let commas = 0;
      let quote = false;
      let i = pos;
      for (; i < n; i++) {
        const c = b[i]!;
        if (c === 10) break;
        if (c === 44) {
          if (commas === 0) c1 = i;
          else if (commas === 1) c2 = i;
          commas++;
        } else if (c === 34) quote = true;
      }
      const next = i + 1;
      let end = i;
      if (end > pos && b[end - 1] === 13) end--; // CRLF
      if (end === pos) {
        pos = next;
        continue; // blank
      }
      // Fast path: key,digits,decimal, no quotes, no padding (the first line always goes the general way).
      let done = false;
      if (!this.first && commas === 2 && !quote && c1 > pos && c2 > c1 + 1 && c2 < end - 1) {
        let t = plainSeconds(b, c1 + 1, c2);
        if (stopped !== c2) t = Number.NaN;
        let v = t === t ? plainDecimal(b, c2 + 1, end) : Number.NaN;
        if (stopped !== end) v = Number.NaN;
        if (v === v && plainKey(b, pos, c1)) {
          // (Never the last plain line's key: sameSeries has read every such line this path would.)
          const s = this.seriesOf(decoder.decode(b.subarray(pos, c1)), lineNo, () => decoder.decode(b.subarray(c1 + 1, c2)));
          this.lastKey = new Uint8Array(b.subarray(pos, c1)); // a copy (Buffer.slice would be a view): the piece's buffer is reused
          this.rows.push(s, t, v);
          done = true;
        }
      }
      if (!done) this.general(decoder.decode(b.subarray(pos, end)), lineNo);
      pos = next;
    }
  }

  /**
   * A line of the last plain line's series read in place: `key,digits,decimal` up to a line break (CRLF
   * too) or the piece's end, each byte looked at once. Returns where the next line starts, or -1 (nothing
   * read) when the line is anything else: another key, padding, a quote, a third comma, an exponent...
   */
  private sameSeries(b: Uint8Array, pos: number, n: number): number {
    const key = this.lastKey;
    const kl = key.length;
    if (kl === 0 || pos + kl >= n || b[pos + kl] !== 44) return -1;
    for (let j = 0; j < kl; j++) if (b[pos + j] !== key[j]) return -1;
    const t = plainSeconds(b, pos + kl + 1, n);
    if (t !== t || stopped >= n || b[stopped] !== 44) return -1;
    const v = plainDecimal(b, stopped + 1, n);
    if (v !== v) return -1;
    const i = stopped;
    // The line's end: LF, CR LF, or the piece's end (CR just before it too, as the scan below strips it).
    let next: number;
    if (i === n) next = n;
    else if (b[i] === 10) next = i + 1;
    else if (b[i] === 13 && (i + 1 === n || b[i + 1] === 10)) next = i + 1 === n ? n : i + 2;
    else return -1;
    this.rows.push(this.last!, t, v);
    return next;
  }

  finish(): { series: LongSeries[]; issues: CsvIssue[] } {
    this.rows.close();
    const series: LongSeries[] = [];
    for (const s of this.byKey.values()) series.push({ key: s.key, line: s.line, tsText: s.tsText, ...joined(s.parts) });
    return { series, issues: this.issues };
  }

  private seriesOf(key: string, lineNo: number, tText: string | (() => string)): Run {
    let s = this.last && this.last.key === key ? this.last : this.byKey.get(key);
    if (!s) this.byKey.set(key, (s = { key, line: lineNo, tsText: typeof tText === 'string' ? tText : tText(), parts: [] }));
    return (this.last = s);
  }

  private general(raw: string, lineNo: number): void {
    this.lastKey = NO_KEY; // the next plain line looks its key up again
    if (this.first && raw.trim() !== '' && !raw.trimStart().startsWith('#')) {
      this.first = false;
      if (isHeader(raw)) return;
    }
    const r = parseLongLine(raw);
    if (r === null) return;
    if ('issue' in r) {
      this.issues.push({ line: lineNo, message: r.issue });
      return;
    }
    this.rows.push(this.seriesOf(r.key, lineNo, r.tText), r.t, r.v);
  }
}

/** A series as the reader builds it: its rows as one or more parts (one per block of adjacent lines). */
interface Run {
  key: string;
  line: number;
  tsText: string;
  parts: { ts: Float64Array; vs: Float64Array }[];
}

/**
 * Rows of every series in a few large columns: the open series (whose lines are being read) grows at
 * the top, and when another series' line comes its block is closed as a view on the columns. A pair of
 * typed arrays per series, grown by doubling, had cost two dozen ArrayBuffer allocations a series: 40%
 * of reading a 2,000-series file.
 */
class Arena {
  private ts = new Float64Array(0);
  private vs = new Float64Array(0);
  private top = 0;
  private start = 0; // the open block is [start, top)
  private open: Run | undefined;
  private next = 1 << 16; // the next columns' length (doubling to 1 << 21, 16 MB the pair)

  push(s: Run, t: number, v: number): void {
    if (s !== this.open) {
      this.close();
      this.open = s;
      this.start = this.top;
    }
    if (this.top === this.ts.length) this.grow();
    this.ts[this.top] = t;
    this.vs[this.top++] = v;
  }

  /** Ends the open block (before a series' next line comes after another series' line, and at the end). */
  close(): void {
    if (this.open && this.top > this.start) this.open.parts.push({ ts: this.ts.subarray(this.start, this.top), vs: this.vs.subarray(this.start, this.top) });
    this.open = undefined;
    this.start = this.top;
  }

  /** New columns (the open block moves to their start; closed blocks stay views on the old ones). */
  private grow(): void {
    const len = this.top - this.start;
    const size = Math.max(this.next, 2 * len);
    this.next = Math.min(2 * this.next, 1 << 21);
    const ts = new Float64Array(size);
    const vs = new Float64Array(size);
    ts.set(this.ts.subarray(this.start, this.top));
    vs.set(this.vs.subarray(this.start, this.top));
    this.ts = ts;
    this.vs = vs;
    this.start = 0;
    this.top = len;
  }
}

function joined(parts: { ts: Float64Array; vs: Float64Array }[]): { ts: Float64Array; values: Float64Array } {
  if (parts.length === 1) return { ts: parts[0]!.ts, values: parts[0]!.vs };
  let n = 0;
  for (const p of parts) n += p.ts.length;
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  let at = 0;
  for (const p of parts) {
    ts.set(p.ts, at);
    values.set(p.vs, at);
    at += p.ts.length;
  }
  return { ts, values };
}

/** A first line that is a header, e.g. series,timestamp,value: three fields, the second not a timestamp. */
function isHeader(raw: string): boolean {
  const f = splitFields(raw);
  return f.length === 3 && parseTimestamp(f[1]!) === null;
}

/**
 * The reader by definition: every line through parseLongLine, the first one a header when its timestamp
 * is not one. The in-place path must agree with it (the tests hold it to that).
 */
export function parseLongCsvGeneral(text: string): { series: LongSeries[]; issues: CsvIssue[] } {
  const byKey = new Map<string, { key: string; line: number; tsText: string; ts: number[]; vs: number[] }>();
  const issues: CsvIssue[] = [];
  let first = true;
  text.split(/\r?\n/).forEach((raw0, i) => {
    const raw = i === 0 ? raw0.replace(/^\uFEFF/, '') : raw0;
    const r = parseLongLine(raw);
    if (r === null) return;
    if (first) {
      first = false;
      if (isHeader(raw)) return;
    }
    if ('issue' in r) return void issues.push({ line: i + 1, message: r.issue });
    let s = byKey.get(r.key);
    if (!s) byKey.set(r.key, (s = { key: r.key, line: i + 1, tsText: r.tText, ts: [], vs: [] }));
    s.ts.push(r.t);
    s.vs.push(r.v);
  });
  const series = [...byKey.values()].map(({ key, line, tsText, ts, vs }) => ({ key, line, tsText, ts: Float64Array.from(ts), values: Float64Array.from(vs) }));
  return { series, issues };
}

/**
 * A key (already known to hold no quote) the general reader would keep as is: not a comment, and ASCII
 * non-space at both ends (trim() also removes non-ASCII spaces such as U+00A0 and U+FEFF: such keys go
 * the general way).
 */
function plainKey(b: Uint8Array, s: number, e: number): boolean {
  const a = b[s]!;
  const z = b[e - 1]!;
  return !(a === 35 /* # */ || a <= 32 || a >= 128 || z <= 32 || z >= 128);
}
