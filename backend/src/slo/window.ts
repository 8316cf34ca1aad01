// Window parsing: Prometheus durations ("5m", "30d", "4w", "1h30m") and SLO windows (whole days or calendar).
import type { SloWindow } from './model.js';

const UNIT_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Seconds in a Prometheus duration, or undefined if the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * UNIT_S[m[2]!]!;
  return total > 0 ? total : undefined;
}

/** A rolling SLO window: a whole number of days between 1 and 365 (e.g. "7d", "28d", "30d", "4w"). */
export function parseRollingWindow(text: string): SloWindow | string {
  const s = parseDuration(text);
  if (s === undefined) return `'${text}' is not a Prometheus duration (e.g. 30d, 28d, 7d)`;
  if (s % 86400 !== 0) return `'${text}' is not a whole number of days`;
  const days = s / 86400;
  if (days < 1 || days > 365) return `'${text}' must be between 1d and 365d`;
  return { kind: 'rolling', text: `${days}d`, days };
}

/** Calendar windows: rules use the nominal length for burn factors; budgets align to the calendar. */
export function calendarWindow(unit: 'month' | 'quarter'): SloWindow {
  return unit === 'month' ? { kind: 'calendar', unit, text: '30d', days: 30 } : { kind: 'calendar', unit, text: '90d', days: 90 };
}

/** Start of the calendar period containing `at` (UTC). */
export function calendarStart(unit: 'month' | 'quarter', at: Date): Date {
  const month = unit === 'month' ? at.getUTCMonth() : Math.floor(at.getUTCMonth() / 3) * 3;
  return new Date(Date.UTC(at.getUTCFullYear(), month, 1));
}

/** Start of the next calendar period after the one containing `at` (UTC). */
export function calendarEnd(unit: 'month' | 'quarter', at: Date): Date {
  const start = calendarStart(unit, at);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + (unit === 'month' ? 1 : 3), 1));
}
