// Scoring for the eval suites.
// Anomalies are scored as events: consecutive flagged points (gaps <= 3 points) form one alarm event.
// - recall: labelled windows containing at least one flagged point;
// - precision: alarm events that overlap a labelled window / all alarm events;
// - delay: first flag in a window minus the window start (minutes);
// - false alarms per series-week: alarm events overlapping no window, per week of scored points;
// - window score (NAB-like, standard profile): a detected window earns 2/(1+e^(5y)) - 1 where y runs
//   from -1 (window start) to 0 (window end) at the first flag, a missed window costs -1 and each false
//   alarm event -0.11; normalised to 100 = perfect, 0 = a detector that never alarms.
import type { LabelWindow } from './corpus.js';

export interface AnomalyTally {
  windows: number;
  detected: number;
  events: number;
  trueEvents: number;
  falseEvents: number;
  delaySum: number;
  scoredPoints: number;
  nabRaw: number;
  perfectRaw: number;
  /** Weeks of scored time (points x step), so series of different steps add up. */
  scoredWeeks: number;
}

export function emptyTally(): AnomalyTally {
  return { windows: 0, detected: 0, events: 0, trueEvents: 0, falseEvents: 0, delaySum: 0, scoredPoints: 0, nabRaw: 0, perfectRaw: 0, scoredWeeks: 0 };
}

const nabSigmoid = (y: number): number => 2 / (1 + Math.exp(5 * y)) - 1;

export function scoreFlags(flags: Uint8Array, windows: LabelWindow[], scoredFrom: number, stepMinutes: number, t: AnomalyTally = emptyTally()): AnomalyTally {
  const n = flags.length;
  t.scoredPoints += n - scoredFrom;
  t.scoredWeeks += ((n - scoredFrom) * stepMinutes) / (7 * 1440);
  const inWindow = new Uint8Array(n);
  for (const w of windows) for (let i = w.start; i <= Math.min(n - 1, w.end); i++) inWindow[i] = 1;
  // Alarm events.
  let i = scoredFrom;
  while (i < n) {
    if (!flags[i]) {
      i++;
      continue;
    }
    let j = i;
    let last = i;
    let hit = false;
    while (j < n && j - last <= 3) {
      if (flags[j]) {
        last = j;
        if (inWindow[j]) hit = true;
      }
      j++;
    }
    t.events++;
    if (hit) t.trueEvents++;
    else {
      t.falseEvents++;
      t.nabRaw -= 0.11;
    }
    i = last + 1;
  }
  for (const w of windows) {
    t.windows++;
    t.perfectRaw += nabSigmoid(-1);
    let first = -1;
    for (let k = w.start; k <= Math.min(n - 1, w.end); k++) {
      if (flags[k]) {
        first = k;
        break;
      }
    }
    if (first < 0) {
      t.nabRaw -= 1;
      continue;
    }
    t.detected++;
    t.delaySum += (first - w.start) * stepMinutes;
    const len = Math.max(1, w.end - w.start);
    t.nabRaw += nabSigmoid(-1 + (first - w.start) / len);
  }
  return t;
}

export function summarise(t: AnomalyTally, pointsPerWeek: number): { precision: number; recall: number; f1: number; delay: number; faPerWeek: number; nab: number } {
  const precision = t.events ? t.trueEvents / t.events : 1;
  const recall = t.windows ? t.detected / t.windows : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const delay = t.detected ? t.delaySum / t.detected : Number.NaN;
  const faPerWeek = t.scoredWeeks > 0 ? t.falseEvents / t.scoredWeeks : t.scoredPoints ? t.falseEvents / (t.scoredPoints / pointsPerWeek) : 0;
  const nullRaw = -t.windows;
  const nab = t.perfectRaw - nullRaw !== 0 ? (100 * (t.nabRaw - nullRaw)) / (t.perfectRaw - nullRaw) : 0;
  return { precision, recall, f1, delay, faPerWeek, nab };
}

/** Symmetric MAPE in percent (0/0 counts as 0). */
export function smape(actual: ArrayLike<number>, fc: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]!) + Math.abs(fc[i]!);
    s += d > 0 ? (200 * Math.abs(actual[i]! - fc[i]!)) / d : 0;
  }
  return s / actual.length;
}

/** MASE: forecast MAE over the in-sample MAE of the seasonal-naive (period m) one-step forecast. */
export function mase(actual: ArrayLike<number>, fc: ArrayLike<number>, history: ArrayLike<number>, m: number): number {
  let e = 0;
  for (let i = 0; i < actual.length; i++) e += Math.abs(actual[i]! - fc[i]!);
  e /= actual.length;
  let d = 0;
  let c = 0;
  for (let i = m; i < history.length; i++) {
    d += Math.abs(history[i]! - history[i - m]!);
    c++;
  }
  d = c ? d / c : 0;
  return d > 0 ? e / d : Number.NaN;
}

export function table(head: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number): string => (typeof v === 'number' ? (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3)) : 'n/a') : v);
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n') + '\n';
}
