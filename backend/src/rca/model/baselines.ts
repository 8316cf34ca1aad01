// The simple rankings users could script today, kept beside the model so the evaluation compares like
// with like: the largest z-score against the pre-incident mean/std, and the largest robust score against
// the pre-incident median/IQR. Both look at every sample from the incident time on.
import { mean, quantile, sortedCopy, std } from './robust-stats.js';
import type { CandidateSeries } from './types.js';

export interface BaselineRank {
  component: string;
  metric: string;
  score: number;
}

type Scale = (base: number[]) => { centre: number; spread: number };

const zScore: Scale = (b) => ({ centre: mean(b), spread: std(b) });
const iqr: Scale = (b) => {
  const s = sortedCopy(b);
  return { centre: quantile(s, 0.5), spread: quantile(s, 0.75) - quantile(s, 0.25) };
};

function rankBy(scale: Scale, series: CandidateSeries[], incidentTime: number, after = Infinity): BaselineRank[] {
  const out: BaselineRank[] = [];
  for (const s of series) {
    const base: number[] = [];
    const post: number[] = [];
    for (let i = 0; i < s.timestamps.length; i++) {
      const t = s.timestamps[i]!;
      const v = s.values[i]!;
      if (!Number.isFinite(v)) continue;
      if (t < incidentTime) base.push(v);
      else if (t <= incidentTime + after) post.push(v);
    }
    if (base.length < 2 || post.length === 0) continue;
    const { centre, spread } = scale(base);
    // A flat baseline gives spread 0: like the scalers these methods are usually built on (scikit-learn's
    // StandardScaler/RobustScaler), a zero scale is replaced by 1.
    const sp = spread > 0 ? spread : 1;
    const score = Math.max(...post.map((v) => Math.abs(v - centre) / sp));
    out.push({ component: s.component, metric: s.metric, score });
  }
  return out.sort((a, b) => b.score - a.score);
}

export const zScoreBaseline = (series: CandidateSeries[], incidentTime: number, after?: number) =>
  rankBy(zScore, series, incidentTime, after);
export const iqrBaseline = (series: CandidateSeries[], incidentTime: number, after?: number) =>
  rankBy(iqr, series, incidentTime, after);

/** Components in order of their best series. */
export function componentOrder(ranks: BaselineRank[]): string[] {
  const seen: string[] = [];
  for (const r of ranks) if (!seen.includes(r.component)) seen.push(r.component);
  return seen;
}
