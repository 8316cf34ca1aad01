// Forecast accuracy, rolling origin, on four sets: the synthetic shapes (corpus.ts), hourly synthetic
// series with a daily and a weekly season, the demo simulator, and REAL PetShop `noissue` request and
// latency series (../shared/datasets). Horizons 1 h, 1 d and 1 w wherever the history allows (1 d + 2 h of
// history for 1 h, 1 d + 1 h for 1 d, 2 weeks for 1 w). Methods side by side: Foresight (automatic, and with the
// user's `--season` of one day as a hint), the previous Foresight (frozen copy in lib/forecast-v0),
// seasonal naive (1 day, 1 week), augurs MSTL+ETS (Grafana's library, if installed), and Prometheus'
// predict_linear and holt_winters EVALUATED BY A REAL PROMETHEUS on the same data (promtool backfill).
// On the generated sets the true distribution is known: its row is the floor no method can beat.
// Metrics: sMAPE (%), MASE (scaled by the in-sample seasonal-naive MAE, m = 1 day; m = 1 when the history
// is shorter than 1 d + 2 h), OWA = mean of the sMAPE and MASE ratios to seasonal naive (1 d), pooled
// 80/95% interval coverage and MSIS (95%, same scale as MASE). Baselines whose code is frozen or pinned
// (previous, augurs, Prometheus) are cached on disk by code + data hash (lib/baselineCache.ts).
// Then two tables on histories with holes (lib/gapEval.ts): blocks of hours removed from the sets above,
// and PetShop's own sparse series, each against the line-filled grid as it was forecast before.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { forecast } from '../src/models/forecast/forecast.js';
import { forecast as forecastV0 } from './lib/forecast-v0/forecast.js';
import { forecastCorpus } from './lib/corpus.js';
import { demoSeries, gaussianTruth, hourlyMultiSeason, petshopSeries, type EvalSeries } from './lib/forecastData.js';
import { table } from './lib/metrics.js';
import { gapTable, realGapTable } from './lib/gapEval.js';
import { withBackfilledPrometheus, type QueryFn } from './lib/prometheus.js';
import { hashDir, hashOf, readCache, writeCache, type CachedFc } from './lib/baselineCache.js';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Fc {
  mean: ArrayLike<number>;
  lo80?: ArrayLike<number>;
  hi80?: ArrayLike<number>;
  lo95?: ArrayLike<number>;
  hi95?: ArrayLike<number>;
}
type Local = (hist: Float64Array, h: number, s: EvalSeries, t: Task) => Fc | null;

interface Task {
  s: EvalSeries;
  /** Index of the series in its set (augurs runs on a sample: it takes 0.1-2 s a fit). */
  idx: number;
  origin: number; // history length
  h: number;
  hz: string;
}

const AUG = 'augurs MSTL+ETS';
// The true distribution of a generated series (its random walk's current value known, which only helps):
// exact Gaussian quantiles around the true mean. The interval score is proper, so no forecaster's expected
// MSIS is lower: the floor of what any method can reach on that set.
const FLOOR = 'floor: true distribution';
const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;
const PROM_METHODS = ['predict_linear[6h]', 'predict_linear[1d]', 'holt_winters[1d] (0.3,0.1)'];
const HORIZONS: { hz: string; sec: number; stride: number; max: number; minHist: number }[] = [
  { hz: '1h', sec: 3600, stride: 6 * 3600, max: 6, minHist: 86_400 + 7200 },
  { hz: '1d', sec: 86_400, stride: 86_400, max: 2, minHist: 86_400 + 3600 },
  { hz: '1w', sec: 604_800, stride: 604_800, max: 2, minHist: 2 * 604_800 },
];

const snaive = (period: number) => (hist: Float64Array, h: number): Fc | null => {
  if (hist.length < period) return null;
  return { mean: Float64Array.from({ length: h }, (_, i) => hist[hist.length - period + (i % period)]!) };
};

type AugursMstl = { fit(y: Float64Array): void; predict(h: number, level?: number): { point: number[]; intervals?: { lower: number[]; upper: number[] } } };
async function loadAugurs(): Promise<{ make: ((periods: number[]) => AugursMstl) | null; note: string }> {
  try {
    const req = createRequire(import.meta.url);
    const dir = req.resolve('@bsull/augurs').replace(/core\.js$/, '');
    const core = (await import('@bsull/augurs')) as unknown as { initSync(o: { module: Buffer }): void };
    const mstl = (await import('@bsull/augurs/mstl')) as unknown as { initSync(o: { module: Buffer }): void; MSTL: { ets(p: number[]): AugursMstl } };
    core.initSync({ module: readFileSync(`${dir}core_bg.wasm`) });
    mstl.initSync({ module: readFileSync(`${dir}mstl_bg.wasm`) });
    const version = (JSON.parse(readFileSync(`${dir}package.json`, 'utf8')) as { version: string }).version;
    return { make: (p) => mstl.MSTL.ets(p), note: `augurs ${version} MSTL+ETS (periods: 1 d when 2 d of history, + 1 w when 2 w)` };
  } catch (e) {
    return { make: null, note: `augurs not available (${(e as Error).message.split('\n')[0]})` };
  }
}

function scaleOf(hist: Float64Array, s: EvalSeries): number {
  const day = Math.round(86_400 / s.step);
  const m = hist.length >= day + Math.round(7200 / s.step) ? day : 1;
  let d = 0;
  let c = 0;
  for (let i = m; i < hist.length; i++) {
    d += Math.abs(hist[i]! - hist[i - m]!);
    c++;
  }
  return c ? d / c : 0;
}

interface Score {
  smape: number;
  mase: number;
  in80: number;
  in95: number;
  pts: number;
  msis: number;
  withPi: boolean;
}

function score(t: Task, fc: Fc): Score | null {
  const hist = t.s.values.subarray(0, t.origin);
  const act = t.s.values.subarray(t.origin, t.origin + t.h);
  const scale = scaleOf(hist, t.s);
  let sm = 0;
  let ae = 0;
  let in80 = 0;
  let in95 = 0;
  let is = 0;
  for (let i = 0; i < t.h; i++) {
    const y = act[i]!;
    const f = fc.mean[i]!;
    if (!Number.isFinite(f)) return null;
    const d = Math.abs(y) + Math.abs(f);
    sm += d > 0 ? (200 * Math.abs(y - f)) / d : 0;
    ae += Math.abs(y - f);
    if (fc.lo95 && fc.hi95 && fc.lo80 && fc.hi80) {
      const lo = fc.lo95[i]!;
      const hi = fc.hi95[i]!;
      if (y >= fc.lo80[i]! && y <= fc.hi80[i]!) in80++;
      if (y >= lo && y <= hi) in95++;
      is += hi - lo + (y < lo ? (2 / 0.05) * (lo - y) : 0) + (y > hi ? (2 / 0.05) * (y - hi) : 0);
    }
  }
  const withPi = !!(fc.lo95 && fc.hi95 && fc.lo80 && fc.hi80);
  return { smape: sm / t.h, mase: scale > 0 ? ae / t.h / scale : Number.NaN, in80, in95, pts: t.h, msis: withPi && scale > 0 ? is / t.h / scale : Number.NaN, withPi };
}

function tasksFor(s: EvalSeries, idx: number): Task[] {
  const out: Task[] = [];
  const n = s.values.length;
  for (const hz of HORIZONS) {
    const h = Math.round(hz.sec / s.step);
    const stride = Math.round(hz.stride / s.step);
    const minHist = Math.round(hz.minHist / s.step);
    for (let k = 0, o = n - h; k < hz.max && o >= minHist; k++, o -= stride) out.push({ s, idx, origin: o, h, hz: hz.hz });
  }
  return out;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function promForecasts(sets: Map<string, EvalSeries[]>, tasks: Task[], tEnd: number): Promise<Map<Task, Map<string, Fc>>> {
  const out = new Map<Task, Map<string, Fc>>();
  const metric = (set: string): string => `fc_${set.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  // Every series is shifted to end at tEnd (PromQL functions are unchanged by a shift in time): the
  // series of a set then share their origin times, so one query answers a whole set, and the backfill
  // spans days instead of the months between the data sets' recordings (promtool's time grows with it).
  const shift = new Map<EvalSeries, number>();
  for (const ss of sets.values()) for (const s of ss) shift.set(s, tEnd - s.ts[s.ts.length - 1]!);
  const at = (t: Task): number => t.s.ts[t.origin - 1]! + shift.get(t.s)!;
  // Only the part the queries read ([1d] before the earliest origin .. the last origin) is backfilled.
  const first = new Map<string, number>();
  for (const t of tasks) first.set(t.s.set, Math.min(first.get(t.s.set) ?? Infinity, at(t) - 93_600));
  const backfill = [...sets].flatMap(([set, ss]) => ss.map((s) => {
    const d = shift.get(s)!;
    const keep = Array.from(s.ts, (_, i) => i).filter((i) => s.ts[i]! + d >= first.get(set)!);
    return { name: metric(set), labels: { id: s.id }, ts: Float64Array.from(keep, (i) => s.ts[i]! + d), values: Float64Array.from(keep, (i) => s.values[i]!) };
  }));
  await withBackfilledPrometheus(backfill, async (query: QueryFn) => {
    // Group tasks sharing a set, an origin time and a horizon: one query answers all their series.
    const groups = new Map<string, Task[]>();
    for (const t of tasks) {
      const key = `${t.s.set}|${at(t)}|${t.h}`;
      groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    for (const ts of groups.values()) {
      const { s, h } = ts[0]!;
      const time = at(ts[0]!);
      const m = metric(s.set);
      const byId = new Map(ts.map((t) => [t.s.id, t]));
      const put = (id: string | undefined, name: string, fc: Fc): void => {
        const t = id ? byId.get(id) : undefined;
        if (!t) return;
        if (!out.has(t)) out.set(t, new Map());
        out.get(t)!.set(name, fc);
      };
      for (const w of ['6h', '1d']) {
        const a0 = await query(`predict_linear(${m}[${w}], 0)`, time);
        const a1 = new Map((await query(`predict_linear(${m}[${w}], ${h * s.step})`, time)).map((r) => [r.labels.id, r.value]));
        for (const r of a0) {
          const b = a1.get(r.labels.id);
          if (b === undefined) continue;
          put(r.labels.id, `predict_linear[${w}]`, { mean: Float64Array.from({ length: h }, (_, i) => r.value + ((b - r.value) * (i + 1)) / h) });
        }
      }
      // holt_winters returns the smoothed value at the evaluation time (no horizon): a flat forecast.
      for (const r of await query(`holt_winters(${m}[1d], 0.3, 0.1)`, time)) put(r.labels.id, 'holt_winters[1d] (0.3,0.1)', { mean: new Float64Array(h).fill(r.value) });
    }
  });
  return out;
}

/** The demo simulator's series (seconds of simulation), cached by the hash of its source (src/demo). */
async function cachedDemoSeries(days: number): Promise<{ series: EvalSeries[]; note: string }> {
  const here = dirname(fileURLToPath(import.meta.url));
  let key = '';
  try {
    key = hashOf(['forecast-eval-demo-v1', String(days), hashDir(join(here, '../src/demo'))]);
  } catch {
    return demoSeries(days); // no simulator source: demoSeries says so
  }
  type Stored = { id: string; step: number; ts: number[]; values: number[]; note: string };
  const hit = readCache<Stored>(key);
  if (hit?.size) {
    const series = [...hit.values()].map((v) => ({ set: 'demo', id: v.id, step: v.step, ts: Float64Array.from(v.ts), values: Float64Array.from(v.values) }));
    return { series, note: `${[...hit.values()][0]!.note} (read from the eval cache)` };
  }
  const d = await demoSeries(days);
  if (d.series.length) writeCache<Stored>(key, new Map(d.series.map((s) => [s.id, { id: s.id, step: s.step, ts: Array.from(s.ts), values: Array.from(s.values), note: d.note }])));
  return d;
}

export default async function forecastEval(): Promise<void> {
  const started = Date.now();
  const tData = Date.now();
  const w = (s: string): void => void process.stdout.write(s);
  const tEnd = Math.floor(Date.now() / 1000 / 86_400) * 86_400 - 86_400;
  const synthetic: EvalSeries[] = forecastCorpus({ seed: 42, count: 40, t0: 1_700_006_400 }).map((s) => ({
    set: 'synthetic', id: s.id, step: 300, ts: s.ts, values: s.values, truth: gaussianTruth(s.signal, s.walkSd ? s.walk : null, s.sigma, s.walkSd),
  }));
  const pet = petshopSeries();
  const demo = await cachedDemoSeries(9);
  const hourly = hourlyMultiSeason(24, 10, 7);
  const all = [...synthetic, ...hourly, ...demo.series, ...pet.series];
  const dataWall = Date.now() - tData;
  const sets = new Map<string, EvalSeries[]>();
  for (const s of all) sets.set(s.set, [...(sets.get(s.set) ?? []), s]);
  // FORESIGHT_EVAL_QUICK=1: our models and the naive ones only (no Prometheus, no augurs), for iterating.
  const quick = process.env.FORESIGHT_EVAL_QUICK === '1';
  const aug = quick ? { make: null, note: 'augurs skipped (quick run)' } : await loadAugurs();
  w(`Sets: synthetic shapes (${synthetic.length} series, 5 min, 9 days); hourly-2season (${hourly.length} series, hourly, 10 weeks, daily + weekly season); ${demo.note}; ${pet.note}.\n`);
  w(`Rolling origins: 1 h every 6 h (up to 6), 1 d every day (up to 2), 1 w every week (up to 2) from the end, where the history allows. ${aug.note}.\n`);

  const index = new Map<EvalSeries, number>();
  for (const ss of sets.values()) ss.forEach((s, i) => index.set(s, i));
  const tasks = all.flatMap((s) => tasksFor(s, index.get(s)!));
  // augurs (WASM) takes 0.1-2 s per fit here: it runs on the last origin of every 4th series of each set,
  // and is compared with the others on exactly those forecasts (set AUGURS-SAMPLE).
  const augursTask = (t: Task): boolean => t.idx % 4 === 0 && t.origin === t.s.values.length - t.h;
  const locals: [string, Local][] = [
    ['foresight', (hist, h, s) => forecast(hist, { horizon: h, stepSeconds: s.step })],
    ['foresight --season 1d', (hist, h, s) => forecast(hist, { horizon: h, stepSeconds: s.step, season: Math.round(86_400 / s.step) })],
    ['previous', (hist, h, s) => forecastV0(hist, { horizon: h, stepSeconds: s.step })],
    ['previous --season 1d', (hist, h, s) => forecastV0(hist, { horizon: h, stepSeconds: s.step, season: Math.round(86_400 / s.step) })],
    ['snaive 1d', (hist, h, s) => snaive(Math.round(86_400 / s.step))(hist, h)],
    ['snaive 1w', (hist, h, s) => snaive(Math.round(604_800 / s.step))(hist, h)],
    [FLOOR, (hist, h, s) => {
      if (!s.truth) return null;
      const { mean, sd } = s.truth(hist.length, h);
      const band = (z: number): Float64Array => Float64Array.from(mean, (m, j) => m + z * sd[j]!);
      return { mean, lo80: band(-Z80), hi80: band(Z80), lo95: band(-Z95), hi95: band(Z95) };
    }],
  ];
  if (aug.make) {
    const make = aug.make;
    locals.push(['augurs MSTL+ETS', (hist, h, s, t) => {
      if (!augursTask(t)) return null;
      const day = Math.round(86_400 / s.step);
      const periods = [day, 7 * day].filter((p) => hist.length >= 2 * p);
      const m = make(periods);
      m.fit(hist);
      const p95 = m.predict(h, 0.95);
      const p80 = m.predict(h, 0.8);
      return { mean: p95.point, lo95: p95.intervals?.lower, hi95: p95.intervals?.upper, lo80: p80.intervals?.lower, hi80: p80.intervals?.upper };
    }]);
  }
  // Prometheus (promtool backfill, a server, queries) runs in other processes: it is started first and
  // overlaps with our own forecasts below, which yield to the event loop between tasks so its
  // orchestration keeps going. Hourly synthetic series are left out there: their 10 weeks would make
  // the backfill slow, and predict_linear[6h] over 6 hourly points says little.
  const promSets = new Map([...sets].filter(([k]) => k !== 'hourly-2season'));
  // Baselines that only change with their code or the data are cached on disk (lib/baselineCache.ts):
  // the frozen previous version, augurs (pinned) and Prometheus. Keys: method, code identity, data.
  const here = dirname(fileURLToPath(import.meta.url));
  const dataHash = hashOf(all.flatMap((s) => [s.set, s.id, String(s.step), s.ts, s.values]));
  const taskKey = (t: Task): string => `${t.s.set}|${t.s.id}|${t.origin}|${t.h}`;
  const v0Code = hashOf([hashDir(join(here, 'lib/forecast-v0')), readFileSync(join(here, '../src/models/series/stats.ts'), 'utf8')]);
  const codeOf = new Map<string, string>([['previous', v0Code], ['previous --season 1d', v0Code]]);
  if (aug.make) codeOf.set(AUG, `${aug.note}|${augursTask.toString()}`);
  const cacheKeyOf = (name: string): string => hashOf(['forecast-eval-v1', name, codeOf.get(name)!, dataHash]);
  const cached = new Map<string, Map<string, CachedFc>>();
  for (const name of codeOf.keys()) {
    const c = readCache(cacheKeyOf(name));
    if (c) cached.set(name, c);
  }
  let promVersion = '';
  try {
    promVersion = execFileSync('prometheus', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  } catch {
    /* not installed: promForecasts reports it */
  }
  const promKey = hashOf(['forecast-eval-v1', 'prometheus', promVersion, promForecasts.toString(), readFileSync(join(here, 'lib/prometheus.ts'), 'utf8'), dataHash]);
  const promCached = quick || !promVersion ? null : readCache(promKey);
  const tProm = Date.now();
  let promWall = 0;
  const promRun: Promise<Map<Task, Map<string, Fc>> | Error> = quick
    ? Promise.resolve(new Error('skipped (quick run)'))
    : promCached
      ? Promise.resolve(new Map(tasks.filter((t) => promSets.has(t.s.set)).map((t) => {
        const m = new Map<string, Fc>();
        for (const meth of PROM_METHODS) {
          const fc = promCached.get(`${taskKey(t)}|${meth}`);
          if (fc) m.set(meth, fc);
        }
        return [t, m];
      })))
      : promForecasts(promSets, tasks.filter((t) => promSets.has(t.s.set)), tEnd).then(
        (m) => {
          promWall = Date.now() - tProm;
          const entries = new Map<string, CachedFc>();
          for (const [t, fcs] of m) for (const [meth, fc] of fcs) entries.set(`${taskKey(t)}|${meth}`, { mean: Array.from(fc.mean) });
          writeCache(promKey, entries);
          return m;
        },
        (e: unknown) => ((promWall = Date.now() - tProm), e instanceof Error ? e : new Error(String(e))),
      );
  const tLocal = Date.now();
  const results = new Map<Task, Map<string, Fc>>();
  const cpu = new Map<string, number>();
  let done = 0;
  for (const t of tasks) {
    const hist = t.s.values.subarray(0, t.origin);
    const m = new Map<string, Fc>();
    for (const [name, f] of locals) {
      const hit = cached.get(name);
      if (hit) {
        const fc = hit.get(taskKey(t));
        if (fc) m.set(name, fc);
        continue;
      }
      const c0 = cpuMs();
      let fc: Fc | null = null;
      try {
        fc = f(hist, t.h, t.s, t);
      } catch {
        fc = null;
      }
      cpu.set(name, (cpu.get(name) ?? 0) + cpuMs() - c0);
      if (fc) m.set(name, fc);
    }
    results.set(t, m);
    if (++done % 8 === 0) await new Promise((r) => setImmediate(r));
  }
  const localWall = Date.now() - tLocal;
  for (const name of codeOf.keys()) {
    if (cached.has(name)) continue;
    const entries = new Map<string, CachedFc>();
    const arr = (a: ArrayLike<number> | undefined): number[] | undefined => (a ? Array.from(a) : undefined);
    for (const t of tasks) {
      const fc = results.get(t)!.get(name);
      if (fc) entries.set(taskKey(t), { mean: Array.from(fc.mean), lo80: arr(fc.lo80), hi80: arr(fc.hi80), lo95: arr(fc.lo95), hi95: arr(fc.hi95) });
    }
    writeCache(cacheKeyOf(name), entries);
  }
  let promNote = `Prometheus baselines evaluated by ${promVersion || 'prometheus'} on promtool-backfilled blocks${promCached ? ' (answers read from the eval cache: same prometheus, query code and data)' : ''}`;
  const prom = await promRun;
  if (prom instanceof Error) promNote = `**Prometheus baselines could not run: ${prom.message.split('\n')[0]}**`;
  else for (const [t, m] of prom) for (const [k, v] of m) results.get(t)!.set(k, v);
  w(`${promNote}.\n`);
  const methods = [...locals.map(([n]) => n), ...PROM_METHODS];

  interface Agg { sm: number; ma: number; nMa: number; n: number; in80: number; in95: number; pts: number; msis: number; nMsis: number }
  const aggs = new Map<string, Agg>(); // `${set}|${hz}|${method}`
  const get = (k: string): Agg => {
    let a = aggs.get(k);
    if (!a) aggs.set(k, (a = { sm: 0, ma: 0, nMa: 0, n: 0, in80: 0, in95: 0, pts: 0, msis: 0, nMsis: 0 }));
    return a;
  };
  for (const t of tasks) {
    const m = results.get(t)!;
    // A task counts for every method only where the reference (seasonal naive, 1 d) exists.
    if (!m.has('snaive 1d')) continue;
    for (const meth of methods) {
      const fc = m.get(meth);
      if (!fc) continue;
      const sc = score(t, fc);
      if (!sc) continue;
      // The floor exists for the generated sets only: it is shown per set, never pooled.
      const keys = meth === AUG ? [] : meth === FLOOR ? [`${t.s.set}|${t.hz}|${meth}`] : [`${t.s.set}|${t.hz}|${meth}`, `ALL|${t.hz}|${meth}`];
      if (m.has(AUG) && meth !== FLOOR) keys.push(`AUGURS-SAMPLE|${t.hz}|${meth}`);
      for (const key of keys) {
        const a = get(key);
        a.sm += sc.smape;
        a.n++;
        if (Number.isFinite(sc.mase)) {
          a.ma += sc.mase;
          a.nMa++;
        }
        if (sc.withPi) {
          a.in80 += sc.in80;
          a.in95 += sc.in95;
          a.pts += sc.pts;
          if (Number.isFinite(sc.msis)) {
            a.msis += sc.msis;
            a.nMsis++;
          }
        }
      }
    }
  }
  const val = (a: Agg | undefined): { sm: number; ma: number; c80: number; c95: number; msis: number; n: number } =>
    a ? { sm: a.sm / a.n, ma: a.nMa ? a.ma / a.nMa : Number.NaN, c80: a.pts ? (100 * a.in80) / a.pts : Number.NaN, c95: a.pts ? (100 * a.in95) / a.pts : Number.NaN, msis: a.nMsis ? a.msis / a.nMsis : Number.NaN, n: a.n } : { sm: Number.NaN, ma: Number.NaN, c80: Number.NaN, c95: Number.NaN, msis: Number.NaN, n: 0 };
  const setNames = [...sets.keys(), 'ALL', 'AUGURS-SAMPLE'];
  for (const set of setNames) {
    for (const { hz } of HORIZONS) {
      const ref = val(aggs.get(`${set}|${hz}|snaive 1d`));
      if (!ref.n) continue;
      w(`\n### ${set}, horizon ${hz} (${ref.n} forecasts)\n\n`);
      const rows = methods.filter((meth) => (meth !== AUG || set === 'AUGURS-SAMPLE') && (meth !== FLOOR || aggs.has(`${set}|${hz}|${meth}`))).map((meth) => {
        const v = val(aggs.get(`${set}|${hz}|${meth}`));
        const owa = 0.5 * (v.sm / ref.sm + v.ma / ref.ma);
        return [meth, v.sm, v.ma, owa, v.c80, v.c95, v.msis, String(v.n)];
      });
      w(table(['method', 'sMAPE (%)', 'MASE', 'OWA vs snaive 1d', '80% cov (%)', '95% cov (%)', 'MSIS', 'forecasts'], rows));
    }
  }
  // Targets, stated plainly.
  const lines: string[] = [];
  for (const { hz } of HORIZONS) {
    const f = val(aggs.get(`petshop|${hz}|foresight`));
    if (!f.n) continue;
    const best = Math.min(val(aggs.get(`petshop|${hz}|snaive 1d`)).ma, val(aggs.get(`petshop|${hz}|snaive 1w`)).ma || Infinity);
    const gain = 100 * (1 - f.ma / best);
    lines.push(`- PetShop ${hz}: MASE ${f.ma.toFixed(3)} vs best seasonal naive ${best.toFixed(3)}: ${gain.toFixed(1)}% better (target >= 20%) ${gain >= 20 ? 'MET' : 'MISSED'}`);
  }
  for (const { hz } of HORIZONS) {
    const f = val(aggs.get(`ALL|${hz}|foresight`));
    const p = val(aggs.get(`ALL|${hz}|previous`));
    if (!f.n) continue;
    const cut = 100 * (1 - f.msis / p.msis);
    lines.push(`- all sets ${hz}: 95% coverage ${f.c95.toFixed(1)}% (target 93-97) ${Math.abs(f.c95 - 95) <= 2 ? 'MET' : 'MISSED'}; MSIS ${f.msis.toFixed(2)} vs previous ${p.msis.toFixed(2)}: ${cut.toFixed(1)}% lower (target >= 20%) ${cut >= 20 ? 'MET' : 'MISSED'}`);
  }
  // How low the 1 h target can go: the generated sets at their floor, the others as they are.
  {
    const fl = (set: string): ReturnType<typeof val> => val(aggs.get(`${set}|1h|${FLOOR}`));
    let sumBest = 0;
    let nBest = 0;
    for (const set of sets.keys()) {
      const f = val(aggs.get(`${set}|1h|foresight`));
      const p = val(aggs.get(`${set}|1h|previous`));
      const floor = fl(set);
      if (!f.n) continue;
      const best = floor.n ? floor.msis : f.msis;
      sumBest += best * f.n;
      nBest += f.n;
      if (floor.n) lines.push(`- ${set} 1h: the true distribution's MSIS is ${floor.msis.toFixed(2)} (the floor for any method), previous ${p.msis.toFixed(2)}, foresight ${f.msis.toFixed(2)}: at most ${(100 * (1 - floor.msis / p.msis)).toFixed(1)}% lower than previous is possible here`);
    }
    const p = val(aggs.get('ALL|1h|previous'));
    if (nBest && p.n) lines.push(`- all sets 1h with the generated sets at their floor and the others as foresight has them: MSIS ${(sumBest / nBest).toFixed(2)}, ${(100 * (1 - sumBest / nBest / p.msis)).toFixed(1)}% lower than previous`);
  }
  for (const set of setNames) {
    for (const { hz } of HORIZONS) {
      const a = val(aggs.get(`${set}|${hz}|foresight`));
      const b = val(aggs.get(`${set}|${hz}|foresight --season 1d`));
      if (!a.n) continue;
      if (b.ma > a.ma * 1.01) lines.push(`- --season 1d is WORSE than automatic on ${set} ${hz}: MASE ${b.ma.toFixed(3)} vs ${a.ma.toFixed(3)}`);
      if (b.msis > a.msis * 1.01) lines.push(`- --season 1d is WORSE than automatic on ${set} ${hz}: MSIS ${b.msis.toFixed(3)} vs ${a.msis.toFixed(3)}`);
    }
  }
  if (!lines.some((l) => l.includes('--season'))) lines.push('- --season 1d is never more than 1% worse (MASE and MSIS) than automatic on any set and horizon');
  const fits = tasks.length;
  const augN = tasks.filter(augursTask).length;
  w(`\nCPU per forecast (mean, fit + predict): ${locals.map(([n]) => `${n} ${cached.has(n) ? 'cached' : `${((cpu.get(n) ?? 0) / (n === AUG ? Math.max(1, augN) : fits)).toFixed(2)} ms`}`).join(', ')} (${fits} tasks, augurs ${augN}; cached = read from the eval cache, keyed by the method's code and the data: FORESIGHT_EVAL_NO_CACHE=1 recomputes).\n`);
  const tGap = Date.now();
  const hour = (s: EvalSeries): Task[] => tasksFor(s, 0).filter((t) => t.hz === '1h');
  w(`\nA gap in the history (samples of G hours removed, ending E hours before the origin; 1 h ahead, the origins above; MSIS and 95% coverage):\n\n${gapTable(all, scaleOf, hour)}(${((Date.now() - tGap) / 1000).toFixed(1)} s)\n`);
  const gappy = petshopSeries({ gappy: true }).series;
  if (gappy.length) w(`\nReal holes (PetShop series with missing values, 1 h ahead at the same origins; missing actual values not scored):\n\n${realGapTable(gappy, scaleOf, hour)}`);
  w(`\nTargets:\n${lines.join('\n')}\n\n(forecast eval took ${((Date.now() - started) / 1000).toFixed(1)} s: data ${(dataWall / 1000).toFixed(1)} s, local forecasts ${(localWall / 1000).toFixed(1)} s, Prometheus ${(promWall / 1000).toFixed(1)} s overlapping them)\n`);
}
