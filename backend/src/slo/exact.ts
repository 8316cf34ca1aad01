// Extrapolation-free counter increases for budgets. `rate()`/`increase()` extrapolate each series towards the
// range edges and stop at zero for series that start small, so on a young or low-traffic window the error and
// total counts are scaled differently and the budget drifts from the true counts (by percents when a window
// holds a few minutes of data). For the budget window we instead compute, per series:
//   value now − value at the window start            (no reset in the window)
//   increase()                                       (a reset happened: best available)
//   value now                                        (series born inside the window: counted from 0)
// The recording rules keep rate(): alert windows are short and Sloth-compatible.
import type { SliDef } from './model.js';
import type { CompiledSli } from './sli.js';
import { compileSli } from './sli.js';
import { addMatcher, num } from './promql.js';

// `rate(` / `increase(` around a plain selector with a {{.window}} range; quoted matcher values may hold anything.
const SEL = String.raw`[a-zA-Z_:][a-zA-Z0-9_:]*\s*(?:\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\})?|\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\}`;
const CALL = new RegExp(String.raw`\b(rate|increase)\(\s*(${SEL})\s*\[\s*\{\{\s*\.window\s*\}\}\s*\]\s*\)`, 'g');

function exactIncrease(sel: string, w: string): string {
  return (
    `(((${sel} - ${sel} offset ${w}) and (resets(${sel}[${w}]) == 0))` +
    ` or (increase(${sel}[${w}]) and (resets(${sel}[${w}]) > 0))` +
    ` or ((${sel} unless ${sel} offset ${w}) + 0))`
  );
}

/** Rewrites every rate/increase of a selector over {{.window}}; undefined if any windowed range is left over. */
export function exactCounterQuery(q: string, seconds: number): string | undefined {
  const w = `${Math.max(1, Math.round(seconds))}s`;
  const out = q.replace(CALL, (_m, fn: string, sel: string) => (fn === 'rate' ? `(${exactIncrease(sel.trim(), w)} / ${num(Math.max(1, Math.round(seconds)))})` : exactIncrease(sel.trim(), w)));
  return /\{\{\s*\.window\s*\}\}/.test(out) ? undefined : out;
}

/**
 * The SLI compiled with exact counter increases for one window length (seconds), when every counter range in
 * it can be rewritten; undefined otherwise (native histograms, raw ratios, irate, subqueries …).
 * Availability SLIs need no rewrite: count_over_time/sum_over_time do not extrapolate.
 */
export function exactSli(sli: SliDef, seconds: number): CompiledSli | undefined {
  if (sli.kind === 'availability') return compileSli(sli);
  let events: SliDef | undefined;
  if (sli.kind === 'events') events = sli;
  else if (sli.kind === 'latency' && !sli.native) {
    // Same shape as the classic latency SLI in sli.ts, written with placeholders so it can be rewritten.
    const total = `sum(rate(${sli.metric}_count${sli.selector}[{{.window}}]))`;
    events = { kind: 'events', good: `sum(rate(${sli.metric}_bucket${addMatcher(sli.selector, `le="${num(sli.threshold)}"`)}[{{.window}}]))`, total };
  }
  if (!events || events.kind !== 'events') return undefined;
  const rw = (q: string | undefined) => (q === undefined ? undefined : exactCounterQuery(q, seconds));
  const total = rw(events.total);
  const errors = rw(events.errors);
  const good = rw(events.good);
  if (total === undefined || (events.errors !== undefined && errors === undefined) || (events.good !== undefined && good === undefined)) return undefined;
  // The rewritten queries no longer contain {{.window}}; compileSli substitutes nothing and composes the ratio.
  const c = compileSli({ kind: 'events', total, errors, good });
  return { errorRatio: () => c.errorRatio(''), events: { errors: () => c.events!.errors(''), total: () => c.events!.total('') } };
}
