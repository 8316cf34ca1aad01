// Component and system health: weighted categories (renormalised over those with data), grade, trend
// from the recent slope of past scores, and recommendations naming the category that costs the most.
import { scoreIndicator } from './indicator-score.js';
import {
  CATEGORIES,
  DEFAULT_WEIGHTS,
  type Category,
  type CategoryScore,
  type ComponentHealth,
  type Grade,
  type Indicator,
  type IndicatorScore,
  type SystemHealth,
  type Trend,
} from './types.js';

export interface ComponentInput {
  component: string;
  indicators: Partial<Record<Category, Indicator[]>>;
  /** Past scores (unix seconds, 0–100) for the trend, oldest first. */
  history?: { t: number; score: number }[];
}

export interface ScoreOptions {
  weights?: Partial<Record<Category, number>>;
  /** Points of change over the trend window that count as a trend; default 5. */
  trendPoints?: number;
  /** Trend window in seconds (history older than now − window is ignored); default 6 h. */
  trendWindow?: number;
  now?: number;
}

export function grade(score: number): Grade {
  return score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
}

export function scoreComponent(input: ComponentInput, o: ScoreOptions = {}): ComponentHealth {
  const weights = { ...DEFAULT_WEIGHTS, ...(o.weights ?? {}) };
  for (const [k, w] of Object.entries(weights)) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`health weights.${k}: must be a finite number ≥ 0, got ${w}`);
  }
  const categories: CategoryScore[] = CATEGORIES.map((category) => {
    const inds = input.indicators[category] ?? [];
    const scored: IndicatorScore[] = [];
    const missing: string[] = [];
    for (const ind of inds) {
      const r = scoreIndicator(ind);
      if ('missing' in r) missing.push(`${r.name}: ${r.missing}`);
      else scored.push(r);
    }
    const cs: CategoryScore = { category, weight: 0, lost: 0, indicators: scored };
    // The worst indicator speaks for the category (a full disk is not averaged away by an idle CPU).
    if (scored.length) cs.score = Math.min(...scored.map((s) => s.score));
    if (missing.length) cs.note = missing.join('; ');
    else if (!inds.length) cs.note = 'no indicators configured';
    return cs;
  });
  const present = categories.filter((c) => c.score !== undefined && weights[c.category] > 0);
  const total = present.reduce((a, c) => a + weights[c.category], 0);
  const health: ComponentHealth = { component: input.component, categories, trend: 'stable', recommendations: [] };
  if (total > 0) {
    let score = 0;
    for (const c of present) {
      c.weight = weights[c.category] / total;
      c.lost = Math.round(c.weight * (100 - c.score!) * 10) / 10;
      score += c.weight * c.score!;
    }
    health.score = Math.round(score * 10) / 10;
    health.grade = grade(health.score);
  }
  const t = trend(input.history ?? [], health.score, o);
  health.trend = t.trend;
  if (t.slopePerHour !== undefined) health.slopePerHour = t.slopePerHour;
  health.recommendations = recommend(health);
  return health;
}

/** Least-squares slope of recent scores (plus the current one) → improving/stable/degrading. */
export function trend(
  history: { t: number; score: number }[],
  current: number | undefined,
  o: ScoreOptions = {},
): { trend: Trend; slopePerHour?: number } {
  const now = o.now ?? (history.length ? history[history.length - 1]!.t : 0);
  const window = o.trendWindow ?? 6 * 3600;
  const pts = history.filter((h) => h.t >= now - window && Number.isFinite(h.score));
  if (current !== undefined && o.now !== undefined) pts.push({ t: o.now, score: current });
  if (pts.length < 3) return { trend: 'stable' };
  const mt = pts.reduce((a, p) => a + p.t, 0) / pts.length;
  const ms = pts.reduce((a, p) => a + p.score, 0) / pts.length;
  let num = 0;
  let den = 0;
  for (const p of pts) {
    num += (p.t - mt) * (p.score - ms);
    den += (p.t - mt) ** 2;
  }
  if (den === 0) return { trend: 'stable' };
  const slope = num / den;
  const span = pts[pts.length - 1]!.t - pts[0]!.t;
  const change = slope * span;
  const limit = o.trendPoints ?? 5;
  const slopePerHour = Math.round(slope * 3600 * 100) / 100;
  return { trend: change > limit ? 'improving' : change < -limit ? 'degrading' : 'stable', slopePerHour };
}

const ADVICE: Record<Category, string> = {
  availability: 'check the instances that are down or failing health checks, and recent restarts',
  performance: 'look at slow endpoints and slow dependencies; compare latency with load',
  errors: 'look at the failing routes and at dependencies returning errors',
  resources: 'the most saturated resource needs headroom (scale out, raise the limit, or clean up)',
  custom: 'the business indicator is off its usual level; check the feature or flow behind it',
};

function recommend(h: ComponentHealth): string[] {
  const costly = h.categories.filter((c) => c.lost >= 1).sort((a, b) => b.lost - a.lost);
  const out = costly.slice(0, 2).map((c) => {
    const worst = c.indicators.reduce((a, b) => (b.score < a.score ? b : a));
    return `${c.category} costs ${c.lost} points: ${worst.detail}; ${ADVICE[c.category]}`;
  });
  if (h.score === undefined) out.push('no category has data yet: check the health queries and the component label');
  if (h.trend === 'degrading') out.push(`the score is falling (${h.slopePerHour} points/hour): act before it crosses the next grade`);
  return out;
}

/**
 * System score: the weighted mean pulled toward the worst component (0.7·mean + 0.3·min), so one failing
 * service shows at the top level instead of being averaged away by many healthy ones.
 */
export function scoreSystem(components: ComponentHealth[], weights: Record<string, number> = {}): SystemHealth {
  const known = components.filter((c) => c.score !== undefined);
  const sys: SystemHealth = { components };
  if (!known.length) return sys;
  let num = 0;
  let den = 0;
  for (const c of known) {
    const w = weights[c.component] ?? 1;
    num += w * c.score!;
    den += w;
  }
  const worst = known.reduce((a, b) => (b.score! < a.score! ? b : a));
  const mean = den > 0 ? num / den : worst.score!;
  sys.score = Math.round((0.7 * mean + 0.3 * worst.score!) * 10) / 10;
  sys.grade = grade(sys.score);
  sys.worst = worst.component;
  return sys;
}
