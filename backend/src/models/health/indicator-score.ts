// Judges one indicator 0–100: against its SLO where one exists (by error-budget burn: meeting the SLO
// keeps 80–100, each further budget burnt costs 40), else against a learned baseline (robust z of the
// current value in the bad direction), and a usage ratio additionally by how close it is to its limit.
import type { Indicator, IndicatorScore } from './types.js';

const MIN_BASELINE = 10;

const clamp = (x: number) => Math.max(0, Math.min(100, x));
const round = (x: number) => Math.round(x * 10) / 10;

function fmt(x: number): string {
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : String(Math.round(x * 1e4) / 1e4);
}

export function burnScore(burn: number): number {
  return burn <= 1 ? clamp(100 - 20 * burn) : clamp(80 - 40 * (burn - 1));
}

export function scoreIndicator(ind: Indicator): IndicatorScore | { name: string; missing: string } {
  const v = ind.value;
  if (v === undefined || !Number.isFinite(v)) return { name: ind.name, missing: 'no current value' };
  const scores: IndicatorScore[] = [];
  if (ind.slo !== undefined) {
    let burn: number;
    if (ind.betterWhen === 'lower') burn = ind.slo > 0 ? Math.max(0, v) / ind.slo : v > 0 ? Infinity : 0;
    else burn = ind.slo < 1 ? Math.max(0, 1 - v) / (1 - ind.slo) : v >= 1 ? 0 : Infinity;
    scores.push({
      name: ind.name,
      score: round(burnScore(burn)),
      basis: 'slo',
      detail: `${ind.name} ${fmt(v)} against SLO ${ind.betterWhen === 'lower' ? '≤' : '≥'} ${fmt(ind.slo)} (${burn === Infinity ? 'all' : fmt(burn) + '×'} the budget)`,
    });
  } else if (ind.baseline && countFinite(ind.baseline) >= MIN_BASELINE) {
    const { med, scale } = robust(ind.baseline);
    const z = ((ind.betterWhen === 'lower' ? 1 : -1) * (v - med)) / scale;
    scores.push({
      name: ind.name,
      score: round(clamp(100 - 12 * Math.max(0, z - 1))),
      basis: 'baseline',
      detail: `${ind.name} ${fmt(v)} against its usual ${fmt(med)} (${fmt(z)} robust σ ${z >= 0 ? 'worse' : 'better'})`,
    });
  }
  if (ind.saturation) {
    // 70% of a limit is still fine; from there to 100% the score falls to 0.
    scores.push({
      name: ind.name,
      score: round(clamp(((1 - v) / 0.3) * 100)),
      basis: 'saturation',
      detail: `${ind.name} at ${fmt(100 * v)}% of its limit`,
    });
  }
  if (!scores.length) {
    return { name: ind.name, missing: `no SLO and fewer than ${MIN_BASELINE} points of history for a baseline` };
  }
  return scores.reduce((a, b) => (b.score < a.score ? b : a));
}

function countFinite(xs: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]!)) n++;
  return n;
}

function robust(xs: ArrayLike<number>): { med: number; scale: number } {
  const s = Array.from(xs).filter(Number.isFinite).sort((a, b) => a - b);
  const q = (p: number) => {
    const pos = (s.length - 1) * p;
    const lo = Math.floor(pos);
    return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
  };
  const med = q(0.5);
  const dev = s.map((x) => Math.abs(x - med)).sort((a, b) => a - b);
  const mad = 1.4826 * dev[Math.floor(dev.length / 2)]!;
  // Floor the scale at 5% of the level so a very steady baseline does not turn noise into an outage.
  return { med, scale: Math.max(mad, 0.05 * Math.abs(med), 1e-9) };
}
