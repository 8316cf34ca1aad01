// One root-cause investigation: topology → candidate series → ranking (with knowledge-base priors) →
// timeline → runbooks → saved incident. Triggered on demand (time range + scope) or by an incident.
import type { Logger } from 'pino';
import {
  rankRootCauses,
  RcaInputError,
  type CandidateRank,
  type ComponentRank,
  type DependencyEdge,
  type RcaResult,
  type SkippedSeries,
} from './model/index.js';
import type { PromReader } from '../health/ports.js';
import type { RcaConfig } from './config.js';
import { gatherCandidates, iso, type Scope } from './gather.js';
import type { KnowledgeBase } from './knowledge-base.js';
import { loadRunbooks, matchRunbooks, type Runbook, type RunbookMatch } from './runbooks.js';
import { alertEvents, anomalyEvents, changeEvents, faultEvents, forecastEvents, type CapacityLike, type TimelineEvent } from './timeline.js';
import { loadTopology } from './topology.js';

export interface InvestigateRequest {
  /** Unix seconds: when the incident started (alert fired, fault injected, anomaly group opened). */
  incidentTime: number;
  /** Window to analyse; defaults: baselineMinutes before, afterMinutes after (never past now). */
  start?: number;
  end?: number;
  scope?: Scope;
  title?: string;
  /** Persist in the knowledge base (default true when one is given). */
  save?: boolean;
}

export interface Investigation {
  id?: string;
  title: string;
  status: RcaResult['status'];
  reason?: string;
  incidentTime: number;
  start: number;
  end: number;
  scope: string[];
  components: ComponentRank[];
  candidates: CandidateRank[];
  timeline: TimelineEvent[];
  runbooks: RunbookMatch[];
  edges: DependencyEdge[];
  priors: Record<string, number>;
  skipped: SkippedSeries[];
  notes: string[];
  /** PromQL of each candidate series (component → metric → query), for Explore links. */
  queries?: Record<string, Record<string, string>>;
}

export interface InvestigateDeps {
  prom: PromReader;
  config: RcaConfig;
  kb?: KnowledgeBase;
  log?: Logger;
  now?: () => number;
  /** Latest capacity forecasts (models scheduler); crossings predicted inside the window join the timeline. */
  forecasts?: () => readonly CapacityLike[];
}

const runbookCache = new Map<string, Promise<Runbook[]>>();

export async function investigate(deps: InvestigateDeps, req: InvestigateRequest): Promise<Investigation> {
  const cfg = deps.config;
  const now = deps.now?.() ?? Date.now() / 1000;
  const t = req.incidentTime;
  if (!Number.isFinite(t)) throw new RcaInputError('incidentTime must be a finite unix time in seconds');
  const start = req.start ?? t - cfg.baselineMinutes * 60;
  const end = Math.min(req.end ?? t + cfg.afterMinutes * 60, now);
  if (!(start < t && t <= end)) {
    throw new RcaInputError(`incident time ${iso(t)} must lie inside the window (${iso(start)}, ${iso(end)}]`);
  }
  const notes: string[] = [];
  const topo = await loadTopology(deps.prom, cfg, end);
  if (topo.note) notes.push(topo.note);
  const g = await gatherCandidates(deps.prom, cfg, { start, end, edges: topo.edges, ...(req.scope ? { scope: req.scope } : {}) });
  for (const f of g.failedQueries) notes.push(`query failed: ${f}`);

  // Prometheus timestamps are unix seconds: evidence reads "started 2.5 min before the incident".
  let result = rankRootCauses({ series: g.series, incidentTime: t, edges: topo.edges, secondsPerUnit: 1 });
  let priors: Record<string, number> = {};
  if (deps.kb && result.status === 'ranked') {
    priors = deps.kb.priors(symptomsOf(result));
    if (Object.keys(priors).length) result = rankRootCauses({ series: g.series, incidentTime: t, edges: topo.edges, priors, secondsPerUnit: 1 });
  }

  const timeline: TimelineEvent[] = anomalyEvents(result.findings);
  try {
    timeline.push(...(await alertEvents(deps.prom, cfg.componentLabel, start, end, cfg.stepSeconds)));
  } catch (e) {
    notes.push(`alerts unavailable: ${(e as Error).message}`);
  }
  try {
    timeline.push(...(await changeEvents(deps.prom, cfg.markers, cfg.componentLabel, start, end, cfg.stepSeconds)));
  } catch (e) {
    notes.push(`change markers unavailable: ${(e as Error).message}`);
  }
  if (cfg.faultsUrl) {
    try {
      timeline.push(...(await faultEvents(cfg.faultsUrl, start, end)).events);
    } catch (e) {
      notes.push(`fault log unavailable: ${(e as Error).message}`);
    }
  }
  if (deps.forecasts) {
    try {
      timeline.push(...forecastEvents(deps.forecasts(), cfg.componentLabel, start, end));
    } catch (e) {
      notes.push(`capacity forecasts unavailable: ${(e as Error).message}`);
    }
  }
  timeline.sort((a, b) => a.time - b.time);

  let runbooks: RunbookMatch[] = [];
  if (result.status === 'ranked') {
    try {
      if (!runbookCache.has(cfg.runbooksDir)) runbookCache.set(cfg.runbooksDir, loadRunbooks(cfg.runbooksDir));
      const books = await runbookCache.get(cfg.runbooksDir)!;
      runbooks = matchRunbooks(books, result.candidates, { componentLabel: cfg.componentLabel, ...(cfg.runbookBaseUrl ? { baseUrl: cfg.runbookBaseUrl } : {}) });
    } catch (e) {
      runbookCache.delete(cfg.runbooksDir);
      notes.push(`runbooks unavailable: ${(e as Error).message}`);
    }
  }

  const top = result.status === 'ranked' ? result.components[0] : undefined;
  const inv: Investigation = {
    title: req.title ?? (top ? `${top.component}: ${result.status === 'ranked' ? result.candidates[0]!.metric : ''} at ${iso(t)}` : `incident at ${iso(t)}`),
    status: result.status,
    incidentTime: t,
    start,
    end,
    scope: g.scoped,
    components: result.status === 'ranked' ? result.components : [],
    candidates: result.status === 'ranked' ? result.candidates : [],
    timeline,
    runbooks,
    edges: topo.edges,
    priors,
    skipped: result.skipped,
    notes,
    queries: g.queries,
  };
  if (result.status === 'insufficient') inv.reason = result.reason;
  if (deps.kb && req.save !== false) {
    inv.id = deps.kb.save({
      incidentTime: t,
      title: inv.title,
      symptoms: result.status === 'ranked' ? symptomsOf(result) : [],
      ...(top ? { topComponent: top.component, topMetric: inv.candidates[0]?.metric } : {}),
      result: inv,
    });
  }
  deps.log?.info({ id: inv.id, status: inv.status, top: top?.component }, 'rca investigation done');
  return inv;
}

/** Searchable symptom tokens: each abnormal metric, alone and as component:metric. */
function symptomsOf(r: RcaResult): string[] {
  return r.findings.filter((f) => f.anomalous).flatMap((f) => [f.metric, `${f.component}:${f.metric}`]);
}

/** The datasource API's RootCauseResult shape (contract/src/domain.ts): unix-ms onsets and times. */
export function toRootCauseDto(inv: Investigation) {
  return {
    ...(inv.id ? { incident: inv.id } : {}),
    incidentTime: inv.incidentTime * 1000,
    candidates: inv.candidates.map((c) => {
      const series = inv.queries?.[c.component]?.[c.metric];
      return { component: c.component, metric: c.metric, score: c.score, onset: c.onset === undefined ? null : c.onset * 1000, evidence: c.evidence, ...(series ? { series } : {}) };
    }),
    timeline: inv.timeline.map((e) => ({ time: e.time * 1000, component: e.component, event: e.event })),
  };
}
