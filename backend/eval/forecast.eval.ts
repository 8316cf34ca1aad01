// Forecast accuracy: Foresight's automatic ETS against seasonal-naive and Prometheus' own predict_linear
// and holt_winters, the last two EVALUATED BY A REAL PROMETHEUS on the same data (backfilled with
// promtool). sMAPE (%) and MASE (scaled by the in-sample seasonal-naive error, m = 1 day) at 1 h and 1 day.
import { forecast } from '../src/models/forecast/forecast.js';
import { DAY_POINTS, STEP, forecastCorpus, type ForecastSeries } from './lib/corpus.js';
import { mase, smape, table } from './lib/metrics.js';
import { withBackfilledPrometheus, type QueryFn } from './lib/prometheus.js';

type Method = 'foresight' | 'seasonal-naive' | 'predict_linear[6h]' | 'predict_linear[1d]' | 'holt_winters[1d] (0.3,0.1)';
const METHODS: Method[] = ['foresight', 'seasonal-naive', 'predict_linear[6h]', 'predict_linear[1d]', 'holt_winters[1d] (0.3,0.1)'];
const H = DAY_POINTS;

async function promForecasts(corpus: ForecastSeries[], query: QueryFn): Promise<Map<string, Map<Method, Float64Array>>> {
  const out = new Map<string, Map<Method, Float64Array>>();
  for (const s of corpus) out.set(s.id, new Map());
  // All series share one origin, so each query returns every series at once.
  const origin = corpus[0]!.ts[corpus[0]!.history - 1]!;
  const linear = async (w: string, m: Method): Promise<void> => {
    const at0 = await query(`predict_linear(fc_eval[${w}], 0)`, origin);
    const at1 = await query(`predict_linear(fc_eval[${w}], 86400)`, origin);
    const one = new Map(at1.map((r) => [r.labels.id!, r.value]));
    for (const r of at0) {
      const b = one.get(r.labels.id!);
      if (b === undefined) continue;
      out.get(r.labels.id!)?.set(m, Float64Array.from({ length: H }, (_, h) => r.value + ((b - r.value) * (h + 1) * STEP) / 86_400));
    }
  };
  await linear('6h', 'predict_linear[6h]');
  await linear('1d', 'predict_linear[1d]');
  // holt_winters returns the smoothed value at the evaluation time (no horizon): a flat forecast.
  for (const r of await query('holt_winters(fc_eval[1d], 0.3, 0.1)', origin)) {
    out.get(r.labels.id!)?.set('holt_winters[1d] (0.3,0.1)', new Float64Array(H).fill(r.value));
  }
  return out;
}

export default async function forecastEval(): Promise<void> {
  const started = Date.now();
  // Data lives in the recent past (whole days) so Prometheus accepts and keeps it.
  const t0 = Math.floor(Date.now() / 1000 / 86_400) * 86_400 - 12 * 86_400;
  const corpus = forecastCorpus({ seed: 42, count: 40, t0 });
  const results = new Map<string, Map<Method, Float64Array>>();
  const fitMs: number[] = [];
  let cover80 = 0;
  let cover95 = 0;
  let covered = 0;
  const models = new Map<string, number>();
  for (const s of corpus) {
    const hist = s.values.subarray(0, s.history);
    const m = new Map<Method, Float64Array>();
    const a = process.cpuUsage();
    const f = forecast(hist, { horizon: H, stepSeconds: STEP });
    const d = process.cpuUsage(a);
    fitMs.push((d.user + d.system) / 1000); // CPU time: other work on the machine does not count
    models.set(f.model, (models.get(f.model) ?? 0) + 1);
    m.set('foresight', f.mean);
    m.set('seasonal-naive', Float64Array.from({ length: H }, (_, h) => hist[s.history - DAY_POINTS + (h % DAY_POINTS)]!));
    for (let h = 0; h < H; h++) {
      const y = s.values[s.history + h]!;
      if (y >= f.lo80[h]! && y <= f.hi80[h]!) cover80++;
      if (y >= f.lo95[h]! && y <= f.hi95[h]!) cover95++;
      covered++;
    }
    results.set(s.id, m);
  }
  let promNote = '';
  try {
    const prom = await withBackfilledPrometheus(
      corpus.map((s) => ({ name: 'fc_eval', labels: { id: s.id }, ts: s.ts.subarray(0, s.history), values: s.values.subarray(0, s.history) })),
      (q) => promForecasts(corpus, q),
    );
    for (const [id, m] of prom) for (const [k, v] of m) results.get(id)!.set(k, v);
  } catch (e) {
    promNote = `**Prometheus baselines could not run: ${(e as Error).message}**\n`;
  }
  const rows: (string | number)[][] = [];
  const agg = new Map<Method, { s1: number; m1: number; s24: number; m24: number; n: number }>();
  const byShape = new Map<string, Map<Method, { m24: number; n: number }>>();
  for (const s of corpus) {
    const actual = s.values.subarray(s.history, s.history + H);
    const hist = s.values.subarray(0, s.history);
    for (const meth of METHODS) {
      const fc = results.get(s.id)!.get(meth);
      if (!fc) continue;
      const a = agg.get(meth) ?? { s1: 0, m1: 0, s24: 0, m24: 0, n: 0 };
      a.s1 += smape(actual.subarray(0, 12), fc.subarray(0, 12));
      a.m1 += mase(actual.subarray(0, 12), fc.subarray(0, 12), hist, DAY_POINTS);
      const m24 = mase(actual, fc, hist, DAY_POINTS);
      a.s24 += smape(actual, fc);
      a.m24 += m24;
      a.n++;
      agg.set(meth, a);
      const sh = byShape.get(s.shape) ?? new Map();
      const b = sh.get(meth) ?? { m24: 0, n: 0 };
      b.m24 += m24;
      b.n++;
      sh.set(meth, b);
      byShape.set(s.shape, sh);
    }
  }
  for (const meth of METHODS) {
    const a = agg.get(meth);
    if (!a) {
      rows.push([meth, 'n/a', 'n/a', 'n/a', 'n/a', '0']);
      continue;
    }
    rows.push([meth, a.s1 / a.n, a.m1 / a.n, a.s24 / a.n, a.m24 / a.n, String(a.n)]);
  }
  process.stdout.write(`Corpus: ${corpus.length} series (seasonal, seasonal+trend, trend, random walk, growing season), 5-minute steps, 8 days of history, forecast 1 day ahead from one origin. Prometheus ${promNote ? 'unavailable' : 'baselines evaluated by prometheus on promtool-backfilled blocks'}.\n\n`);
  process.stdout.write(promNote);
  process.stdout.write(table(['method', 'sMAPE 1h (%)', 'MASE 1h', 'sMAPE 1d (%)', 'MASE 1d', 'series'], rows));
  process.stdout.write('\nMASE at 1 day by shape (lower is better):\n\n');
  process.stdout.write(table(['shape', ...METHODS], [...byShape].map(([shape, m]) => [shape, ...METHODS.map((k) => { const v = m.get(k); return v ? v.m24 / v.n : Number.NaN; })])));
  fitMs.sort((a, b) => a - b);
  process.stdout.write(`\nForesight 80% interval coverage ${(100 * cover80 / covered).toFixed(1)}%, 95% coverage ${(100 * cover95 / covered).toFixed(1)}% (nominal 80 / 95). Models chosen: ${[...models].map(([k, v]) => `${k} x${v}`).join(', ')}. Median fit ${fitMs[fitMs.length >> 1]!.toFixed(2)} ms CPU on 2,304 points (first fit includes JIT warm-up).\n`);
  // Plain verdict against every baseline.
  const ours = agg.get('foresight')!;
  const verdict: string[] = [];
  for (const meth of METHODS.slice(1)) {
    const b = agg.get(meth);
    if (!b) continue;
    const cols: [string, number, number][] = [['sMAPE 1h', ours.s1 / ours.n, b.s1 / b.n], ['MASE 1h', ours.m1 / ours.n, b.m1 / b.n], ['sMAPE 1d', ours.s24 / ours.n, b.s24 / b.n], ['MASE 1d', ours.m24 / ours.n, b.m24 / b.n]];
    const lost = cols.filter(([, o, x]) => o >= x).map(([n]) => n);
    verdict.push(lost.length ? `- vs ${meth}: **does not beat it** on ${lost.join(', ')}` : `- vs ${meth}: better on all four columns`);
  }
  for (const [shape, m] of byShape) {
    const o = m.get('foresight');
    const worse = METHODS.slice(1).filter((k) => { const v = m.get(k); return o && v && v.m24 / v.n < o.m24 / o.n; });
    if (worse.length) verdict.push(`- shape ${shape}: ${worse.join(', ')} beat(s) Foresight on MASE 1d`);
  }
  process.stdout.write(`\nVerdict:\n${verdict.join('\n')}\n\n(forecast eval took ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
