// Model outputs as Prometheus series on the companion's /metrics (prom-client), so history, alert rules
// on predictions and ordinary Grafana panels all work. Cardinality is capped: at most
// `maxSeries` (target, series) pairs are exported; the rest are counted in
// foresight_model_series_dropped_total{target, reason="export_cap"} and not exported.
import { Counter, Gauge, type Registry } from 'prom-client';

type Names = 'target' | 'series';

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  // Reuse on the same registry (a second scheduler in one process must not throw on re-registration).
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

export interface AnomalyExport {
  score: number;
  anomaly: boolean;
  expected: number;
  lower: number;
  upper: number;
}
export interface ForecastExport {
  horizon: string;
  value: number;
  lo95: number;
  hi95: number;
}
export interface CapacityExport {
  secondsToThreshold: number | null;
  headroomRatio: number;
  growthPerDay: number;
}

export class ModelsExporter {
  readonly anomalyScore: Gauge<Names>;
  readonly anomalyFlag: Gauge<Names>;
  readonly anomalyExpected: Gauge<Names>;
  readonly anomalyLower: Gauge<Names>;
  readonly anomalyUpper: Gauge<Names>;
  readonly forecastValue: Gauge<Names | 'horizon'>;
  readonly forecastLower: Gauge<Names | 'horizon'>;
  readonly forecastUpper: Gauge<Names | 'horizon'>;
  readonly capSeconds: Gauge<Names>;
  readonly capHeadroom: Gauge<Names>;
  readonly capGrowth: Gauge<Names>;
  readonly dropped: Counter<'target' | 'reason'>;
  readonly seriesGauge: Gauge<'target'>;
  readonly evalDuration: Gauge<'target'>;
  readonly evalErrors: Counter<'target'>;
  private readonly exported = new Map<string, Set<string>>(); // target -> series keys exported
  private total = 0;

  constructor(registry: Registry, private readonly maxSeries: number) {
    this.anomalyScore = gauge(registry, 'foresight_anomaly_score', 'Calibrated anomaly score in [0,1] of the latest point (score s <=> null tail probability 10^-8s).', ['target', 'series']);
    this.anomalyFlag = gauge(registry, 'foresight_anomaly_flag', '1 when the latest point is flagged anomalous.', ['target', 'series']);
    this.anomalyExpected = gauge(registry, 'foresight_anomaly_expected', 'Expected value of the latest point (seasonal baseline).', ['target', 'series']);
    this.anomalyLower = gauge(registry, 'foresight_anomaly_band_lower', 'Lower edge of the normal band at the flag threshold.', ['target', 'series']);
    this.anomalyUpper = gauge(registry, 'foresight_anomaly_band_upper', 'Upper edge of the normal band at the flag threshold.', ['target', 'series']);
    this.forecastValue = gauge(registry, 'foresight_forecast_value', 'Point forecast at the horizon.', ['target', 'series', 'horizon']);
    this.forecastLower = gauge(registry, 'foresight_forecast_lower95', 'Lower 95% prediction bound at the horizon.', ['target', 'series', 'horizon']);
    this.forecastUpper = gauge(registry, 'foresight_forecast_upper95', 'Upper 95% prediction bound at the horizon.', ['target', 'series', 'horizon']);
    this.capSeconds = gauge(registry, 'foresight_capacity_seconds_to_threshold', 'Seconds until the forecast crosses the threshold (+Inf: not within the horizon).', ['target', 'series']);
    this.capHeadroom = gauge(registry, 'foresight_capacity_headroom_ratio', 'Headroom now as a fraction of the threshold.', ['target', 'series']);
    this.capGrowth = gauge(registry, 'foresight_capacity_growth_per_day', 'Robust growth towards the threshold per day (units of the series).', ['target', 'series']);
    this.dropped = counter(registry, 'foresight_model_series_dropped_total', 'Series not evaluated or not exported because of a cap.', ['target', 'reason']);
    this.seriesGauge = gauge(registry, 'foresight_model_series', 'Series evaluated by this replica in the last cycle.', ['target']);
    this.evalDuration = gauge(registry, 'foresight_model_evaluation_seconds', 'Duration of the last evaluation of a target.', ['target']);
    this.evalErrors = counter(registry, 'foresight_model_evaluation_errors_total', 'Failed target evaluations.', ['target']);
  }

  /** Admits a series for export under the cap; false (and counted) when over it. */
  private admit(target: string, series: string): boolean {
    let set = this.exported.get(target);
    if (!set) this.exported.set(target, (set = new Set()));
    if (set.has(series)) return true;
    if (this.total >= this.maxSeries) {
      this.dropped.inc({ target, reason: 'export_cap' });
      return false;
    }
    set.add(series);
    this.total++;
    return true;
  }

  /** Removes series of `target` that were not in the latest cycle (they vanished or moved replica). */
  retain(target: string, keep: Set<string>, kind: 'anomaly' | 'forecast' | 'capacity', horizon?: string): void {
    const set = this.exported.get(target);
    if (!set) return;
    for (const s of [...set]) {
      if (keep.has(s)) continue;
      set.delete(s);
      this.total--;
      const l = { target, series: s };
      if (kind === 'anomaly') for (const g of [this.anomalyScore, this.anomalyFlag, this.anomalyExpected, this.anomalyLower, this.anomalyUpper]) g.remove(l);
      if (kind === 'forecast' && horizon) for (const g of [this.forecastValue, this.forecastLower, this.forecastUpper]) g.remove({ ...l, horizon });
      if (kind === 'capacity') for (const g of [this.capSeconds, this.capHeadroom, this.capGrowth]) g.remove(l);
    }
  }

  anomaly(target: string, series: string, a: AnomalyExport): void {
    if (!this.admit(target, series)) return;
    const l = { target, series };
    this.anomalyScore.set(l, a.score);
    this.anomalyFlag.set(l, a.anomaly ? 1 : 0);
    this.anomalyExpected.set(l, a.expected);
    this.anomalyLower.set(l, a.lower);
    this.anomalyUpper.set(l, a.upper);
  }

  forecast(target: string, series: string, f: ForecastExport): void {
    if (!this.admit(target, series)) return;
    const l = { target, series, horizon: f.horizon };
    this.forecastValue.set(l, f.value);
    this.forecastLower.set(l, f.lo95);
    this.forecastUpper.set(l, f.hi95);
  }

  capacity(target: string, series: string, c: CapacityExport): void {
    if (!this.admit(target, series)) return;
    const l = { target, series };
    this.capSeconds.set(l, c.secondsToThreshold ?? Infinity);
    this.capHeadroom.set(l, c.headroomRatio);
    this.capGrowth.set(l, c.growthPerDay);
  }
}
