// Anomaly detection accuracy, Foresight's online detector beside the rules users run today, on
// (a) the real PetShop data (../shared/datasets/petshop: normal weeks and real issues, see lib/petshop.ts),
// (b) a synthetic corpus shaped like real metrics (lib/realistic.ts) and (c) the demo simulator.
// Baselines: static z-score of the history (|z| >= 3), rolling 3-sigma over 1d, seasonal z-score
// against the same time one day / one week earlier (PromQL `offset`), and the previous detector (a
// frozen copy in lib/previous-detector.ts). Every method sees the same history before the scored part.
// Metrics (lib/metrics.ts): event precision / recall / F1 (an event is detected by any alarm inside its
// window, which runs to its own length after it), NAB-like window score, false alarms per series-week,
// delay.
import { OnlineAnomalyDetector, SENSITIVITIES, type Sensitivity } from '../src/models/anomaly/detector.js';
import { OnlineAnomalyDetector as PreviousDetector } from './lib/previous-detector.js';
import { rolling3Sigma, seasonalZ, staticZ, stepOf, type Flagger } from './lib/baselines.js';
import { evalDemoSimulator } from './lib/demoEval.js';
import { emptyTally, scoreFlags, summarise, table, type AnomalyTally } from './lib/metrics.js';
import { loadPetShop, type PetSeries } from './lib/petshop.js';
import { REAL_KINDS, REAL_SHAPES, realisticCorpus } from './lib/realistic.js';

const foresightAt = (sensitivity: Sensitivity): Flagger => (ts, values) => {
  const d = new OnlineAnomalyDetector({ sensitivity });
  const flags = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    d.score(ts[i]!, values[i]!);
    flags[i] = d.inAnomaly ? 1 : 0;
  }
  return flags;
};

const previous: Flagger = (ts, values, from) => {
  const d = new PreviousDetector({ warmupPoints: Math.max(8, Math.min(576, from)) });
  const flags = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) flags[i] = d.score(ts[i]!, values[i]!) >= 0.65 ? 1 : 0;
  return flags;
};

export const METHODS: [string, Flagger][] = [
  ['foresight (medium, default)', foresightAt('medium')],
  ['foresight (high)', foresightAt('high')],
  ['foresight (low)', foresightAt('low')],
  ['static z-score (history, |z|>=3)', staticZ],
  ['rolling 3-sigma (1d)', rolling3Sigma],
  ['seasonal z (offset 1d)', seasonalZ(86_400)],
  ['seasonal z (offset 1w)', seasonalZ(604_800)],
  ['previous detector (score >= 0.65)', previous],
];
const BASELINES = 3; // METHODS[3..] are baselines

interface Scored {
  ts: Float64Array;
  values: Float64Array;
  windows: PetSeries['windows'];
  scoredFrom: number;
}

function run(series: Scored[], f: Flagger, t: AnomalyTally = emptyTally()): { t: AnomalyTally; flags: Uint8Array[] } {
  const flags: Uint8Array[] = [];
  for (const s of series) {
    const fl = f(s.ts, s.values, s.scoredFrom);
    flags.push(fl);
    scoreFlags(fl, s.windows, s.scoredFrom, stepOf(s.ts) / 60, t);
  }
  return { t, flags };
}

const fmtDelay = (d: number): string => (Number.isFinite(d) ? d.toFixed(0) : '-');

function verdict(label: string, sums: ReturnType<typeof summarise>[]): string {
  const o = sums[0]!;
  const lines = METHODS.slice(BASELINES).map(([name], j) => {
    const b = sums[j + BASELINES]!;
    const lost = [o.f1 < b.f1 && 'F1', o.nab < b.nab && 'window score', o.faPerWeek > b.faPerWeek && 'false alarms', o.recall < b.recall && 'recall', o.delay > b.delay && 'delay'].filter(Boolean);
    return lost.length ? `- vs ${name}: worse on ${lost.join(', ')}` : `- vs ${name}: at least as good on F1, window score, false alarms, recall and delay`;
  });
  return `\nVerdict (${label}, default sensitivity):\n${lines.join('\n')}\n`;
}

function petshopSection(write: (s: string) => void): void {
  const p = loadPetShop();
  if (!p) {
    write('PetShop: ../shared/datasets/petshop not found; skipped.\n');
    return;
  }
  const issueIds = [...new Set(p.issues.map((s) => s.issue!))];
  const normalWeeks = p.normal.reduce((a, s) => a + ((s.values.length - s.scoredFrom) * 300) / 604_800, 0);
  write(`### (a) PetShop (real application metrics, 5-minute CloudWatch data)\n\n${p.normal.length} series of normal operation (\`noissue\`, 2 scenarios, ~49 h each: first day history, second day scored; ${normalWeeks.toFixed(1)} series-weeks scored). ${issueIds.length} of ${p.issueCount} \`train\` issues usable (${p.skippedIssues} in scenarios without normal data to learn from, skipped): ${p.issues.length} labelled series (each issue's target series and every series of its root-cause component), each preceded by ~49 h of the same column's normal data; the window is the issue's rows from target.timestamp on. Precision, F1 and window score count alarms on the normal data and on the issues' rows.\n\n`);
  const rows: (string | number)[][] = [];
  const sums: ReturnType<typeof summarise>[] = [];
  for (const [name, f] of METHODS) {
    const a = performance.now();
    const normal = run(p.normal, f);
    const iss = run(p.issues, f, { ...normal.t });
    const s = summarise(iss.t, 2016);
    sums.push(s);
    const nf = summarise(normal.t, 2016);
    // Issue level: the target series, or any root-cause series, alarms in the window.
    let tgt = 0;
    let rc = 0;
    for (const id of issueIds) {
      const hit = (role: string): boolean => p.issues.some((s2, k) => s2.issue === id && s2.role === role && iss.flags[k]!.some((v, i) => v === 1 && i >= s2.windows[0]!.start));
      if (hit('target')) tgt++;
      if (hit('root_cause')) rc++;
    }
    rows.push([name, s.precision, s.recall, s.f1, s.nab, nf.faPerWeek, `${tgt}/${issueIds.length}`, `${rc}/${issueIds.length}`, fmtDelay(s.delay), `${(performance.now() - a).toFixed(0)} ms`]);
  }
  write(table(['method', 'precision', 'recall (series)', 'F1', 'window score', 'false alarms / series-week (noissue)', 'issues: target alarmed', 'issues: root cause alarmed', 'delay (min)', 'time'], rows));
  write(verdict('PetShop', sums));
}

function realisticSection(write: (s: string) => void): void {
  const corpus = realisticCorpus({ seed: 13, perCell: 3 });
  const points = corpus.reduce((a, s) => a + s.values.length, 0);
  write(`\n### (b) Synthetic corpus shaped like real metrics\n\n${corpus.length} series (${points} points): ${REAL_SHAPES.join(', ')}; 1-minute (4-5 days) and 5-minute (14-21 days) steps; each with one ${REAL_KINDS.filter((k) => k !== 'clean').join(' / ')} or none (clean), 3 per shape and kind. First 2 days are history for every method.\n\n`);
  const rows: (string | number)[][] = [];
  const sums: ReturnType<typeof summarise>[] = [];
  const per: ReturnType<typeof run>[] = [];
  for (const [name, f] of METHODS) {
    const a = performance.now();
    const r = run(corpus, f);
    per.push(r);
    const s = summarise(r.t, 2016);
    sums.push(s);
    rows.push([name, s.precision, s.recall, s.f1, s.nab, s.faPerWeek, fmtDelay(s.delay), `${(performance.now() - a).toFixed(0)} ms`]);
  }
  write(table(['method', 'precision', 'recall', 'F1', 'window score', 'false alarms / series-week', 'delay (min)', 'time'], rows));
  write('\nRecall by anomaly kind, and false alarms / series-week by shape (all kinds):\n\n');
  const krows: (string | number)[][] = [];
  for (const kind of REAL_KINDS.filter((k) => k !== 'clean')) {
    krows.push([kind, ...METHODS.map((_, m) => {
      const t = emptyTally();
      corpus.forEach((s, i) => { if (s.kind === kind) scoreFlags(per[m]!.flags[i]!, s.windows, s.scoredFrom, s.step / 60, t); });
      return summarise(t, 2016).recall.toFixed(2);
    })]);
  }
  for (const shape of REAL_SHAPES) {
    krows.push([`FA/wk ${shape}`, ...METHODS.map((_, m) => {
      const t = emptyTally();
      corpus.forEach((s, i) => { if (s.shape === shape) scoreFlags(per[m]!.flags[i]!, s.windows, s.scoredFrom, s.step / 60, t); });
      return summarise(t, 2016).faPerWeek.toFixed(2);
    })]);
  }
  write(table(['', ...METHODS.map(([n]) => n)], krows));
  write(verdict('realistic synthetic corpus', sums));
}

export default async function anomalyEval(): Promise<void> {
  const started = Date.now();
  const write = (s: string): void => void process.stdout.write(s);
  write(`Sensitivities: ${SENSITIVITIES.map((s) => `${s.name} = about one false alarm per ${s.label}`).join(', ')}.\n\n`);
  const only = process.env.FORESIGHT_EVAL_SECTIONS ?? 'abc'; // development: run only some sections
  if (only.includes('a')) petshopSection(write);
  if (only.includes('b')) realisticSection(write);
  if (!only.includes('c')) return;
  write('\n### (c) Demo simulator\n');
  await evalDemoSimulator(METHODS, write, BASELINES);
  write(`\n(anomaly eval took ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
