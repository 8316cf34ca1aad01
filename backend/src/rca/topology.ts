// The dependency graph for RCA: configured edges, plus edges inferred from service-graph counters
// (Tempo's traces_service_graph_request_total{client,server}) that saw traffic in the hour before the end.
import type { DependencyEdge } from './model/index.js';
import type { RcaConfig } from './config.js';
import type { PromReader } from '../health/ports.js';

export async function loadTopology(prom: PromReader, cfg: RcaConfig, at: number): Promise<{ edges: DependencyEdge[]; note?: string }> {
  const edges = new Map<string, DependencyEdge>();
  for (const e of cfg.topology.edges) edges.set(`${e.caller}>${e.callee}`, e);
  let note: string | undefined;
  if (cfg.topology.infer) {
    try {
      const rows = await prom.query(cfg.topology.query, at);
      for (const r of rows) {
        const caller = r.labels[cfg.topology.callerLabel];
        const callee = r.labels[cfg.topology.calleeLabel];
        if (caller && callee && r.value > 0) edges.set(`${caller}>${callee}`, { caller, callee });
      }
      if (!rows.length && !cfg.topology.edges.length) note = 'no topology: no service-graph series and no configured edges (ranking uses onset order only)';
    } catch (e) {
      note = `topology query failed (${(e as Error).message}); using configured edges only`;
    }
  }
  return { edges: [...edges.values()], ...(note ? { note } : {}) };
}

/** Components within `depth` hops (either direction) of the scope: its dependencies and its callers. */
export function neighbourhood(scope: string[], edges: DependencyEdge[], depth: number): Set<string> {
  const seen = new Set(scope);
  let frontier = [...scope];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const e of edges) {
      for (const [a, b] of [[e.caller, e.callee], [e.callee, e.caller]] as const) {
        if (frontier.includes(a) && !seen.has(b)) {
          seen.add(b);
          next.push(b);
        }
      }
    }
    frontier = next;
  }
  return seen;
}
