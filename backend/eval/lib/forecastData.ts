// Series for the forecast eval, beside the synthetic corpus (corpus.ts):
//  - PetShop `noissue` (../shared/datasets/petshop/, read if present): every request (Sum) and latency
//    (Average) column of every scenario's normal-operation metrics, 5-minute steps; columns with more
//    than 10% missing or (almost) no variation are left out, isolated gaps linearly filled;
//  - the demo simulator (src/demo/simulator.ts, loaded if present) without faults: request rate and
//    mean latency per service at 5 minutes;
//  - synthetic hourly series with a daily AND a weekly season (weekday/weekend shapes), 10 weeks: the
//    case where a user's 24-step season hint must not hide the 168-step one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './rng.js';

export interface EvalSeries {
  set: string;
  id: string;
  /** Seconds per step. */
  step: number;
  ts: Float64Array;
  values: Float64Array;
  /**
   * For generated series only: the true distribution of values[origin + j] given the history up to
   * origin (Gaussian: mean and sd). No forecaster can have a lower expected interval score than its
   * quantiles (the score is proper), so the eval reports it as the floor.
   */
  truth?: (origin: number, h: number) => { mean: Float64Array; sd: Float64Array };
}

/** A truth for value = signal[i] + walk[i] + N(0, sigma), the walk with steps N(0, walkSd). */
export function gaussianTruth(signal: (i: number) => number, walk: Float64Array | null, sigma: number, walkSd: number): NonNullable<EvalSeries['truth']> {
  return (origin, h) => {
    const mean = new Float64Array(h);
    const sd = new Float64Array(h);
    for (let j = 0; j < h; j++) {
      mean[j] = signal(origin + j) + (walk ? walk[origin - 1]! : 0);
      sd[j] = Math.sqrt(sigma * sigma + (walk ? (j + 1) * walkSd * walkSd : 0));
    }
    return { mean, sd };
  };
}

const here = dirname(fileURLToPath(import.meta.url));
/** backend/eval/lib -> checkout root -> ../shared/datasets */
export const DATASETS = resolve(here, '../../../../shared/datasets');

function fillGaps(v: Float64Array): Float64Array {
  let last = -1;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) continue;
    if (last < 0) for (let j = 0; j < i; j++) v[j] = v[i]!;
    else for (let j = last + 1; j < i; j++) v[j] = v[last]! + ((v[i]! - v[last]!) * (j - last)) / (i - last);
    last = i;
  }
  for (let j = last + 1; j < v.length; j++) v[j] = v[last]!;
  return v;
}

/**
 * The PetShop noissue request/latency series. By default those with at most 10% missing (filled by lines);
 * `gappy`: instead those with 10-70% missing (sparse invocation latencies: no calls, no value), their
 * missing values left NaN, for the gap table.
 */
export function petshopSeries(o: { gappy?: boolean } = {}): { series: EvalSeries[]; note: string } {
  const root = join(DATASETS, 'petshop', 'dataset');
  if (!existsSync(root)) return { series: [], note: `PetShop data not found at ${root}: skipped` };
  const out: EvalSeries[] = [];
  let skipped = 0;
  for (const scenario of readdirSync(root).sort()) {
    const file = join(root, scenario, 'noissue', 'metrics.csv');
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
    const [h0, h1, h2] = [lines[0]!.split(','), lines[1]!.split(','), lines[2]!.split(',')];
    const rows = lines.slice(3).map((l) => l.split(',')).filter((r) => r[0] !== '' && Number.isFinite(Number(r[0])));
    const ts = Float64Array.from(rows, (r) => Number(r[0]));
    for (let c = 1; c < h0.length; c++) {
      const metric = h1[c];
      const stat = h2[c];
      if (!((metric === 'requests' && stat === 'Sum') || (metric === 'latency' && stat === 'Average'))) continue;
      const v = Float64Array.from(rows, (r) => (r[c] === undefined || r[c] === '' ? Number.NaN : Number(r[c])));
      let missing = 0;
      for (const x of v) if (!Number.isFinite(x)) missing++;
      if (o.gappy ? missing <= 0.1 * v.length || missing > 0.7 * v.length : missing > 0.1 * v.length) {
        skipped++;
        continue;
      }
      if (o.gappy) {
        out.push({ set: 'petshop-gappy', id: `${scenario}/${metric}/${c}`, step: 300, ts, values: v });
        continue;
      }
      fillGaps(v);
      // Nearly constant columns carry no forecasting signal (every method is exact on them).
      const distinct = new Set(v).size;
      if (distinct < 0.05 * v.length) {
        skipped++;
        continue;
      }
      out.push({ set: 'petshop', id: `${scenario}/${metric}/${c}`, step: 300, ts, values: v });
    }
  }
  const left = o.gappy ? 'at most 10% or over 70% missing' : '>10% missing or < 5% distinct values';
  return { series: out, note: `PetShop noissue: ${out.length} request/latency series (${skipped} columns left out: ${left})` };
}

type SimLike = {
  advance(toMs: number): void;
  metrics(): { name: string; samples: { name: string; labels: Record<string, string>; value: number }[] }[];
};

export async function demoSeries(days: number): Promise<{ series: EvalSeries[]; note: string }> {
  const path = '../../src/demo/simulator.js'; // optional module: loaded dynamically
  let createSimulator: (o: { seed: number; startMs?: number }) => SimLike;
  try {
    ({ createSimulator } = (await import(path)) as { createSimulator: typeof createSimulator });
  } catch (e) {
    return { series: [], note: `demo simulator not available (${(e as Error).message.split('\n')[0]}): skipped` };
  }
  const STEP_MS = 300_000;
  const start = Date.UTC(2026, 0, 5);
  const sim = createSimulator({ seed: 11, startMs: start });
  const n = (days * 86_400_000) / STEP_MS;
  const series = new Map<string, Float64Array>();
  const put = (key: string, i: number, v: number): void => {
    let a = series.get(key);
    if (!a) series.set(key, (a = new Float64Array(n).fill(Number.NaN)));
    a[i] = v;
  };
  let prev = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    sim.advance(start + (i + 1) * STEP_MS);
    const cur = new Map<string, number>();
    for (const fam of sim.metrics()) {
      for (const s of fam.samples) {
        const svc = s.labels.service;
        if (!svc) continue;
        if (s.name.endsWith('_requests_total')) cur.set(`req|${svc}`, (cur.get(`req|${svc}`) ?? 0) + s.value);
        else if (s.name.endsWith('_duration_seconds_sum')) cur.set(`sum|${svc}`, s.value);
        else if (s.name.endsWith('_duration_seconds_count')) cur.set(`cnt|${svc}`, s.value);
      }
    }
    for (const [key, v] of cur) {
      const [kind, svc] = key.split('|') as [string, string];
      if (kind !== 'req') continue;
      const dReq = v - (prev.get(key) ?? Number.NaN);
      if (dReq > 0) put(`rate/${svc}`, i, dReq / 300);
      const dCnt = (cur.get(`cnt|${svc}`) ?? 0) - (prev.get(`cnt|${svc}`) ?? 0);
      const dSum = (cur.get(`sum|${svc}`) ?? 0) - (prev.get(`sum|${svc}`) ?? 0);
      if (dCnt > 0) put(`latency/${svc}`, i, dSum / dCnt);
    }
    prev = cur;
  }
  const ts = Float64Array.from({ length: n }, (_, i) => (start + (i + 1) * STEP_MS) / 1000);
  const out: EvalSeries[] = [];
  for (const [id, v] of series) {
    let ok = 0;
    for (const x of v) if (Number.isFinite(x)) ok++;
    if (ok < 0.9 * n) continue;
    out.push({ set: 'demo', id, step: 300, ts, values: fillGaps(v) });
  }
  return { series: out, note: `demo simulator (seed 11, no faults): ${out.length} series (request rate and mean latency per service), ${days} days at 5 min` };
}

/** Hourly series with daily and weekly seasons (weekend days shaped differently), trend and noise. */
export function hourlyMultiSeason(count: number, weeks: number, seed: number): EvalSeries[] {
  const r = rng(seed);
  const n = weeks * 168;
  const out: EvalSeries[] = [];
  const t0 = Date.UTC(2026, 0, 5) / 1000; // a Monday
  for (let s = 0; s < count; s++) {
    const level = r.uniform(50, 500);
    const amp = r.uniform(0.2, 0.5) * level;
    const weekend = r.uniform(0.3, 0.8); // weekend amplitude factor
    const weekendShift = r.uniform(-0.3, 0.1) * level;
    const slope = (r.uniform(-0.05, 0.2) * level) / n;
    const sigma = r.uniform(0.03, 0.08) * level;
    const ph = r.uniform(0, 2 * Math.PI);
    const v = new Float64Array(n);
    const signal = (i: number): number => {
      const we = Math.floor(i / 24) % 7 >= 5;
      const day = Math.sin((2 * Math.PI * i) / 24 + ph) + 0.3 * Math.sin((4 * Math.PI * i) / 24);
      return level + slope * i + (we ? weekend : 1) * amp * day + (we ? weekendShift : 0);
    };
    for (let i = 0; i < n; i++) v[i] = signal(i) + sigma * r.gauss();
    out.push({ set: 'hourly-2season', id: `hourly-${s}`, step: 3600, ts: Float64Array.from({ length: n }, (_, i) => t0 + i * 3600), values: v, truth: gaussianTruth(signal, null, sigma, 0) });
  }
  return out;
}
