// A synthetic corpus shaped like real metrics rather than like a model: quantised CPU %, zero-heavy
// error counts, flat gauges with one-quantum blips, square-wave batch jobs, traffic with daily and weekly
// rhythm, an hourly cron pattern on 1-minute data, heavy-tailed latency, a slowly growing gauge. One
// labelled anomaly per series (spike, level shift, slow drift, outage) or none (clean). Magnitudes are
// set from the clean series' own noise (sd of first differences / sqrt 2, or its quantum), so each kind
// is equally hard on every shape. An event's window runs from its start to its own length after its end
// (a permanent shift or drift counts one hour / its ramp as its length).
import type { LabelWindow } from './corpus.js';
import { rng, type Rng } from './rng.js';

export const REAL_SHAPES = ['cpu_quantised', 'errors_zero_heavy', 'flat_gauge', 'batch_square', 'traffic_daily_weekly', 'cron_hourly_1m', 'latency_heavy_1m', 'memory_growth'] as const;
export const REAL_KINDS = ['spike', 'level_shift', 'drift', 'outage', 'clean'] as const;
export type RealShape = (typeof REAL_SHAPES)[number];
export type RealKind = (typeof REAL_KINDS)[number];

export interface RealSeries {
  id: string;
  shape: RealShape;
  kind: RealKind;
  step: number;
  ts: Float64Array;
  values: Float64Array;
  windows: LabelWindow[];
  /** Index from which points are scored (two days of history before it). */
  scoredFrom: number;
}

const T0 = 1_700_006_400; // a UTC midnight (a Wednesday)

function poisson(r: Rng, lambda: number): number {
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * r.gauss()));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

function shapeSeries(shape: RealShape, r: Rng): { step: number; days: number; gen: (t: number, i: number) => number } {
  const dayPh = (t: number): number => ((t % 86_400) / 86_400) * 2 * Math.PI;
  const dow = (t: number): number => Math.floor(t / 86_400 + 4) % 7;
  switch (shape) {
    case 'cpu_quantised': {
      const lvl = r.uniform(15, 50);
      const amp = r.uniform(0.2, 0.5) * lvl;
      return { step: 300, days: 14, gen: (t) => Math.max(0, Math.round(lvl + amp * Math.sin(dayPh(t)) + r.gauss() * r.uniform(1, 3))) };
    }
    case 'errors_zero_heavy': {
      const rate = r.uniform(0.05, 0.6);
      return { step: 60, days: 5, gen: (t) => poisson(r, rate * (1 + 0.6 * Math.sin(dayPh(t)))) };
    }
    case 'flat_gauge': {
      const v = r.int(2, 12);
      return { step: 300, days: 14, gen: () => (r() < 0.004 ? v + (r() < 0.5 ? -1 : 1) : v) };
    }
    case 'batch_square': {
      const base = r.uniform(5, 20);
      const hi = base * r.uniform(3, 6);
      const period = r() < 0.5 ? 6 * 3600 : 86_400;
      const on = period === 86_400 ? 2 * 3600 : 3600;
      return { step: 300, days: 14, gen: (t) => ((t % period) < on ? hi : base) * (1 + 0.02 * r.gauss()) };
    }
    case 'traffic_daily_weekly': {
      const lvl = r.uniform(50, 2000);
      const wk = r.uniform(0.3, 0.6);
      return { step: 300, days: 21, gen: (t) => {
        const d = dow(t);
        const f = d === 0 || d === 6 ? 1 - wk : 1;
        return poisson(r, lvl * f * (1 + 0.5 * Math.sin(dayPh(t) - 1.5)));
      } };
    }
    case 'cron_hourly_1m': {
      const base = r.uniform(10, 40);
      const peak = base * r.uniform(1.5, 3);
      return { step: 60, days: 4, gen: (t) => Math.round(((t % 3600) < 300 ? peak : base) + r.gauss() * 0.05 * base) };
    }
    case 'latency_heavy_1m': {
      const med = r.uniform(0.02, 0.3);
      return { step: 60, days: 4, gen: (t) => med * Math.exp(0.25 * r.gauss() + (r() < 0.01 ? r.uniform(0.5, 1.2) : 0)) * (1 + 0.2 * Math.sin(dayPh(t))) };
    }
    case 'memory_growth': {
      const lvl = r.uniform(2e8, 8e9);
      const g = r.uniform(0.002, 0.01) * lvl; // per day
      return { step: 300, days: 14, gen: (t) => Math.round((lvl + (g * (t - T0)) / 86_400 + lvl * 0.003 * r.gauss()) / 4096) * 4096 };
    }
  }
}

function noiseScale(v: Float64Array): number {
  // sd of first differences / sqrt(2); for a series that is mostly flat, the smallest non-zero step.
  let s = 0;
  let s2 = 0;
  let c = 0;
  let q = Infinity;
  for (let i = 1; i < v.length; i++) {
    const d = v[i]! - v[i - 1]!;
    s += d;
    s2 += d * d;
    c++;
    if (d !== 0 && Math.abs(d) < q) q = Math.abs(d);
  }
  const sd = Math.sqrt(Math.max(0, s2 / c - (s / c) ** 2)) / Math.SQRT2;
  return Math.max(sd, Number.isFinite(q) ? q : 1);
}

export function realisticCorpus(o: { seed: number; perCell?: number }): RealSeries[] {
  const r = rng(o.seed);
  const out: RealSeries[] = [];
  for (const shape of REAL_SHAPES) {
    for (const kind of REAL_KINDS) {
      for (let k = 0; k < (o.perCell ?? 3); k++) {
        const sh = shapeSeries(shape, r);
        const n = Math.round((sh.days * 86_400) / sh.step);
        const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * sh.step);
        const values = Float64Array.from({ length: n }, (_, i) => sh.gen(ts[i]!, i));
        const scoredFrom = Math.round((2 * 86_400) / sh.step);
        const sigma = noiseScale(values);
        const hour = Math.round(3600 / sh.step);
        const windows: LabelWindow[] = [];
        // One anomaly, after a further day of scoring, leaving at least a day after it.
        const at = scoredFrom + Math.round(86_400 / sh.step) + r.int(0, n - scoredFrom - Math.round((2 * 86_400) / sh.step) - 1);
        const up = shape === 'errors_zero_heavy' || r() < 0.6;
        const sign = up ? 1 : -1;
        if (kind === 'spike') {
          const len = r.int(1, 3);
          const mag = r.uniform(6, 12) * sigma;
          for (let i = at; i < at + len; i++) values[i] = Math.max(0, values[i]! + sign * mag);
          windows.push({ kind: 'spike', start: at, end: at + 2 * len - 1 });
        } else if (kind === 'level_shift') {
          const mag = r.uniform(4, 8) * sigma;
          for (let i = at; i < n; i++) values[i] = Math.max(0, values[i]! + sign * mag);
          windows.push({ kind: 'level_shift', start: at, end: at + 2 * hour - 1 });
        } else if (kind === 'drift') {
          const len = Math.round((r.uniform(6, 18) * 3600) / sh.step);
          const mag = r.uniform(6, 10) * sigma;
          for (let i = at; i < n; i++) values[i] = Math.max(0, values[i]! + sign * mag * Math.min(1, (i - at) / len));
          windows.push({ kind: 'drift', start: at, end: Math.min(n - 1, at + 2 * len - 1) });
        } else if (kind === 'outage') {
          const len = Math.round((r.uniform(10, 60) * 60) / sh.step) || 1;
          // Zero-heavy series sit at 0 already: their outage is a stuck counter of the last value.
          const stuck = shape === 'errors_zero_heavy' ? Math.max(3, values[at - 1]!) * 4 : 0;
          for (let i = at; i < Math.min(n, at + len); i++) values[i] = stuck;
          windows.push({ kind: 'level_shift', start: at, end: Math.min(n - 1, at + 2 * len - 1) });
        }
        out.push({ id: `${shape}/${kind}/${k}`, shape, kind, step: sh.step, ts, values, windows, scoredFrom });
      }
    }
  }
  return out;
}
