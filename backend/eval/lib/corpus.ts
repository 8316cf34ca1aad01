// Seeded synthetic corpora with ground truth, for `npm run eval`.
// Anomaly corpus: 5-minute series over 14 days: level + daily season (sometimes none, sometimes with a
// second harmonic and a weekend dip) + mild trend + noise (Gaussian or heavier-tailed), then labelled
// anomalies of one kind per series after the warm-up: spikes, level shifts, variance changes and slow
// drifts; plus clean series with no anomaly at all. Each label is a window in which a detection counts.
// Forecast corpus: 9 days (8 history + 1 test) of seasonal/trend/random-walk/damped shapes.
import { rng, type Rng } from './rng.js';

export const STEP = 300;
export const DAY_POINTS = 86_400 / STEP;
export type AnomalyKind = 'spike' | 'level_shift' | 'variance' | 'drift';
export const ANOMALY_KINDS: AnomalyKind[] = ['spike', 'level_shift', 'variance', 'drift'];

export interface LabelWindow {
  kind: AnomalyKind;
  /** Index of the first anomalous point. */
  start: number;
  /** Last index (inclusive) in which a detection still counts. */
  end: number;
}

export interface LabelledSeries {
  id: string;
  kind: AnomalyKind | 'clean';
  ts: Float64Array;
  values: Float64Array;
  windows: LabelWindow[];
}

interface Base {
  level: number;
  amp: number;
  sigma: number;
  heavy: boolean;
  slope: number;
  harmonic: number;
  weekend: number;
  phase: number;
}

function base(r: Rng): Base {
  const level = r.uniform(50, 500);
  const seasonal = r() < 0.8;
  return {
    level,
    amp: seasonal ? r.uniform(0.1, 0.4) * level : 0,
    sigma: r.uniform(0.02, 0.05) * level,
    heavy: r() < 0.3,
    slope: (r.uniform(-0.1, 0.2) * level) / (14 * DAY_POINTS),
    harmonic: seasonal && r() < 0.5 ? r.uniform(0.1, 0.4) : 0,
    weekend: seasonal && r() < 0.3 ? r.uniform(0.1, 0.3) : 0,
    phase: r.uniform(0, 2 * Math.PI),
  };
}

function baseValue(b: Base, i: number, t: number, r: Rng): number {
  const day = (2 * Math.PI * i) / DAY_POINTS + b.phase;
  const dow = Math.floor(t / 86_400 + 4) % 7; // 1970-01-01 was a Thursday
  const weekend = dow === 0 || dow === 6 ? 1 - b.weekend : 1;
  const season = b.amp * (Math.sin(day) + b.harmonic * Math.sin(2 * day + 1)) * weekend;
  // Heavier tails: Student-t-like by scaling with a random variance factor.
  const noise = b.heavy ? (r.gauss() * b.sigma) / Math.sqrt(Math.max(0.2, r.uniform(0.3, 1.7))) : r.gauss() * b.sigma;
  return b.level + b.slope * i + season + noise;
}

export function anomalyCorpus(o: { seed: number; perKind?: number; clean?: number; days?: number; warmup?: number; t0?: number }): LabelledSeries[] {
  const r = rng(o.seed);
  const perKind = o.perKind ?? 20;
  const n = (o.days ?? 14) * DAY_POINTS;
  const warm = o.warmup ?? 2 * DAY_POINTS;
  const t0 = o.t0 ?? 1_700_006_400; // a UTC midnight
  const out: LabelledSeries[] = [];
  const kinds: (AnomalyKind | 'clean')[] = [...ANOMALY_KINDS.flatMap((k) => new Array<AnomalyKind>(perKind).fill(k)), ...new Array<'clean'>(o.clean ?? perKind).fill('clean')];
  kinds.forEach((kind, s) => {
    const b = base(r);
    const ts = Float64Array.from({ length: n }, (_, i) => t0 + i * STEP);
    const values = Float64Array.from({ length: n }, (_, i) => baseValue(b, i, ts[i]!, r));
    const windows: LabelWindow[] = [];
    if (kind !== 'clean') {
      // 1-3 anomalies, at least 2 days apart, all after the warm-up plus a day of learning.
      const count = r.int(1, 3);
      let at = warm + DAY_POINTS + r.int(0, DAY_POINTS);
      for (let c = 0; c < count && at < n - DAY_POINTS; c++) {
        const sign = r() < 0.5 ? -1 : 1;
        if (kind === 'spike') {
          const len = r.int(1, 3);
          const mag = r.uniform(5, 10) * b.sigma * sign;
          for (let i = at; i < at + len; i++) values[i]! += mag;
          windows.push({ kind, start: at, end: at + len + 5 });
        } else if (kind === 'level_shift') {
          const mag = r.uniform(3, 6) * b.sigma * sign;
          const len = r.int(6, 24) * 12; // 6-24 hours, then back
          for (let i = at; i < Math.min(n, at + len); i++) values[i]! += mag;
          windows.push({ kind, start: at, end: at + 24 });
          if (at + len < n) windows.push({ kind, start: at + len, end: at + len + 24 });
          at += len;
        } else if (kind === 'variance') {
          const len = r.int(3, 12) * 12;
          const f = r.uniform(3, 5);
          for (let i = at; i < Math.min(n, at + len); i++) values[i]! += r.gauss() * b.sigma * f;
          windows.push({ kind, start: at, end: at + Math.min(len, 72) });
          at += len;
        } else {
          const len = r.int(6, 12) * 12; // ramp over 6-12 hours to 6-10 sigma, then held for a day
          const mag = r.uniform(6, 10) * b.sigma * sign;
          for (let i = at; i < Math.min(n, at + len + DAY_POINTS); i++) values[i]! += mag * Math.min(1, (i - at) / len);
          windows.push({ kind, start: at, end: at + len });
          at += len + DAY_POINTS;
        }
        at += 2 * DAY_POINTS + r.int(0, DAY_POINTS);
      }
    }
    out.push({ id: `${kind}-${s}`, kind, ts, values, windows });
  });
  return out;
}

export interface ForecastSeries {
  id: string;
  shape: string;
  ts: Float64Array;
  values: Float64Array;
  /** Points of history; the rest is the test horizon. */
  history: number;
  /** The noise-free part at i, the random walk's value at i (zero unless shape random_walk), the noise sd and the walk's step sd. */
  signal: (i: number) => number;
  walk: Float64Array;
  sigma: number;
  walkSd: number;
}

export function forecastCorpus(o: { seed: number; count?: number; t0?: number; historyDays?: number; testDays?: number }): ForecastSeries[] {
  const r = rng(o.seed);
  const count = o.count ?? 40;
  const hist = (o.historyDays ?? 8) * DAY_POINTS;
  const n = hist + (o.testDays ?? 1) * DAY_POINTS;
  const t0 = o.t0 ?? 1_700_006_400;
  const shapes = ['seasonal', 'seasonal_trend', 'trend', 'random_walk', 'seasonal_growing'];
  const out: ForecastSeries[] = [];
  for (let s = 0; s < count; s++) {
    const shape = shapes[s % shapes.length]!;
    const level = r.uniform(50, 500);
    const sigma = r.uniform(0.01, 0.05) * level;
    const amp = shape === 'trend' || shape === 'random_walk' ? 0 : r.uniform(0.1, 0.4) * level;
    const slope = shape.includes('trend') || shape === 'trend' || shape === 'seasonal_growing' ? (r.uniform(0.05, 0.3) * level) / n : 0;
    const phase = r.uniform(0, 2 * Math.PI);
    const ts = Float64Array.from({ length: n }, (_, i) => t0 + i * STEP);
    let walk = 0;
    const walks = new Float64Array(n);
    const signal = (i: number): number => level + slope * i + amp * (shape === 'seasonal_growing' ? 1 + (0.5 * i) / n : 1) * Math.sin((2 * Math.PI * i) / DAY_POINTS + phase);
    const values = Float64Array.from({ length: n }, (_, i) => {
      walk += shape === 'random_walk' ? r.gauss() * sigma * 0.3 : 0;
      walks[i] = walk;
      return signal(i) + walk + r.gauss() * sigma;
    });
    out.push({ id: `${shape}-${s}`, shape, ts, values, history: hist, signal, walk: walks, sigma, walkSd: shape === 'random_walk' ? sigma * 0.3 : 0 });
  }
  return out;
}
