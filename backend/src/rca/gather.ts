// Gathers candidate series around an incident from Prometheus: every configured RED/USE query over the
// baseline + incident window, split per component, kept for the scoped components and their neighbours.
import type { CandidateSeries, DependencyEdge } from './model/index.js';
import type { RcaConfig } from './config.js';
import type { PromReader } from '../health/ports.js';
import { neighbourhood } from './topology.js';

export interface Scope {
  /** Component names, or a regular expression on the component label (anchored like PromQL's =~). */
  components?: string[];
  pattern?: string;
}

export class ScopeError extends Error {
  override name = 'ScopeError';
}

export interface Gathered {
  series: CandidateSeries[];
  components: string[];
  scoped: string[];
  failedQueries: string[];
}

export async function gatherCandidates(
  prom: PromReader,
  cfg: RcaConfig,
  o: { start: number; end: number; scope?: Scope; edges: DependencyEdge[] },
): Promise<Gathered> {
  const all: CandidateSeries[] = [];
  const failedQueries: string[] = [];
  for (const m of cfg.metrics) {
    try {
      const rows = await prom.queryRange(m.query, o.start, o.end, cfg.stepSeconds);
      for (const r of rows) {
        const component = r.labels[cfg.componentLabel];
        if (!component) continue;
        all.push({ component, metric: m.name, timestamps: r.timestamps, values: r.values });
      }
    } catch (e) {
      failedQueries.push(`${m.name}: ${(e as Error).message}`);
    }
  }
  const components = [...new Set(all.map((s) => s.component))].sort();
  if (!components.length) {
    throw new ScopeError(
      `no series for any component between ${iso(o.start)} and ${iso(o.end)}` +
        (failedQueries.length === cfg.metrics.length
          ? ` (all ${failedQueries.length} queries failed, e.g. ${failedQueries[0]})`
          : failedQueries.length
            ? ` (failed queries: ${failedQueries.join('; ')})`
            : ` (label '${cfg.componentLabel}' absent from every query result)`),
    );
  }
  let scoped = components;
  if (o.scope?.components?.length || o.scope?.pattern) {
    let re: RegExp | undefined;
    if (o.scope.pattern) {
      try {
        re = new RegExp(`^(?:${o.scope.pattern})$`);
      } catch (e) {
        throw new ScopeError(`scope.pattern is not a valid regular expression: ${(e as Error).message}`);
      }
    }
    scoped = components.filter((c) => o.scope!.components?.includes(c) || re?.test(c));
    if (!scoped.length) {
      throw new ScopeError(`the scope matches no component with data; known components: ${components.join(', ')}`);
    }
  }
  const keep = neighbourhood(scoped, o.edges, cfg.dependencyDepth);
  return { series: all.filter((s) => keep.has(s.component)), components, scoped, failedQueries };
}

export const iso = (t: number) => new Date(t * 1000).toISOString();
