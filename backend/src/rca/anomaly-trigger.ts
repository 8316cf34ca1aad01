// Anomaly groups as incidents: after each models cycle the scheduler's findings (one per component and
// burst of anomalies) are checked against the ones already investigated, and each NEW one becomes one
// investigation request. A finding grows from cycle to cycle (its end moves on, members join), so it is
// recognised by component + overlapping time window, not by identity.
import type { Finding } from '../models/anomaly/group.js';
import { requestFromAnomalies } from './from-alerts.js';
import type { InvestigateRequest } from './investigate.js';

export interface FindingDedupeOptions {
  /** Windows of one component closer than this are the same incident (default 600 s, the grouping gap). */
  gapSeconds?: number;
  /** Remembered windows that ended longer ago than this are forgotten (default 1 day). */
  keepSeconds?: number;
  /** Findings that ended longer ago than this are history, not incidents (e.g. restored after a restart; default 1 h). */
  maxAgeSeconds?: number;
}

type FindingWindow = Pick<Finding, 'component' | 'start' | 'end'>;

export class FindingDedupe {
  private readonly seen = new Map<string, { start: number; end: number }[]>();
  private readonly gap: number;
  private readonly keep: number;
  private readonly maxAge: number;

  constructor(o: FindingDedupeOptions = {}) {
    this.gap = o.gapSeconds ?? 600;
    this.keep = o.keepSeconds ?? 86_400;
    this.maxAge = o.maxAgeSeconds ?? 3600;
  }

  /**
   * The findings not investigated before (each then remembered), at most `limit` of them: the ones over
   * the limit are not remembered, so they come up again next cycle. Known ones extend their window.
   */
  fresh<F extends FindingWindow>(findings: readonly F[], now: number, limit = Infinity): F[] {
    for (const [c, ws] of this.seen) {
      const left = ws.filter((w) => w.end >= now - this.keep);
      if (left.length) this.seen.set(c, left);
      else this.seen.delete(c);
    }
    const out: F[] = [];
    for (const f of [...findings].sort((a, b) => a.start - b.start)) {
      if (!(f.start <= f.end) || !Number.isFinite(f.start) || !Number.isFinite(f.end)) continue;
      let ws = this.seen.get(f.component);
      const known = ws?.find((w) => f.start <= w.end + this.gap && f.end >= w.start - this.gap);
      if (known) {
        known.start = Math.min(known.start, f.start);
        known.end = Math.max(known.end, f.end);
        continue;
      }
      const recent = f.end >= now - this.maxAge;
      if (recent && out.length >= limit) continue;
      if (!ws) this.seen.set(f.component, (ws = []));
      ws.push({ start: f.start, end: f.end });
      if (recent) out.push(f);
    }
    return out;
  }
}

/**
 * A finding as an investigation request, scoped to its component's value of `componentLabel` (the
 * members' labels; the finding's own `label=value` name as a fallback), unscoped when it has none.
 */
export function requestFromFinding(f: Finding, componentLabel: string): InvestigateRequest {
  const fromMembers = f.members.map((m) => m.labels[componentLabel]).filter((c): c is string => !!c);
  const prefix = `${componentLabel}=`;
  const own = f.component.startsWith(prefix) ? f.component.slice(prefix.length) : undefined;
  const comps = fromMembers.length ? fromMembers : own ? [own] : [];
  const anomalies = comps.length ? comps.map((component) => ({ time: f.start, component })) : [{ time: f.start }];
  const req = requestFromAnomalies(anomalies);
  return { ...req, title: `${req.title} (${f.severity} anomaly group, ${f.members.length} series)` };
}

/** The slice of the models scheduler this needs: its findings and a per-cycle callback. */
export interface FindingSource<R extends { at: number }> {
  findings(): Finding[];
  onCycle: ((report: R) => void) | null;
}

export interface AnomalyTriggerOptions {
  componentLabel: string;
  maxPerCycle: number;
  maxAgeSeconds: number;
  /** Runs one investigation (errors are the caller's to log; they do not stop the others). */
  run: (req: InvestigateRequest, finding: Finding) => Promise<void>;
}

/**
 * After every cycle of `source`, each new finding becomes one investigation; investigations run one at a
 * time, in order. `stop()` drops the ones not begun yet and resolves when the running one is done.
 */
export function investigateNewFindings<R extends { at: number }>(source: FindingSource<R>, o: AnomalyTriggerOptions): { stop(): Promise<void> } {
  const dedupe = new FindingDedupe({ maxAgeSeconds: o.maxAgeSeconds });
  let pending: Promise<void> = Promise.resolve();
  let stopped = false;
  source.onCycle = (report) => {
    if (stopped) return;
    const fresh = dedupe.fresh(source.findings(), report.at, o.maxPerCycle);
    if (!fresh.length) return;
    pending = pending.then(async () => {
      for (const f of fresh) {
        if (stopped) return;
        await o.run(requestFromFinding(f, o.componentLabel), f).catch(() => undefined);
      }
    });
  };
  return {
    stop: () => {
      stopped = true;
      return pending;
    },
  };
}
