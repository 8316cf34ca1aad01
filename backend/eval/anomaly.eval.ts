// Anomaly detection accuracy on a labelled synthetic corpus (and on the demo simulator's fault log when
// src/demo/simulator.ts exists), Foresight's online detector side by side with the thresholds users
// run today: a static 3-sigma band learned on the warm-up, and the rolling PromQL z-score rule
// `abs(x - avg_over_time(x[1d])) > 3 * stddev_over_time(x[1d])` (computed here with the same window).
import { DEFAULT_THRESHOLD, OnlineAnomalyDetector } from '../src/models/anomaly/detector.js';
import { ANOMALY_KINDS, DAY_POINTS, STEP, anomalyCorpus, type LabelledSeries } from './lib/corpus.js';
import { emptyTally, scoreFlags, summarise, table, type AnomalyTally } from './lib/metrics.js';
import { evalDemoSimulator } from './lib/demoEval.js';

const WARMUP = 2 * DAY_POINTS;
const WEEK = 7 * DAY_POINTS;

export type Flagger = (ts: Float64Array, values: Float64Array, warmup: number) => Uint8Array;

const foresightAt = (thr: number): Flagger => (ts, values, warmup) => {
  const d = new OnlineAnomalyDetector({ warmupPoints: warmup });
  const flags = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) flags[i] = d.score(ts[i]!, values[i]!) >= thr ? 1 : 0;
  return flags;
};
export const foresight = foresightAt(DEFAULT_THRESHOLD);

export const staticThreeSigma: Flagger = (_ts, values, warmup) => {
  let m = 0;
  for (let i = 0; i < warmup; i++) m += values[i]!;
  m /= warmup;
  let v = 0;
  for (let i = 0; i < warmup; i++) v += (values[i]! - m) ** 2;
  const sd = Math.sqrt(v / (warmup - 1));
  return Uint8Array.from(values, (x, i) => (i >= warmup && Math.abs(x - m) > 3 * sd ? 1 : 0));
};

export const rollingThreeSigma: Flagger = (_ts, values) => {
  // Window of the previous day including the current point, as avg_over_time(x[1d]) at that instant.
  const w = DAY_POINTS;
  const flags = new Uint8Array(values.length);
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < values.length; i++) {
    s += values[i]!;
    s2 += values[i]! ** 2;
    if (i >= w) {
      s -= values[i - w]!;
      s2 -= values[i - w]! ** 2;
    }
    const n = Math.min(i + 1, w);
    if (n < w) continue;
    const mean = s / n;
    const sd = Math.sqrt(Math.max(0, s2 / n - mean * mean));
    flags[i] = Math.abs(values[i]! - mean) > 3 * sd ? 1 : 0;
  }
  return flags;
};

export const METHODS: [string, Flagger][] = [
  [`foresight (online, default score >= ${DEFAULT_THRESHOLD})`, foresight],
  ['foresight (online, sensitive score >= 0.5)', foresightAt(0.5)],
  ['static 3-sigma (warm-up mean/sd)', staticThreeSigma],
  ['rolling 3-sigma (PromQL z-score, 1d)', rollingThreeSigma],
];

function evaluate(corpus: LabelledSeries[], flagger: Flagger, kindFilter?: string): AnomalyTally {
  const t = emptyTally();
  for (const s of corpus) {
    if (kindFilter && s.kind !== kindFilter) continue;
    scoreFlags(flagger(s.ts, s.values, WARMUP), s.windows, WARMUP, STEP / 60, t);
  }
  return t;
}

export default async function anomalyEval(): Promise<void> {
  const started = Date.now();
  const corpus = anomalyCorpus({ seed: 7, perKind: 20, clean: 20 });
  const points = corpus.reduce((a, s) => a + s.values.length, 0);
  process.stdout.write(`Synthetic corpus: ${corpus.length} series x 14 days at 5 min (${points} points): 20 each with spikes, level shifts, variance changes, slow drifts, and 20 clean; daily season in ~80% (some with a 2nd harmonic / weekend dip), trend, Gaussian or heavy-tailed noise. Warm-up ${WARMUP} points (2 days) excluded from scoring for every method.\n\n`);
  const overall: (string | number)[][] = [];
  const sums = new Map<string, ReturnType<typeof summarise>>();
  for (const [name, f] of METHODS) {
    const a = performance.now();
    const s = summarise(evaluate(corpus, f), WEEK);
    sums.set(name, s);
    overall.push([name, s.precision, s.recall, s.f1, s.delay, s.faPerWeek, s.nab, `${(performance.now() - a).toFixed(0)} ms`]);
  }
  process.stdout.write(table(['method', 'precision', 'recall', 'F1', 'mean delay (min)', 'false alarms / series-week', 'window score (NAB-like, 0-100)', 'time'], overall));
  process.stdout.write('\nBy anomaly kind (recall / mean delay in minutes):\n\n');
  const kindRows: (string | number)[][] = [];
  const kindLosses: string[] = [];
  for (const kind of [...ANOMALY_KINDS, 'clean']) {
    const row: (string | number)[] = [kind];
    const perMethod = METHODS.map(([, f]) => summarise(evaluate(corpus, f, kind), WEEK));
    for (const [j, [name]] of METHODS.entries()) {
      if (j < 2) continue;
      const o = perMethod[0]!;
      const b = perMethod[j]!;
      if (kind === 'clean' ? b.faPerWeek < o.faPerWeek : b.recall > o.recall) kindLosses.push(`- ${kind}: ${name} ${kind === 'clean' ? 'has fewer false alarms' : 'has higher recall'} than the default`);
    }
    for (const [j] of METHODS.entries()) {
      const s = perMethod[j]!;
      row.push(kind === 'clean' ? `${s.faPerWeek.toFixed(2)} FA/wk` : `${s.recall.toFixed(2)} / ${Number.isFinite(s.delay) ? s.delay.toFixed(0) : '-'}`);
    }
    kindRows.push(row);
  }
  process.stdout.write(table(['kind', ...METHODS.map(([n]) => n)], kindRows));
  const ours = sums.get(METHODS[0]![0])!;
  const verdict: string[] = [];
  for (const [name] of METHODS.slice(2)) {
    const b = sums.get(name)!;
    const lost: string[] = [];
    if (ours.precision < b.precision) lost.push('precision');
    if (ours.recall < b.recall) lost.push('recall');
    if (ours.f1 < b.f1) lost.push('F1');
    if (ours.delay > b.delay) lost.push('delay');
    if (ours.faPerWeek > b.faPerWeek) lost.push('false alarms');
    if (ours.nab < b.nab) lost.push('window score');
    verdict.push(lost.length ? `- vs ${name}: **does not beat it** on ${lost.join(', ')}` : `- vs ${name}: better on every column`);
  }
  process.stdout.write(`\nVerdict (synthetic corpus, default threshold):\n${verdict.join('\n')}\n${kindLosses.length ? `By kind, where a baseline does better:\n${kindLosses.join('\n')}\n` : 'By kind: the default is at least as good as every baseline on every kind.\n'}`);
  await evalDemoSimulator(METHODS, (msg) => process.stdout.write(msg));
  process.stdout.write(`\n(anomaly eval took ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
