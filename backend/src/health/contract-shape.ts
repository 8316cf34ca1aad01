// Converts a component's health into the datasource API's HealthScore shape (contract/src/domain.ts:
// trend as points of change over the trend window, categories with nullable scores, unix-ms history).
import type { ComponentHealth } from '../models/health/index.js';

export interface HealthScoreDto {
  component: string;
  score: number;
  grade: 'A' | 'B' | 'C' | 'D' | 'F';
  trend: number;
  categories: { name: string; weight: number; score: number | null }[];
  history: { time: number; score: number }[];
}

/** undefined when the component has no score yet (the contract has no "unknown" score). */
export function toHealthScoreDto(c: ComponentHealth, history: { t: number; score: number }[]): HealthScoreDto | undefined {
  if (c.score === undefined || c.grade === undefined) return undefined;
  const span = history.length > 1 ? (history[history.length - 1]!.t - history[0]!.t) / 3600 : 0;
  return {
    component: c.component,
    score: c.score,
    grade: c.grade,
    trend: Math.round((c.slopePerHour ?? 0) * span * 10) / 10,
    categories: c.categories.map((k) => ({ name: k.category, weight: k.weight, score: k.score ?? null })),
    history: history.map((h) => ({ time: h.t * 1000, score: h.score })),
  };
}
