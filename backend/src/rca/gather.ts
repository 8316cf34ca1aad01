// Gathers candidate series around an incident from Prometheus over the baseline + incident window, kept
// for the scoped components and their neighbours: either the configured queries split by the component
// label, or (none configured) every discovered component's conventional metric families. Each candidate
// keeps the PromQL of exactly its series, so Explore opens what was ranked.
import type { CandidateSeries, DependencyEdge } from './model/index.js';
import { discover, familiesPresent, fillComponent, promString, type Component } from '../discovery/index.js';
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
  /** PromQL per component and metric name: the query of that candidate series alone. */
  queries: Record<string, Record<string, string>>;
}

/** A grouped query narrowed to one value of its grouping label (any PromQL engine; no selector surgery). */
export function narrowTo(query: string, label: string, value: string): string {
  return `(${query}) and on (${label}) label_replace(vector(1), "${label}", "${promString(value)}", "", "")`;
}

export async function gatherCandidates(
  prom: PromReader,
  cfg: RcaConfig,
  o: { start: number; end: number; scope?: Scope; edges: DependencyEdge[] },
): Promise<Gathered> {
  const all: CandidateSeries[] = [];
  const failedQueries: string[] = [];
  const queries: Record<string, Record<string, string>> = {};
  const note = (component: string, metric: string, q: string): void => void ((queries[component] ??= {})[metric] = q);
  let attempted = 0;
  if (cfg.metrics) {
    for (const m of cfg.metrics) {
      attempted++;
      try {
        const rows = await prom.queryRange(m.query, o.start, o.end, cfg.stepSeconds);
        for (const r of rows) {
          const component = r.labels[cfg.componentLabel];
          if (!component) continue;
          all.push({ component, metric: m.name, timestamps: r.timestamps, values: r.values });
          note(component, m.name, narrowTo(m.query, cfg.componentLabel, component));
        }
      } catch (e) {
        failedQueries.push(`${m.name}: ${(e as Error).message}`);
      }
    }
  } else {
    let d: Awaited<ReturnType<typeof discover>> = { components: [], present: new Set(), errors: [] };
    try {
      d = await discover(prom, { now: o.end, max: 10_000 });
    } catch (e) {
      attempted++;
      failedQueries.push((e as Error).message);
    }
    for (const e of d.errors) failedQueries.push(`discovery: ${e}`);
    const families = familiesPresent(d.present);
    for (const c of pickComponents(d.components, o.scope, o.edges, cfg)) {
      for (const f of families) {
        const q = fillComponent(f.query('1m'), c);
        attempted++;
        try {
          // One value per component; several series (should a family not aggregate) keep the worst-looking first one.
          const r = (await prom.queryRange(q, o.start, o.end, cfg.stepSeconds))[0];
          if (!r || !r.values.length) continue;
          all.push({ component: c.name, metric: f.name, timestamps: r.timestamps, values: r.values });
          note(c.name, f.name, q);
        } catch (e) {
          failedQueries.push(`${f.name} on ${c.name}: ${(e as Error).message}`);
        }
      }
    }
  }
  const components = [...new Set(all.map((s) => s.component))].sort();
  if (!components.length) {
    throw new ScopeError(
      `no series for any component between ${iso(o.start)} and ${iso(o.end)}` +
        (failedQueries.length >= attempted && attempted > 0
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
  const kept = all.filter((s) => keep.has(s.component));
  const keptQueries = Object.fromEntries(Object.entries(queries).filter(([c]) => keep.has(c)));
  return { series: kept, components, scoped, failedQueries, queries: keptQueries };
}

/** Discovered components worth a range query per family: the scope and its neighbourhood, else the first `maxComponents`. */
function pickComponents(all: Component[], scope: Scope | undefined, edges: DependencyEdge[], cfg: RcaConfig): Component[] {
  if (!scope?.components?.length && !scope?.pattern) return all.slice(0, cfg.maxComponents);
  let re: RegExp | undefined;
  try {
    re = scope.pattern ? new RegExp(`^(?:${scope.pattern})$`) : undefined;
  } catch {
    return all.slice(0, cfg.maxComponents); // the scope check below names the bad pattern
  }
  const scoped = all.filter((c) => scope.components?.includes(c.name) || re?.test(c.name)).map((c) => c.name);
  if (!scoped.length) return all.slice(0, cfg.maxComponents); // the scope check below names the known components
  const keep = neighbourhood(scoped, edges, cfg.dependencyDepth);
  return all.filter((c) => keep.has(c.name));
}

export const iso = (t: number) => new Date(t * 1000).toISOString();
