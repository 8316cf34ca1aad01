// SLO status served from memory: budgets, SLIs and burn rates are computed on a cadence (and on the
// first miss, once per SLO however many requests ask), so a dashboard refresh costs no Prometheus work.
// The parsed SLO list is kept until the stored spec sources change. Each answer carries its age; when
// Prometheus cannot be reached the last good figures are served with a notice saying since when.
import { createHash } from 'node:crypto';
import { computeBudget, type BudgetReport } from '../slo/budget.js';
import type { SloDef } from '../slo/model.js';
import { SloRepository, type SloStoreLike } from '../slo/store.js';
import type { QueryPromApi } from '../rules/prom-api.js';

export interface CachedReport {
  report: BudgetReport;
  /** when the figures were computed (unix ms) */
  asOf: number;
  /** set when the latest refresh failed: the figures are older than they should be */
  stale?: string;
}

interface Entry {
  value?: CachedReport;
  /** in-flight computation (single flight) */
  pending?: Promise<CachedReport>;
  lastError?: { at: number; message: string };
}

const hhmm = (ms: number): string => new Date(ms).toTimeString().slice(0, 5);

export class SloStatusCache {
  private defsKey = '';
  private defsValue: SloDef[] = [];
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly o: { store: SloStoreLike; prom: QueryPromApi; refreshMs: number; now?: () => number; log?: { warn(obj: object, msg?: string): void } },
  ) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** The SLO definitions, parsed again only when the stored sources changed (an apply shows at once). */
  defs(): SloDef[] {
    const repo = new SloRepository(this.o.store);
    const sources = repo.sources();
    const key = createHash('sha1').update(JSON.stringify(sources)).digest('hex');
    if (key !== this.defsKey) {
      this.defsValue = repo.load().slos;
      this.defsKey = key;
      for (const id of this.entries.keys()) if (!this.defsValue.some((d) => d.id === id)) this.entries.delete(id);
    }
    return this.defsValue;
  }

  private compute(def: SloDef, e: Entry): Promise<CachedReport> {
    if (e.pending) return e.pending;
    const p = (async () => {
      try {
        const at = this.now();
        const report = await computeBudget(this.o.prom, def, Math.floor(at / 1000));
        e.value = { report, asOf: at };
        e.lastError = undefined;
        return e.value;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        e.lastError = { at: this.now(), message };
        if (e.value) return { ...e.value, stale: `as of ${hhmm(e.value.asOf)}, Prometheus unreachable: ${message.slice(0, 200)}` };
        throw err;
      } finally {
        e.pending = undefined;
      }
    })();
    e.pending = p;
    return p;
  }

  /**
   * The SLO's figures from memory when they are at most two refresh periods old; else computed now (once,
   * shared by concurrent callers). While Prometheus is failing, the last good figures with a staleness note.
   */
  async get(def: SloDef): Promise<CachedReport> {
    let e = this.entries.get(def.id);
    if (!e) this.entries.set(def.id, (e = {}));
    const now = this.now();
    if (e.value && now - e.value.asOf <= 2 * this.o.refreshMs) return e.value;
    if (e.value && e.lastError && now - e.lastError.at < this.o.refreshMs) {
      return { ...e.value, stale: `as of ${hhmm(e.value.asOf)}, Prometheus unreachable: ${e.lastError.message.slice(0, 200)}` };
    }
    return this.compute(def, e);
  }

  /** Recomputes every SLO (one at a time: the refresh never competes with itself for Prometheus). */
  async refresh(): Promise<void> {
    for (const def of this.defs()) {
      let e = this.entries.get(def.id);
      if (!e) this.entries.set(def.id, (e = {}));
      await this.compute(def, e).catch((err: unknown) => this.o.log?.warn({ err: err instanceof Error ? err.message : String(err), slo: def.id }, 'slo status refresh failed'));
    }
  }

  start(): this {
    if (this.timer || this.o.refreshMs <= 0) return this;
    let busy = false;
    const tick = (): void => {
      if (busy) return;
      busy = true;
      void this.refresh().finally(() => (busy = false));
    };
    this.timer = setInterval(tick, this.o.refreshMs);
    this.timer.unref(); // never keeps the process alive on its own
    tick();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
