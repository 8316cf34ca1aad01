// Types of the pure health model: per component, indicators grouped in weighted categories → 0–100.

export type Category = 'availability' | 'performance' | 'errors' | 'resources' | 'custom';
export const CATEGORIES: readonly Category[] = ['availability', 'performance', 'errors', 'resources', 'custom'];

export const DEFAULT_WEIGHTS: Readonly<Record<Category, number>> = {
  availability: 0.3,
  performance: 0.25,
  errors: 0.2,
  resources: 0.15,
  custom: 0.1,
};

/** One measured indicator (e.g. p95 latency) of one category. */
export interface Indicator {
  name: string;
  /** Current value; undefined/NaN when the query returned nothing. */
  value: number | undefined;
  betterWhen: 'higher' | 'lower';
  /**
   * The SLO where one exists: for `lower` a threshold the value should stay under (0.3 s, 0.001 error
   * ratio); for `higher` an objective in (0,1) the ratio should stay above (0.999 availability).
   */
  slo?: number;
  /** Recent history of the indicator for a learned baseline when there is no SLO. */
  baseline?: ArrayLike<number>;
  /** The value is a usage/limit ratio: approaching 1 is bad whatever the baseline says. */
  saturation?: boolean;
}

export interface IndicatorScore {
  name: string;
  score: number;
  basis: 'slo' | 'baseline' | 'saturation';
  detail: string;
}

export interface CategoryScore {
  category: Category;
  /** 0..100; undefined when no indicator had data and a reference (the category is then left out). */
  score?: number;
  /** Weight after renormalisation over the categories that have data (0 when left out). */
  weight: number;
  /** Points this category costs the component: weight·(100 − score). */
  lost: number;
  indicators: IndicatorScore[];
  note?: string;
}

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';
export type Trend = 'improving' | 'stable' | 'degrading';

export interface ComponentHealth {
  component: string;
  /** undefined when no category had data: "unknown", never a made-up 100. */
  score?: number;
  grade?: Grade;
  categories: CategoryScore[];
  trend: Trend;
  /** Points per hour of the recent slope, when there was history to fit. */
  slopePerHour?: number;
  recommendations: string[];
}

export interface SystemHealth {
  score?: number;
  grade?: Grade;
  components: ComponentHealth[];
  worst?: string;
}
