// A small cron grammar for scheduled game days: five fields (minute hour day-of-month month
// day-of-week), each `*`, a number, a range `a-b`, a list `a,b` and an optional step `/n`; times in UTC.
const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 },
] as const;

export type Cron = Set<number>[];

function parseField(text: string, f: (typeof FIELDS)[number]): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`${f.name} '${part}' is not *, N, A-B or a list of them with an optional /STEP`);
    const lo = m[1] === '*' ? f.min : Number(m[2]);
    const hi = m[1] === '*' ? f.max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? f.max : lo;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (lo < f.min || hi > f.max || lo > hi || step < 1) throw new Error(`${f.name} '${part}' is outside ${f.min}-${f.max}`);
    for (let v = lo; v <= hi; v += step) out.add(f.name === 'day-of-week' && v === 7 ? 0 : v);
  }
  return out;
}

export function parseCron(expr: string): Cron {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`'${expr}' must have 5 fields (minute hour day-of-month month day-of-week); it has ${parts.length}`);
  return parts.map((p, i) => parseField(p, FIELDS[i]!));
}

/** undefined when valid, else why not. */
export function cronError(expr: string): string | undefined {
  try {
    parseCron(expr);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export function cronMatches(c: Cron, atMs: number): boolean {
  const d = new Date(atMs);
  return c[0]!.has(d.getUTCMinutes()) && c[1]!.has(d.getUTCHours()) && c[2]!.has(d.getUTCDate()) && c[3]!.has(d.getUTCMonth() + 1) && c[4]!.has(d.getUTCDay());
}

/** The first whole minute strictly after `afterMs` that matches, searching up to a year ahead. */
export function nextCronRun(c: Cron, afterMs: number): number | undefined {
  let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < 366 * 24 * 60; i++, t += 60_000) if (cronMatches(c, t)) return t;
  return undefined;
}
