// Ties the health pieces together: score from Prometheus on an interval, keep history in the store,
// export foresight_health_* series, and keep the latest result for the API.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SystemHealth } from '../models/health/index.js';
import type { SloDef } from '../slo/model.js';
import { parseHealthConfig, type HealthConfig } from './config.js';
import { HealthHistory } from './history.js';
import { createHealthMetrics, type HealthMetrics } from './exporter.js';
import { scoreFromPrometheus } from './scorer.js';
import type { PromReader, StoreLike } from './ports.js';

export interface HealthServiceOptions {
  prom: PromReader;
  store: StoreLike;
  /** Raw `health:` section of the companion config (validated here), or an already parsed config. */
  config?: unknown;
  registry?: Registry;
  log?: Logger;
  /** The SLOs the companion manages (read on every run, so new SLOs count at the next score). */
  slos?: () => readonly SloDef[];
}

export type HealthSnapshot = SystemHealth & { at: number; errors: string[] };

export class HealthService {
  readonly config: HealthConfig;
  readonly history: HealthHistory;
  private readonly metrics?: HealthMetrics;
  private last?: HealthSnapshot;
  private timer?: NodeJS.Timeout;
  private running?: Promise<HealthSnapshot>;
  private readonly baselineCache = new Map<string, { at: number; values: number[] }>();

  constructor(private readonly o: HealthServiceOptions) {
    this.config = parseHealthConfig(o.config);
    this.history = new HealthHistory(o.store);
    if (o.registry) this.metrics = createHealthMetrics(o.registry);
  }

  latest(): HealthSnapshot | undefined {
    return this.last;
  }

  /** One scoring run; concurrent callers share the run in flight. */
  runOnce(now = Date.now() / 1000): Promise<HealthSnapshot> {
    this.running ??= this.score(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async score(now: number): Promise<HealthSnapshot> {
    const trendSince = now - 6 * 3600;
    let slos: readonly SloDef[] = [];
    try {
      slos = this.o.slos?.() ?? [];
    } catch (e) {
      // Stored SLOs that no longer validate must not stop health scoring: fall back to the baselines.
      this.o.log?.warn({ err: (e as Error).message }, 'health: SLOs unavailable, judging by baselines');
    }
    const sys = await scoreFromPrometheus(this.o.prom, this.config, {
      now,
      history: (c) => this.history.scores(c, trendSince),
      baselineCache: this.baselineCache,
      slos,
    });
    const snap: HealthSnapshot = { ...sys, at: now };
    this.history.record(sys, now);
    this.history.prune(now - this.config.historyDays * 86400);
    this.metrics?.update(sys);
    this.last = snap;
    if (sys.errors.length) this.o.log?.warn({ errors: sys.errors.slice(0, 5) }, 'health: some queries failed');
    return snap;
  }

  start(): void {
    if (this.timer) return;
    const tick = () =>
      this.runOnce().catch((e: unknown) => this.o.log?.error({ err: e }, 'health scoring failed'));
    void tick();
    this.timer = setInterval(tick, this.config.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
