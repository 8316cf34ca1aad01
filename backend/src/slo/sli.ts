// Compiles an SLI definition into PromQL per window: a NaN-free error ratio, and (when the SLI has counts)
// per-second error and total event rates so long windows can be computed from summed counts.
import type { SliDef } from './model.js';
import { addMatcher, num, substituteWindow } from './promql.js';
import { parseDuration } from './window.js';

export interface CompiledSli {
  /** Error ratio over `window`; 0 (not NaN, not absent) when there was no traffic. */
  errorRatio(window: string): string;
  /** Per-second error/total event rates; absent for raw error-ratio SLIs (they have no counts). */
  events?: { errors(window: string): string; total(window: string): string };
}

/**
 * Why `(errors) / (total > 0) or on() vector(0)`: with zero traffic errors/total is 0/0 = NaN, and one NaN
 * sample poisons every sum_over_time/avg_over_time over the SLO window (the budget would read NaN for 30 days).
 * `total > 0` drops the no-traffic sample instead, and `or on() vector(0)` records "no errors" so the series stays
 * continuous. Raw ratios get `(ratio) >= 0` for the same purpose: NaN compares false and is dropped.
 */
function safeRatio(errors: string, total: string): string {
  return `(${errors}) / ((${total}) > 0) or on() vector(0)`;
}

export function compileSli(sli: SliDef): CompiledSli {
  switch (sli.kind) {
    case 'events': {
      const total = (w: string) => substituteWindow(sli.total, w);
      const errors = sli.errors
        ? (w: string) => substituteWindow(sli.errors!, w)
        : (w: string) => `(${total(w)}) - (${substituteWindow(sli.good!, w)})`;
      return { errorRatio: (w) => safeRatio(errors(w), total(w)), events: { errors, total } };
    }
    case 'latency': {
      if (sli.native) {
        // Native histogram: one series holds all buckets; histogram_fraction gives the share under the threshold.
        const h = (w: string) => `sum(rate(${sli.metric}${sli.selector}[${w}]))`;
        const total = (w: string) => `histogram_count(${h(w)})`;
        const errors = (w: string) => `histogram_count(${h(w)}) * (1 - histogram_fraction(0, ${num(sli.threshold)}, ${h(w)}))`;
        return { errorRatio: (w) => safeRatio(errors(w), total(w)), events: { errors, total } };
      }
      // Classic histogram: requests slower than the threshold = all requests - those in the `le` bucket.
      const total = (w: string) => `sum(rate(${sli.metric}_count${sli.selector}[${w}]))`;
      const good = (w: string) => `sum(rate(${sli.metric}_bucket${addMatcher(sli.selector, `le="${num(sli.threshold)}"`)}[${w}]))`;
      const errors = (w: string) => `${total(w)} - ${good(w)}`;
      return { errorRatio: (w) => safeRatio(errors(w), total(w)), events: { errors, total } };
    }
    case 'availability': {
      // Each sample of the 0/1 gauge is one event; a 0 sample is an error. Divided by the window's seconds so the
      // "events" are per-second rates like the counter-based kinds (units cancel in every ratio).
      const perSecond = (w: string) => num(parseDuration(w) ?? 1);
      const total = (w: string) => `sum(count_over_time(${sli.metric}${sli.selector}[${w}])) / ${perSecond(w)}`;
      const errors = (w: string) =>
        `(sum(count_over_time(${sli.metric}${sli.selector}[${w}])) - sum(sum_over_time(${sli.metric}${sli.selector}[${w}]))) / ${perSecond(w)}`;
      return { errorRatio: (w) => safeRatio(errors(w), total(w)), events: { errors, total } };
    }
    case 'raw':
      return { errorRatio: (w) => `((${substituteWindow(sli.errorRatio, w)}) >= 0) or on() vector(0)` };
  }
}

/**
 * The query whose emptiness means "this SLI has no data" (no series at all: zero traffic ever, or a wrong metric
 * name): the total events over 5m, or the raw ratio itself. Error ratios read 0 then, so without this check the
 * SLO would look perfect. Used by the no-data alert and the status API.
 */
export function noDataQuery(sli: SliDef, window = '5m'): string {
  const c = compileSli(sli);
  return c.events ? c.events.total(window) : substituteWindow(sli.kind === 'raw' ? sli.errorRatio : '', window);
}

/** The queries a user wrote (for validation), with the field each came from. */
export function userQueries(sli: SliDef): { field: string; query: string }[] {
  switch (sli.kind) {
    case 'events':
      return [
        ...(sli.errors !== undefined ? [{ field: 'sli.errors', query: sli.errors }] : []),
        ...(sli.good !== undefined ? [{ field: 'sli.good', query: sli.good }] : []),
        { field: 'sli.total', query: sli.total },
      ];
    case 'raw':
      return [{ field: 'sli.errorRatio', query: sli.errorRatio }];
    default:
      return [];
  }
}
