// Reads `timestamp,value` CSV for the offline CLI (`foresight detect|forecast`).
// - Header optional: a first line whose first field is not a timestamp is taken as the header.
// - Timestamps: ISO 8601 with `T` or a space (no zone = UTC), or Unix seconds (values above 1e11 are
//   taken as milliseconds, as exported by some tools). Fields may be double-quoted.
// - Values: numbers; an empty value or NaN is a gap (kept, reported by the models, not an error).
// - Anything else (missing/extra columns, bad timestamp, bad number) is an error naming the line.
export interface CsvRow {
  line: number;
  tsText: string;
  valueText: string;
  t: number;
  value: number;
}

export interface CsvIssue {
  line: number;
  message: string;
}

/** Unix timestamps above this are milliseconds (about year 5138 in seconds, 1973 in milliseconds). */
export const MS_ABOVE = 1e11;

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Unix seconds of an ISO 8601 or Unix timestamp, or null if it is neither. */
export function parseTimestamp(s: string): number | null {
  const x = s.trim();
  if (NUM_RE.test(x)) {
    const v = Number(x);
    if (!Number.isFinite(v)) return null;
    return Math.abs(v) > MS_ABOVE ? v / 1000 : v;
  }
  const m = ISO_RE.exec(x);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone = 'Z'] = m;
  const z = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${frac}${z}`);
  if (!Number.isFinite(ms)) return null;
  // Date.parse rolls over e.g. Feb 30; reject dates that do not round-trip.
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return null;
  return ms / 1000;
}

export function splitFields(line: string): string[] {
  if (!line.includes('"')) return line.split(',').map((f) => f.trim());
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

export function parseValue(s: string): number | null {
  const x = s.trim();
  if (x === '' || /^nan$/i.test(x)) return Number.NaN;
  if (/^[+-]?inf(inity)?$/i.test(x)) return x.startsWith('-') ? -Infinity : Infinity;
  return NUM_RE.test(x) ? Number(x) : null;
}

export function parseSeriesCsv(text: string): { rows: CsvRow[]; issues: CsvIssue[]; header: boolean } {
  const rows: CsvRow[] = [];
  const issues: CsvIssue[] = [];
  let header = false;
  let seenData = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const f = splitFields(raw.replace(/^\uFEFF/, ''));
    if (!seenData && !header && parseTimestamp(f[0] ?? '') === null && !/^\d/.test(f[0] ?? '')) {
      header = true; // e.g. "timestamp,value"
      continue;
    }
    seenData = true;
    if (f.length !== 2) {
      issues.push({ line: lineNo, message: `expected 2 columns (timestamp,value), got ${f.length}` });
      continue;
    }
    const t = parseTimestamp(f[0]!);
    if (t === null) {
      issues.push({ line: lineNo, message: `timestamp '${f[0]}' is neither ISO 8601 nor Unix seconds` });
      continue;
    }
    const v = parseValue(f[1]!);
    if (v === null) {
      issues.push({ line: lineNo, message: `value '${f[1]}' is not a number` });
      continue;
    }
    rows.push({ line: lineNo, tsText: f[0]!, valueText: f[1]!, t, value: v });
  }
  return { rows, issues, header };
}

/** Compact number for CSV output: up to 10 significant digits, no exponent noise for ordinary values. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'NaN';
  if (v === 0) return '0';
  const s = v.toPrecision(10);
  // In fixed notation, String(Number(s)) is s without its trailing zeros (no other decimal of at most 10
  // digits reads as the same double), and stripping them is a third of the cost: a batch writes millions.
  if (s.includes('e')) return String(Number(s));
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (s.charCodeAt(end - 1) === 46 /* . */) end--;
  return s.slice(0, end);
}

/** Quotes a CSV field only when needed. */
export function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
