// What the data says about the dependency graph. Two uses:
//  - trust: a given graph is checked against the onsets it implies (a callee's failure reaches its callers,
//    so along a right edge the callee turns abnormal first or at the same time). Edges whose onsets clearly
//    contradict them count against the graph; the more do, the less the graph may move the ranking.
//  - inference: with no graph, edges are inferred between strongly anomalous components whose anomalies
//    move together (lagged correlation of their deviation traces) and whose onsets are ordered: the later
//    one is taken as the caller of the earlier one (it is explained by it).
import type { NodeState } from './explanation-walk.js';
import type { DependencyEdge } from './types.js';

/** A component's deviation trace over the analysis window: signed-bad z per sample time. */
export type Trace = Map<number, number>;

const firstOnset = (s: NodeState) => {
  const os = [s.failureOnset, s.loadOnset, s.dropOnset].filter((x): x is number => x !== undefined);
  return os.length ? Math.min(...os) : undefined;
};

/**
 * Share of the graph the data supports, 0..1: onset-ordered failure pairs along the edges vote for (callee
 * first) or against (caller first, by at least a sample). One pseudo-vote for the graph keeps a graph the
 * data cannot judge (simultaneous onsets) at full weight; a reversed graph, whose callers now all "lead",
 * falls towards 0.
 */
export function graphTrust(nodes: Map<string, NodeState>, edges: DependencyEdge[], step: number): number {
  let agree = 0;
  let against = 0;
  const seen = new Set<string>();
  for (const e of edges) {
    const key = `${e.caller}\u0000${e.callee}`;
    if (seen.has(key) || e.caller === e.callee) continue;
    seen.add(key);
    const a = nodes.get(e.caller);
    const b = nodes.get(e.callee);
    if (!a || !b || a.failureOnset === undefined || b.failureOnset === undefined) continue;
    const w = Math.min(a.failure, b.failure);
    const d = a.failureOnset - b.failureOnset;
    if (d >= 0.5 * step) agree += w;
    else if (d <= -0.5 * step) against += w;
  }
  const prior = 0.5;
  return (agree + prior) / (agree + against + prior);
}

/** Pearson correlation of two traces over their common times, the second shifted by `lag` times (later). */
function laggedCorrelation(a: Trace, b: Trace, times: number[], lag: number): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = 0; i < times.length; i++) {
    const j = i - lag;
    if (j < 0 || j >= times.length) continue;
    const x = a.get(times[i]!);
    const y = b.get(times[j]!);
    if (x === undefined || y === undefined) continue;
    n++;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  if (n < 4) return 0;
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  if (!(va > 0 && vb > 0)) return 0;
  return (sab - (sa * sb) / n) / Math.sqrt(va * vb);
}

export interface InferOptions {
  step: number;
  /** Components less anomalous than this share of the strongest are left out (only strong evidence is linked). Default 0.5. */
  minShare?: number;
  /** Smallest correlation (at the best lag of up to 3 samples) for an edge. Default 0.5. */
  minCorrelation?: number;
  /** At most this many inferred callees per component. Default 2. */
  maxPerNode?: number;
}

/**
 * Edges inferred from the data: `caller` turned abnormal after `callee`, and their traces co-move with the
 * callee leading (or together). Deterministic: candidates are ordered by evidence, then by name.
 */
export function inferEdges(nodes: Map<string, NodeState>, traces: Map<string, Trace>, o: InferOptions): DependencyEdge[] {
  const sev = (s: NodeState) => Math.max(s.failure, s.load, s.drop);
  const top = Math.max(0, ...[...nodes.values()].map(sev));
  if (!(top > 0)) return [];
  const strong = [...nodes]
    .filter(([c, s]) => sev(s) >= (o.minShare ?? 0.5) * top && firstOnset(s) !== undefined && traces.has(c))
    .map(([c, s]) => ({ c, s, on: firstOnset(s)! }))
    .sort((x, y) => (x.c < y.c ? -1 : x.c > y.c ? 1 : 0));
  const allTimes = new Set<number>();
  for (const x of strong) for (const t of traces.get(x.c)!.keys()) allTimes.add(t);
  const times = [...allTimes].sort((a, b) => a - b);
  const edges: DependencyEdge[] = [];
  for (const a of strong) {
    const found: { callee: string; r: number }[] = [];
    for (const b of strong) {
      if (b === a || !(b.on <= a.on - 0.5 * o.step)) continue;
      // The callee leads: its trace, shifted 0..3 samples later, should match the caller's.
      let r = -1;
      for (let lag = 0; lag <= 3; lag++) r = Math.max(r, laggedCorrelation(traces.get(a.c)!, traces.get(b.c)!, times, lag));
      if (r >= (o.minCorrelation ?? 0.5)) found.push({ callee: b.c, r });
    }
    found.sort((x, y) => y.r - x.r || (x.callee < y.callee ? -1 : 1));
    for (const f of found.slice(0, o.maxPerNode ?? 2)) edges.push({ caller: a.c, callee: f.callee });
  }
  return edges;
}
