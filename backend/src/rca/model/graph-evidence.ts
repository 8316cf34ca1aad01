// What the data says about the dependency graph. Two uses:
//  - trust: a given graph is checked against what its edges imply: onset order (a callee's failure reaches
//    its callers, so along a right edge the callee turns abnormal first or at the same time) and latency
//    nesting (a caller's latency includes its callee's). When the data argues the edges point the other way,
//    the graph loses its say over the ranking.
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

/** What one latency series says about its component, for the orientation votes of latency nesting. */
export interface LatencyLevel {
  component: string;
  metric: string;
  /** Typical level before the incident. */
  median: number;
}

/** Votes for (+) and against (−) the edges as given, as a z-like score: Σ w·vote / √(Σ w²). */
interface Votes {
  sum: number;
  sq: number;
}
const zOf = (v: Votes) => (v.sq > 0 ? v.sum / Math.sqrt(v.sq) : 0);

/**
 * Does the data say the edges point the way they are given? Two independent tests, each a z-like score
 * (positive: as given; negative: reversed), combined by Stouffer's method:
 *  - onsets: along a right edge the callee's failure begins first or with the caller's, never clearly later;
 *  - latency nesting: a synchronous caller waits for its callee, so its latency (same metric name, so the
 *    same statistic) is usually the higher one before the incident. (Comparing how much each rose was tried
 *    and left out: a caller of which only some requests reach the callee rises less, and on real data the
 *    rises voted no better than chance.)
 * Asynchronous edges (queues, notifications) break nesting, so each edge only votes; and each vote is weighed
 * 1/√(deg(caller)·deg(callee)), the same for an edge and its reverse, so a hub (one db behind every service)
 * cannot outvote the rest of the graph.
 */
export function graphOrientation(nodes: Map<string, NodeState>, edges: DependencyEdge[], step: number, latency: LatencyLevel[] = []): number {
  const unique: DependencyEdge[] = [];
  const seen = new Set<string>();
  const deg = new Map<string, number>();
  for (const e of edges) {
    const key = `${e.caller}\u0000${e.callee}`;
    if (seen.has(key) || e.caller === e.callee) continue;
    seen.add(key);
    unique.push(e);
    for (const c of [e.caller, e.callee]) deg.set(c, (deg.get(c) ?? 0) + 1);
  }
  const byComponent = new Map<string, Map<string, LatencyLevel>>();
  for (const l of latency) {
    if (!byComponent.has(l.component)) byComponent.set(l.component, new Map());
    byComponent.get(l.component)!.set(l.metric, l);
  }
  const onset: Votes = { sum: 0, sq: 0 };
  const level: Votes = { sum: 0, sq: 0 };
  const vote = (v: Votes, sign: number, w: number) => {
    if (sign === 0) return;
    v.sum += sign * w;
    v.sq += w * w;
  };
  for (const e of unique) {
    const w = 1 / Math.sqrt(deg.get(e.caller)! * deg.get(e.callee)!);
    const a = nodes.get(e.caller);
    const b = nodes.get(e.callee);
    if (a?.failureOnset !== undefined && b?.failureOnset !== undefined) {
      const d = a.failureOnset - b.failureOnset;
      vote(onset, d >= 0.5 * step ? 1 : d <= -0.5 * step ? -1 : 0, w * Math.min(a.failure, b.failure));
    }
    const la = byComponent.get(e.caller);
    const lb = byComponent.get(e.callee);
    if (!la || !lb) continue;
    // One vote per edge: the majority over the latency metrics both ends have.
    let lv = 0;
    for (const [m, x] of la) {
      const y = lb.get(m);
      if (y) lv += Math.sign(x.median - y.median);
    }
    vote(level, Math.sign(lv), w);
  }
  const zs = [onset, level].filter((v) => v.sq > 0).map(zOf);
  return zs.length ? zs.reduce((x, y) => x + y, 0) / Math.sqrt(zs.length) : 0;
}

/** Combined orientation z above which a graph keeps its full say (the data must argue against it, not merely fail to support it). */
const TRUST_Z = -0.5;
/** How fast the say falls off below TRUST_Z (per unit of z, in e-folds). */
const TRUST_FALL = 2;

/**
 * Share of its say the graph keeps, 0..1: full unless the data argues against the edges as given (a combined
 * z below -0.5), then falling off quickly (z = -1: 0.37, z = -1.5: 0.14, z = -2: 0.05). A graph the data
 * cannot judge (no votes, simultaneous onsets, no shared latency metrics) keeps its full say.
 */
export function graphTrust(nodes: Map<string, NodeState>, edges: DependencyEdge[], step: number, latency: LatencyLevel[] = []): number {
  const z = graphOrientation(nodes, edges, step, latency);
  return z >= TRUST_Z ? 1 : Math.exp(TRUST_FALL * (z - TRUST_Z));
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
