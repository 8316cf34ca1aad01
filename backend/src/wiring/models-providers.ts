// Datasource providers for forecasts and anomalies: the live scheduler's latest results, with the
// observed history read from Prometheus over the panel's range, encoded with the shared contract.
import { anomaliesFrame, forecastFrame, type Anomaly, type Forecast, type Frame, type Option } from '@foresight/contract';
import type { AppContext } from '../context.js';
import { modelsServiceFor } from '../api/models.js';
import type { AnomalySeriesResult, CapacitySeriesResult, ForecastSeriesResult } from '../live/results.js';
import { seriesKey } from '../models/anomaly/group.js';
import { sensitivityScore, type Sensitivity } from '../models/anomaly/detector.js';

type Projected = ForecastSeriesResult | CapacitySeriesResult;

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).filter((k) => k !== '__name__');
  return ka.length === Object.keys(b).filter((k) => k !== '__name__').length && ka.every((k) => a[k] === b[k]);
}

/** `{a="1"}` style matcher → label pairs it requires (only `=` matchers; enough to pick one series). */
export function parseSeriesMatcher(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (text ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  return out;
}

const RECOMMENDATION: Record<CapacitySeriesResult['recommendation'], string> = {
  aggressive: 'Aggressive: growth is fast; add capacity now',
  moderate: 'Moderate: plan added capacity within the horizon',
  conservative: 'Conservative: growth is slow; no change needed yet',
  insufficient_history: 'No advice yet: less than one season (a day) of history',
};

export async function forecastProvider(ctx: AppContext, q: { target: string; series?: string }, fromMs: number, toMs: number, maxPoints = 500): Promise<Frame[]> {
  const svc = modelsServiceFor(ctx);
  const target = svc.config.targets.find((t) => t.name === q.target);
  if (!target) throw new Error(`no model target '${q.target}' (known: ${svc.config.targets.map((t) => t.name).join(', ') || 'none'})`);
  if (target.kind === 'anomaly') throw new Error(`target '${q.target}' is an anomaly target; forecasts come from forecast or capacity targets`);
  const want = parseSeriesMatcher(q.series);
  const matches = (labels: Record<string, string>): boolean => Object.entries(want).every(([k, v]) => labels[k] === v);
  const results = (svc.results(target.name) as Projected[]).filter((r) => matches(r.labels));
  // Series the target could not use: said in the panel, not only in the companion's log.
  const refused = svc.refused(target.name).filter((r) => matches(r.labels));
  const leftOut = refused.length ? `${refused.length} series left out: ${refused.slice(0, 3).map((r) => `${r.series}: ${r.reason}`).join('; ')}${refused.length > 3 ? '; …' : ''}` : '';
  if (results.length === 0) {
    if (leftOut) throw new Error(`no ${target.kind} result for target '${target.name}': ${leftOut}`);
    return [];
  }
  const start = Math.floor(fromMs / 1000);
  const end = Math.floor(Math.min(toMs, Date.now()) / 1000);
  // The panel's resolution, not the model's: a fresh series still shows every scrape it has.
  const step = Math.max(1, Math.ceil((end - start) / Math.max(10, maxPoints)));
  const history = end > start ? await ctx.prom.queryRange(target.query, start, end, step) : [];
  const frames = results.map((r) => {
    const h = history.find((s) => sameLabels(s.labels, r.labels));
    const hist = h ? Array.from(h.timestamps, (t, i) => [t * 1000, h.values[i]!] as const).filter(([, v]) => Number.isFinite(v)) : [];
    const fut = r.points;
    const n = hist.length + fut.length;
    const nulls = (k: number): null[] => new Array<null>(k).fill(null);
    const cap = r.kind === 'capacity' ? r : null;
    // Bytes, connections, depths: a series never seen below zero is not forecast below zero either.
    const floor = hist.length > 0 && hist.every(([, v]) => v >= 0) ? 0 : -Infinity;
    const lo = (v: number): number => Math.max(floor, v);
    const fc: Forecast = {
      target: target.name,
      series: r.series,
      timestamps: [...hist.map(([t]) => t), ...fut.map((p) => p.t * 1000)],
      history: [...hist.map(([, v]) => v), ...nulls(fut.length)],
      forecast: [...nulls(hist.length), ...fut.map((p) => p.forecast)],
      lo80: [...nulls(hist.length), ...fut.map((p) => lo(p.lo80))],
      hi80: [...nulls(hist.length), ...fut.map((p) => p.hi80)],
      lo95: [...nulls(hist.length), ...fut.map((p) => lo(p.lo95))],
      hi95: [...nulls(hist.length), ...fut.map((p) => p.hi95)],
      threshold: cap ? cap.threshold : null,
      crossingTime: cap && cap.exhaustionTime !== null ? cap.exhaustionTime * 1000 : null,
      headroom: cap ? cap.headroomRatio : null,
      recommendation: cap ? RECOMMENDATION[cap.recommendation] : `${r.model} forecast`,
      notes: r.notes,
    };
    if (fc.timestamps.length !== n) throw new Error('forecast points misaligned');
    return forecastFrame(fc);
  });
  if (leftOut) frames[0]!.meta = { ...frames[0]!.meta, notices: [...(frames[0]!.meta?.notices ?? []), { severity: 'warning', text: leftOut }] };
  return frames;
}

export function anomaliesProvider(ctx: AppContext, q: { target?: string; minScore?: number; sensitivity?: Sensitivity }, fromMs: number, toMs: number): Frame[] {
  const svc = modelsServiceFor(ctx);
  const min = Math.max(q.minScore ?? 0, q.sensitivity ? sensitivityScore(q.sensitivity) : 0);
  const list: Anomaly[] = [];
  for (const r of svc.results(q.target, 'anomaly') as AnomalySeriesResult[]) {
    for (const p of r.recent) {
      const t = p.t * 1000;
      if (!p.anomaly || p.score < min || t < fromMs || t > toMs) continue;
      list.push({ time: t, target: r.target, series: r.series || seriesKey(r.labels), score: p.score, value: p.value, expected: p.expected });
    }
  }
  list.sort((a, b) => b.time - a.time);
  return [anomaliesFrame(list)];
}

/** Targets a forecast query can name: forecast and capacity ones (anomaly targets have no forecast). */
export function targetOptions(ctx: AppContext): Option[] {
  return modelsServiceFor(ctx)
    .config.targets.filter((t) => t.kind !== 'anomaly')
    .map((t) => ({ value: t.name, text: `${t.name} (${t.kind})` }));
}
