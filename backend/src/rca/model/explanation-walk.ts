// Personalised PageRank on an "explained-by" graph, in the spirit of MicroRCA/MonitorRank: a walker
// starts at anomalous components and moves toward whatever explains their anomaly, so mass pools at the
// anomaly nobody else explains: the root cause. Three nodes per component separate the directions faults
// travel: failures (errors, latency, saturation) travel from callee to caller; load travels from caller to
// callee; a traffic drop at a callee is explained by its caller failing (a dead service stops calling).
// Onset order gates every move: a node cannot be explained by one that turned abnormal clearly later.
import type { DependencyEdge } from './types.js';

export interface NodeState {
  /** Anomaly severity 0..1 of the component's failure-, load- and drop-kind series, and their onsets. */
  failure: number;
  load: number;
  drop: number;
  failureOnset?: number;
  /**
   * The strongest failure-kind series is a resource filling up steadily (a leak): the component's own doing,
   * which its callees' failures do not explain (its own load still may).
   */
  failureOwn?: boolean;
  loadOnset?: number;
  dropOnset?: number;
}

export interface WalkOptions {
  /** Onset slack (same unit as timestamps) within which two onsets count as simultaneous. */
  tolerance: number;
  /** Decay (same unit) of the weight for an explainer that started after the node it explains. */
  decay: number;
  damping?: number;
  iterations?: number;
  /** Multiplier per component on the restart vector (knowledge-base priors). */
  priors?: Map<string, number>;
}

/** An explainer less than half as anomalous as what it would explain is not linked at all. */
const MIN_EXPLAIN_RATIO = 0.5;

const F = 0;
const L = 1;
const D = 2;

/** Returns the walk's stationary mass per component (sums to ~1 over components with any anomaly). */
export function explanationWalk(nodes: Map<string, NodeState>, edges: DependencyEdge[], o: WalkOptions): Map<string, number> {
  const names = [...nodes.keys()];
  const index = new Map(names.map((n, i) => [n, i]));
  const n = names.length;
  const id = (i: number, k: number) => 3 * i + k;
  const out: { to: number; w: number }[][] = Array.from({ length: 3 * n }, () => []);
  const st = (i: number) => nodes.get(names[i]!)!;
  const sev = (s: NodeState, k: number) => (k === F ? s.failure : k === L ? s.load : s.drop);
  const on = (s: NodeState, k: number) => (k === F ? s.failureOnset : k === L ? s.loadOnset : s.dropOnset);
  const compat = (explainer?: number, explained?: number): number => {
    if (explainer === undefined || explained === undefined) return 0;
    const late = explainer - explained - o.tolerance;
    return late <= 0 ? 1 : Math.exp(-late / o.decay);
  };
  const callees = new Map<number, Set<number>>();
  const callers = new Map<number, Set<number>>();
  for (const e of edges) {
    const a = index.get(e.caller);
    const b = index.get(e.callee);
    if (a === undefined || b === undefined || a === b) continue;
    if (!callees.has(a)) callees.set(a, new Set());
    if (!callers.has(b)) callers.set(b, new Set());
    callees.get(a)!.add(b);
    callers.get(b)!.add(a);
  }
  /**
   * Edge from node (i,k) to (j,kj) weighted by how anomalous the explainer is, whether it came first, and
   * whether it is strong enough to explain the node at all (a faint wobble cannot explain an outage).
   */
  const link = (i: number, k: number, j: number, kj: number) => {
    const ratio = Math.min(1, sev(st(j), kj) / sev(st(i), k));
    if (ratio < MIN_EXPLAIN_RATIO) return;
    const w = sev(st(j), kj) * ratio * ratio * compat(on(st(j), kj), on(st(i), k));
    if (w > 0) out[id(i, k)]!.push({ to: id(j, kj), w });
  };
  for (let i = 0; i < n; i++) {
    const s = st(i);
    for (const k of [F, L, D]) if (sev(s, k) > 0) out[id(i, k)]!.push({ to: id(i, k), w: sev(s, k) });
    if (s.failure > 0) {
      if (!s.failureOwn) for (const v of callees.get(i) ?? []) link(i, F, v, F);
      link(i, F, i, L); // own load rising explains own saturation/latency
    }
    if (s.load > 0) for (const p of callers.get(i) ?? []) link(i, L, p, L);
    if (s.drop > 0) {
      for (const p of callers.get(i) ?? []) {
        link(i, D, p, F);
        link(i, D, p, D);
      }
    }
  }
  const restart = new Float64Array(3 * n);
  let rs = 0;
  for (let i = 0; i < n; i++) {
    const prior = o.priors?.get(names[i]!) ?? 1;
    for (const k of [F, L, D]) {
      restart[id(i, k)] = sev(st(i), k) * prior;
      rs += restart[id(i, k)]!;
    }
  }
  const mass = new Map<string, number>(names.map((c) => [c, 0]));
  if (rs === 0) return mass;
  for (let x = 0; x < restart.length; x++) restart[x]! /= rs;

  const d = o.damping ?? 0.85;
  let pi = Float64Array.from(restart);
  for (let it = 0; it < (o.iterations ?? 100); it++) {
    const next = new Float64Array(3 * n);
    let dangling = 0;
    for (let u = 0; u < 3 * n; u++) {
      const m = pi[u]!;
      if (m === 0) continue;
      let tot = 0;
      for (const e of out[u]!) tot += e.w;
      if (tot <= 0) {
        dangling += m;
        continue;
      }
      for (const e of out[u]!) next[e.to]! += (d * m * e.w) / tot;
    }
    for (let u = 0; u < 3 * n; u++) next[u]! += (1 - d + d * dangling) * restart[u]!;
    pi = next;
  }
  for (let i = 0; i < n; i++) mass.set(names[i]!, pi[id(i, F)]! + pi[id(i, L)]! + pi[id(i, D)]!);
  return mass;
}
