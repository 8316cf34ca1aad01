// The live model scheduler: every `intervalSeconds` it evaluates the configured targets (at most
// `concurrency` at once), on the series this replica owns (hashmod sharding), at most
// `maxSeriesPerTarget` each (the rest dropped and counted). Anomaly detectors keep learning
// incrementally: only points newer than each series' last one are fed, and their state is saved to the
// store every cycle and restored on restart. The first cycle reads `lookback` (default warmupPoints *
// step) to prime the warm-up; later cycles read only from the oldest series' last point on, so a series
// that appears later warms up live. Forecast and capacity targets refit on their lookback each cycle.
import type { Registry } from 'prom-client';
import { OnlineAnomalyDetector, type AnomalyOptions } from '../models/anomaly/detector.js';
import { groupAnomalies, seriesKey, type Finding, type SeriesAnomaly } from '../models/anomaly/group.js';
import { capacity } from '../models/capacity/capacity.js';
import { humanDuration } from '../models/capacity/rules.js';
import { type Forecast } from '../models/forecast/forecast.js';
import { forecastSeries, type SeriesForecast } from '../models/forecast/series.js';
import { parseModelsConfig, type ModelTarget, type ModelsConfig } from './config.js';
import { ModelsExporter } from './exporter.js';
import { silentLog, type Labels, type LogLike, type PromRangeReader, type RangeSeries, type StoreLike } from './ports.js';
import type { AnomalyPoint, AnomalySeriesResult, CapacitySeriesResult, CycleReport, ForecastPoint, ForecastSeriesResult, RefusedSeries, SeriesResult, TargetStatus } from './results.js';
import { ownsSeries } from './shard.js';
import { ModelsState } from './state.js';

export interface SchedulerDeps {
  prom: PromRangeReader;
  store: StoreLike;
  registry: Registry;
  /** Raw `models:` config (validated here) or an already parsed one. */
  config: unknown;
  log?: LogLike;
  /** Clock in unix seconds (tests pass a fixed one). */
  now?: () => number;
}

const RECENT = 120;
const MAX_POINTS_OUT = 2000;
/** Seconds after its last sample a gone anomaly series (its detector and stored state) is forgotten. */
const GONE_FORGOTTEN = 7 * 86_400;
/** Refused series a target's status lists at most (the dropped-series counter has them all). */
const MAX_REFUSED_LISTED = 20;

/**
 * Seconds without a sample after which a forecast or capacity series counts as gone: two query steps
 * (its last point may be up to a step before the query's end) plus Prometheus' 5 minutes of lookback, and
 * at least 15 minutes (a slow scrape interval leaves holes that long in a live series).
 */
export function staleAfter(step: number): number {
  return Math.max(2 * step + 300, 900);
}

function ageText(seconds: number): string {
  return seconds < 7200 ? `${Math.round(seconds / 60)} min` : seconds < 172_800 ? `${(seconds / 3600).toFixed(1)} h` : `${(seconds / 86_400).toFixed(1)} d`;
}

/** Detector options of one series: the target's, with the first matching `seriesSensitivity` entry. */
export function anomalyOptions(t: ModelTarget, labels: Labels): AnomalyOptions {
  const own = t.seriesSensitivity.find((o) => Object.entries(o.matchLabels).every(([k, v]) => labels[k] === v));
  return {
    sensitivity: own?.sensitivity ?? t.sensitivity,
    ...(t.scoreThreshold !== undefined && !own ? { threshold: t.scoreThreshold } : {}),
    // Warm-up in time: as configured, else the span of the primed history (warmupPoints at this step).
    warmupSeconds: t.warmupSeconds ?? (t.warmupPoints - 1) * t.step,
    ...(t.minDurationSeconds !== undefined ? { minDurationSeconds: t.minDurationSeconds } : {}),
    ...(t.adaptSeconds !== undefined ? { adaptSeconds: t.adaptSeconds } : {}),
  };
}

function withoutName(l: Labels): Labels {
  const { __name__: _n, ...rest } = l;
  return rest;
}

function forecastPoints(fc: Forecast, origin: number, step: number): ForecastPoint[] {
  const n = fc.mean.length;
  const stride = Math.max(1, Math.ceil(n / MAX_POINTS_OUT));
  const out: ForecastPoint[] = [];
  for (let i = 0; i < n; i += stride) {
    out.push({ t: origin + (i + 1) * step, forecast: fc.mean[i]!, lo80: fc.lo80[i]!, hi80: fc.hi80[i]!, lo95: fc.lo95[i]!, hi95: fc.hi95[i]! });
  }
  if ((n - 1) % stride !== 0) {
    const i = n - 1;
    out.push({ t: origin + n * step, forecast: fc.mean[i]!, lo80: fc.lo80[i]!, hi80: fc.hi80[i]!, lo95: fc.lo95[i]!, hi95: fc.hi95[i]! });
  }
  return out;
}

export class ModelScheduler {
  readonly config: ModelsConfig;
  private readonly exporter: ModelsExporter;
  private readonly state: ModelsState;
  private readonly log: LogLike;
  private readonly now: () => number;
  private readonly detectors = new Map<string, Map<string, OnlineAnomalyDetector>>();
  private readonly recent = new Map<string, AnomalyPoint[]>(); // target\0series -> recent points
  private readonly byTarget = new Map<string, Map<string, SeriesResult>>();
  private readonly status = new Map<string, TargetStatus>();
  private readonly refusedBy = new Map<string, Map<string, RefusedSeries>>(); // target -> series key -> why, as of the last cycle
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<CycleReport> | null = null;
  private stopped = false;
  /** Called after each completed cycle (the wiring starts root-cause analysis for new findings); errors are logged. */
  onCycle: ((report: CycleReport) => void) | null = null;

  constructor(private readonly deps: SchedulerDeps) {
    this.config = parseModelsConfig(deps.config);
    this.log = deps.log ?? silentLog;
    this.now = deps.now ?? (() => Date.now() / 1000);
    this.exporter = new ModelsExporter(deps.registry, this.config.maxExportedSeries);
    this.state = new ModelsState(deps.store);
    this.state.prune(this.config.targets.map((t) => t.name));
    // Serve the last known results right after a restart.
    for (const r of this.state.loadResults()) {
      this.resultsFor(r.target).set(r.series, r.result as SeriesResult);
      // The anomalous points saved with a result seed its recent window, so findings survive a restart.
      const rec = (r.result as Partial<AnomalySeriesResult>).recent;
      if (r.kind === 'anomaly' && Array.isArray(rec) && rec.length) this.recent.set(`${r.target}\0${r.series}`, [...rec]);
    }
    for (const t of this.config.targets) this.status.set(t.name, { target: t.name, kind: t.kind, lastRun: null, durationMs: null, series: 0, dropped: 0, error: null, refused: [] });
  }

  private resultsFor(target: string): Map<string, SeriesResult> {
    let m = this.byTarget.get(target);
    if (!m) this.byTarget.set(target, (m = new Map()));
    return m;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    const tick = (): void => {
      this.runOnce()
        .catch((e: unknown) => this.log.error({ err: String(e) }, 'models cycle failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.config.intervalSeconds * 1000);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One evaluation cycle over all targets (concurrent calls share the running cycle). */
  runOnce(): Promise<CycleReport> {
    if (this.running) return this.running;
    this.running = this.cycle()
      .then((report) => {
        try {
          this.onCycle?.(report);
        } catch (e) {
          this.log.error({ err: String(e) }, 'models onCycle callback failed');
        }
        return report;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async cycle(): Promise<CycleReport> {
    const at = this.now();
    const queue = [...this.config.targets];
    const worker = async (): Promise<void> => {
      for (let t = queue.shift(); t; t = queue.shift()) await this.evaluate(t, at);
    };
    await Promise.all(Array.from({ length: Math.min(this.config.concurrency, queue.length) }, worker));
    return { at, targets: this.config.targets.map((t) => this.status.get(t.name)!) };
  }

  /** Owned series, sorted by key and capped; the rest counted as dropped. */
  private select(target: ModelTarget, series: RangeSeries[]): { keep: [string, RangeSeries][]; dropped: number } {
    const { index, count } = this.config.replica;
    const owned = series.filter((s) => ownsSeries(s.labels, index, count)).map((s) => [seriesKey(s.labels), s] as [string, RangeSeries]);
    owned.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const dropped = Math.max(0, owned.length - this.config.maxSeriesPerTarget);
    if (dropped) this.exporter.dropped.inc({ target: target.name, reason: 'series_cap' }, dropped);
    return { keep: owned.slice(0, this.config.maxSeriesPerTarget), dropped };
  }

  private async evaluate(t: ModelTarget, at: number): Promise<void> {
    const st = this.status.get(t.name)!;
    const started = performance.now();
    try {
      const end = Math.floor(at / t.step) * t.step;
      if (t.kind === 'anomaly') await this.evalAnomaly(t, end, st);
      else await this.evalForecast(t, end, st);
      st.error = null;
    } catch (e) {
      st.error = (e as Error).message;
      this.exporter.evalErrors.inc({ target: t.name });
      this.log.warn({ target: t.name, err: st.error }, 'models target evaluation failed');
    }
    st.lastRun = at;
    st.durationMs = performance.now() - started;
    this.exporter.evalDuration.set({ target: t.name }, st.durationMs / 1000);
  }

  private detectorsFor(t: ModelTarget): Map<string, OnlineAnomalyDetector> {
    let m = this.detectors.get(t.name);
    if (!m) {
      m = new Map();
      for (const [series, s] of this.state.loadAnomalyStates(t.name)) {
        try {
          m.set(series, OnlineAnomalyDetector.fromJSON(s));
        } catch (e) {
          this.log.warn({ target: t.name, series, err: (e as Error).message }, 'dropping unreadable anomaly state');
        }
      }
      this.detectors.set(t.name, m);
    }
    return m;
  }

  private async evalAnomaly(t: ModelTarget, end: number, st: TargetStatus): Promise<void> {
    const dets = this.detectorsFor(t);
    const lookback = t.lookback ?? Math.max(t.warmupPoints * t.step, t.warmupSeconds ?? 0);
    // Series gone (no sample for a while) do not hold the read back: with one departed pod among them,
    // every cycle read the whole lookback again instead of what is new.
    const live = end - staleAfter(t.step);
    let lastSeen = Infinity;
    for (const d of dets.values()) if (d.lastTimestamp >= live) lastSeen = Math.min(lastSeen, d.lastTimestamp);
    // Known series need only what is new since their last point; the first cycle primes the warm-up.
    const start = Number.isFinite(lastSeen) && dets.size ? Math.max(end - lookback, lastSeen + t.step) : end - lookback;
    if (start > end) return;
    const raw = await this.deps.prom.queryRange(t.query, start, end, t.step);
    const { keep, dropped } = this.select(t, raw);
    const results = this.resultsFor(t.name);
    const changed = new Map<string, unknown>();
    const seen = new Set<string>();
    for (const [key, s] of keep) {
      seen.add(key);
      let d = dets.get(key);
      if (!d) dets.set(key, (d = new OnlineAnomalyDetector(anomalyOptions(t, s.labels))));
      const rk = `${t.name}\0${key}`;
      const recent = this.recent.get(rk) ?? [];
      for (let i = 0; i < s.timestamps.length; i++) {
        const ts = s.timestamps[i]!;
        if (ts <= d.lastTimestamp) continue;
        const r = d.update(ts, s.values[i]!);
        if (r.skipped) continue;
        recent.push({
          t: ts, value: s.values[i]!, score: r.score, anomaly: r.anomaly, severity: r.severity, detectors: r.detectors,
          expected: r.warmup ? null : r.expected, lower: r.warmup ? null : r.lower, upper: r.warmup ? null : r.upper,
        });
      }
      if (recent.length > RECENT) recent.splice(0, recent.length - RECENT);
      this.recent.set(rk, recent);
      const latest = recent.length ? recent[recent.length - 1]! : null;
      const res: AnomalySeriesResult = { kind: 'anomaly', target: t.name, series: key, labels: s.labels, warmup: !d.ready, periodSeconds: d.periodSeconds, latest, recent };
      results.set(key, res);
      changed.set(key, d.toJSON());
      if (latest && latest.expected !== null) this.exporter.anomaly(t.name, key, { score: latest.score, anomaly: latest.anomaly, expected: latest.expected, lower: latest.lower!, upper: latest.upper! });
    }
    this.state.saveAnomalyStates(t.name, changed, end);
    // Only the anomalous recent points are kept on disk (what findings are built from), not the whole window.
    this.state.saveResults(t.name, 'anomaly', new Map([...changed.keys()].map((k) => [k, { ...results.get(k)!, recent: results.get(k)!.kind === 'anomaly' ? (results.get(k) as AnomalySeriesResult).recent.filter((p) => p.anomaly) : [] }])), end);
    // Series gone from the query (or moved to another replica) stop being exported and served; an empty
    // answer (Prometheus briefly without data) changes nothing.
    if (raw.length > 0) {
      this.exporter.retain(t.name, seen, 'anomaly');
      for (const k of [...results.keys()]) if (!seen.has(k)) results.delete(k);
    }
    // A series gone for a week is forgotten (its learned baseline too): series come and go in a cluster,
    // and their detectors would otherwise pile up in memory and in the store.
    const forget = end - GONE_FORGOTTEN;
    for (const [k, d] of dets) {
      if (d.lastTimestamp >= forget || seen.has(k)) continue;
      dets.delete(k);
      this.recent.delete(`${t.name}\0${k}`);
    }
    this.state.forgetBefore(t.name, forget);
    st.series = keep.length;
    st.dropped = dropped;
    this.exporter.seriesGauge.set({ target: t.name }, keep.length);
  }

  private async thresholds(t: ModelTarget, end: number): Promise<(labels: Labels) => number | undefined> {
    if (typeof t.threshold === 'number') {
      const v = t.threshold;
      return () => v;
    }
    if (t.threshold === undefined) return () => undefined;
    const res = await this.deps.prom.queryRange(t.threshold, end - 5 * t.step, end, t.step);
    const byKey = new Map<string, number>();
    for (const s of res) if (s.values.length) byKey.set(seriesKey(withoutName(s.labels)), s.values[s.values.length - 1]!);
    const only = res.length === 1 && res[0]!.values.length ? res[0]!.values[res[0]!.values.length - 1]! : undefined;
    // Same labels (ignoring the metric name), or a single scalar-like series for every target series.
    return (labels) => byKey.get(seriesKey(withoutName(labels))) ?? only;
  }

  private async evalForecast(t: ModelTarget, end: number, st: TargetStatus): Promise<void> {
    const lookback = t.lookback ?? 7 * 86_400;
    const raw = await this.deps.prom.queryRange(t.query, end - lookback, end, t.step);
    const { keep, dropped } = this.select(t, raw);
    const thr = t.kind === 'capacity' ? await this.thresholds(t, end) : () => undefined;
    const results = this.resultsFor(t.name);
    const fresh = new Map<string, SeriesResult>();
    const horizonSteps = Math.max(1, Math.ceil(t.horizon / t.step));
    const hLabel = humanDuration(horizonSteps * t.step);
    const before = this.refusedBy.get(t.name) ?? new Map<string, RefusedSeries>();
    const refused = new Map<string, RefusedSeries>();
    // Logged when a series is first refused or for a new reason, not every cycle (a real stack may carry
    // a series that stays unusable for days); the target's status lists the current ones. One that is
    // gone (stopped reporting) is said once at info level and not listed: in a cluster whose pods come and
    // go, a warning per departed pod for the whole lookback would only be noise.
    const refuse = (key: string, labels: Labels, why: string, gone = false): void => {
      refused.set(key, { series: key, labels, reason: why, gone });
      const was = before.get(key);
      if (was && (gone ? was.gone : was.reason === why)) return; // (a gone series' age grows every cycle)
      if (gone) this.log.info({ target: t.name, series: key, reason: why }, 'series gone: no longer forecast');
      else this.log.warn({ target: t.name, series: key, err: why }, t.kind === 'capacity' ? 'series not analysed for capacity' : 'series not forecast');
    };
    for (const [key, s] of keep) {
      // A series that stopped reporting (an instance or volume gone) is not forecast from its last data:
      // its results would stay exported for the whole lookback, and a capacity alert on them with it.
      const age = end - (s.timestamps[s.timestamps.length - 1] ?? -Infinity);
      if (age > staleAfter(t.step)) {
        refuse(key, s.labels, `no sample for the last ${ageText(age)}: the series stopped reporting`, true);
        this.exporter.dropped.inc({ target: t.name, reason: 'stale' });
        continue;
      }
      if (t.kind === 'capacity') {
        const threshold = thr(s.labels);
        if (threshold === undefined || !Number.isFinite(threshold)) {
          refuse(key, s.labels, threshold === undefined ? 'no threshold: the threshold query returned no series with these labels' : `threshold ${threshold} is not a finite number`);
          this.exporter.dropped.inc({ target: t.name, reason: 'no_threshold' });
          continue;
        }
        let c: ReturnType<typeof capacity>;
        try {
          c = capacity(s.timestamps, s.values, { threshold, direction: t.direction, horizonSeconds: t.horizon, season: t.season, step: t.step });
        } catch (e) {
          refuse(key, s.labels, (e as Error).message);
          this.exporter.dropped.inc({ target: t.name, reason: 'invalid_input' });
          continue;
        }
        const origin = s.timestamps[s.timestamps.length - 1]!;
        const res: CapacitySeriesResult = {
          kind: 'capacity', target: t.name, series: key, labels: s.labels, current: c.current, threshold: c.threshold, headroom: c.headroom,
          headroomRatio: c.headroomRatio, growthPerDay: c.growthPerDay, growthRatioPerDay: c.growthRatioPerDay,
          secondsToThreshold: c.secondsToThreshold, secondsToThresholdLow: c.secondsToThresholdLow, secondsToThresholdHigh: c.secondsToThresholdHigh,
          exhaustionTime: c.secondsToThreshold === null ? null : origin + c.secondsToThreshold,
          recommendation: c.recommendation, suggestedCapacity: c.suggestedCapacity, model: c.forecast.model, origin, notes: c.notes,
          points: forecastPoints(c.forecast, origin, c.stepSeconds),
        };
        fresh.set(key, res);
        this.exporter.capacity(t.name, key, c);
      } else {
        // The same path as `foresight forecast` (clean, check, forecast); a series it refuses is skipped.
        let sf: SeriesForecast;
        try {
          sf = forecastSeries(s.timestamps, s.values, { horizon: horizonSteps, season: t.season, step: t.step });
        } catch (e) {
          refuse(key, s.labels, (e as Error).message);
          this.exporter.dropped.inc({ target: t.name, reason: 'invalid_input' });
          continue;
        }
        const { forecast: fc, origin } = sf;
        const res: ForecastSeriesResult = { kind: 'forecast', target: t.name, series: key, labels: s.labels, model: fc.model, stepSeconds: t.step, origin, notes: fc.notes, points: forecastPoints(fc, origin, t.step) };
        fresh.set(key, res);
        const i = horizonSteps - 1;
        this.exporter.forecast(t.name, key, { horizon: hLabel, value: fc.mean[i]!, lo95: fc.lo95[i]!, hi95: fc.hi95[i]! });
      }
    }
    for (const key of before.keys()) if (fresh.has(key)) this.log.info({ target: t.name, series: key }, 'series usable again');
    this.refusedBy.set(t.name, refused);
    st.refused = this.refused(t.name).slice(0, MAX_REFUSED_LISTED).map(({ series, reason }) => ({ series, reason }));
    results.clear();
    for (const [k, v] of fresh) results.set(k, v);
    this.exporter.retain(t.name, new Set(fresh.keys()), t.kind, hLabel);
    this.state.saveResults(t.name, t.kind, fresh, end);
    this.state.forgetBefore(t.name, end); // results of series not forecast this cycle
    st.series = keep.length;
    st.dropped = dropped;
    this.exporter.seriesGauge.set({ target: t.name }, keep.length);
  }

  // ---- read side (API) ----
  targets(): TargetStatus[] {
    return this.config.targets.map((t) => ({ ...this.status.get(t.name)! }));
  }

  /** Series of a forecast or capacity target left out in its last cycle, and why (not those gone). */
  refused(target: string): RefusedSeries[] {
    return [...(this.refusedBy.get(target)?.values() ?? [])].filter((r) => !r.gone);
  }

  results(target?: string, kind?: SeriesResult['kind']): SeriesResult[] {
    const out: SeriesResult[] = [];
    for (const [name, m] of this.byTarget) {
      if (target && name !== target) continue;
      for (const r of m.values()) if (!kind || r.kind === kind) out.push(r);
    }
    return out;
  }

  /** Anomalous recent points of all anomaly targets grouped into findings (one per component incident). */
  findings(componentLabels?: string[], gapSeconds?: number): Finding[] {
    const events: SeriesAnomaly[] = [];
    for (const r of this.results(undefined, 'anomaly') as AnomalySeriesResult[]) {
      for (const p of r.recent) if (p.anomaly) events.push({ labels: { ...r.labels, foresight_target: r.target }, t: p.t, score: p.score, detectors: p.detectors });
    }
    return groupAnomalies(events, { ...(componentLabels ? { componentLabels } : {}), ...(gapSeconds ? { gapSeconds } : {}) });
  }
}
