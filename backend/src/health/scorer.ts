// Scores every component from Prometheus: runs each category's PromQL for the component (now, and over
// the baseline window when the indicator has no SLO), then hands the numbers to the pure health model.
// Where the companion manages an SLO for the component's service, that SLO judges its category instead.
import {
  scoreComponent,
  scoreSystem,
  CATEGORIES,
  type Category,
  type Indicator,
  type SystemHealth,
} from '../models/health/index.js';
import type { SloDef } from '../slo/model.js';
import { componentOfLabel, discover, familiesPresent, fillComponent, FAMILIES, type Component } from '../discovery/index.js';
import type { HealthConfig, IndicatorConfig } from './config.js';
import type { PromReader } from './ports.js';
import { sloIndicators } from './slo-indicators.js';

export interface ScoreRun {
  now: number;
  /** Past scores per component (for the trend). */
  history?: (component: string) => { t: number; score: number }[];
  /**
   * Baselines kept between runs (key component/indicator): a day of history barely moves in a minute, so
   * it is re-read only every `baselineRefreshSeconds` instead of on every scoring run.
   */
  baselineCache?: Map<string, { at: number; values: number[] }>;
  /**
   * SLOs the companion manages: a category of a component whose service has an SLO there is judged
   * against that SLO (burn rate over the last hour); the configured indicators are the fallback when
   * there is no such SLO or its query gave nothing.
   */
  slos?: readonly SloDef[];
}

/**
 * The components to score: the configured list, the values of `componentLabel` in the `discovery` query's
 * result, or (neither set) generic discovery from labels. `present` (generic discovery only) names the
 * conventional metrics that exist, so default indicators of absent families are not queried at all.
 */
export async function discoverComponents(
  prom: PromReader,
  cfg: HealthConfig,
  now: number,
): Promise<{ components: Component[]; present?: Set<string>; errors: string[] }> {
  const byLabel = (names: string[]) => names.slice(0, cfg.maxComponents).map((n) => componentOfLabel(cfg.componentLabel, n));
  if (cfg.components?.length) return { components: byLabel(cfg.components), errors: [] };
  if (cfg.discovery) {
    const rows = await prom.query(cfg.discovery, now);
    return { components: byLabel([...new Set(rows.map((r) => r.labels[cfg.componentLabel]).filter((x): x is string => !!x))].sort()), errors: [] };
  }
  const d = await discover(prom, { now, max: cfg.maxComponents });
  return { components: d.components, present: d.present, errors: d.errors.map((e) => `discovery: ${e}`) };
}

/** Runs `fn` over items with at most `limit` in flight (Prometheus is shared with everyone else). */
async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function measure(prom: PromReader, cfg: HealthConfig, ic: IndicatorConfig, c: Component, run: ScoreRun): Promise<Indicator & { error?: string }> {
  const now = run.now;
  const component = c.name;
  const q = fillComponent(ic.query, c);
  const ind: Indicator & { error?: string } = { name: ic.name, value: undefined, betterWhen: ic.betterWhen, saturation: ic.saturation };
  if (ic.slo !== undefined) ind.slo = ic.slo;
  try {
    const rows = await prom.query(q, now);
    // Several series (e.g. per instance): the worst one speaks for the component.
    const vals = rows.map((r) => r.value).filter(Number.isFinite);
    if (vals.length) ind.value = ic.betterWhen === 'lower' ? Math.max(...vals) : Math.min(...vals);
    if (ic.slo === undefined && ind.value !== undefined) {
      const key = `${component}/${ic.name}`;
      const cached = run.baselineCache?.get(key);
      if (cached && now - cached.at < cfg.baselineRefreshSeconds) ind.baseline = cached.values;
      else {
        const end = now - cfg.baselineGapSeconds;
        const range = await prom.queryRange(q, end - cfg.baselineHours * 3600, end, cfg.baselineStepSeconds);
        const hist: number[] = [];
        for (const s of range) for (const v of s.values) if (Number.isFinite(v)) hist.push(v);
        ind.baseline = hist;
        run.baselineCache?.set(key, { at: now, values: hist });
      }
    }
  } catch (e) {
    ind.error = `query for ${ic.name} failed: ${(e as Error).message}`;
  }
  return ind;
}

export async function scoreFromPrometheus(prom: PromReader, cfg: HealthConfig, run: ScoreRun): Promise<SystemHealth & { errors: string[] }> {
  const found = await discoverComponents(prom, cfg, run.now);
  const errors: string[] = [...found.errors];
  // Default indicators of metric families with no series anywhere are skipped (a plain stack has no HTTP histograms).
  const absent = new Set(found.present ? FAMILIES.filter((f) => !familiesPresent(found.present).includes(f)).map((f) => f.name) : []);
  const configured = (cat: Category) => cfg.categories[cat].filter((ic) => !absent.has(ic.name));
  const scored = await mapLimit(found.components, 2, async (comp) => {
    const component = comp.name;
    const indicators: Partial<Record<Category, Indicator[]>> = {};
    const fromSlos = sloIndicators(run.slos ?? [], component);
    for (const cat of CATEGORIES) {
      const sloCfgs = fromSlos.filter((s) => s.category === cat).map((s) => s.indicator);
      let list: (Indicator & { error?: string })[] = [];
      if (sloCfgs.length) {
        list = await mapLimit(sloCfgs, 4, (ic) => measure(prom, cfg, ic, comp, run));
        // An SLO that measured nothing (query failed, no series yet) leaves the category to the configured indicators.
        if (!list.some((i) => i.value !== undefined)) {
          for (const i of list) if (i.error) errors.push(`${component}: ${i.error}`);
          list = [];
        }
      }
      if (!list.length) list = await mapLimit(configured(cat), 4, (ic) => measure(prom, cfg, ic, comp, run));
      for (const i of list) if (i.error) errors.push(`${component}: ${i.error}`);
      // Indicators a component does not expose at all (no db connections on the frontend) are simply absent.
      indicators[cat] = list.filter((i) => i.value !== undefined || i.error);
    }
    return scoreComponent(
      { component, indicators, history: run.history?.(component) ?? [] },
      { weights: cfg.weights, now: run.now },
    );
  });
  return { ...scoreSystem(scored, cfg.systemWeights), errors };
}
