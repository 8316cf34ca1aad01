// Foresight's root-cause ranking: judge every candidate series against its own pre-incident baseline,
// then rank components with the explanation walk (dependency graph + onset order) and metrics within them.
import { analyseSeries, largestChange, type Windows } from './series-anomaly.js';
import { explanationWalk, type NodeState } from './explanation-walk.js';
import { graphTrust, inferEdges, type LatencyLevel, type Trace } from './graph-evidence.js';
import { median } from './robust-stats.js';
import { formatDuration, formatValue, valueUnitOf } from './units.js';
import {
  RcaInputError,
  type CandidateRank,
  type ComponentRank,
  type DependencyEdge,
  type RcaInput,
  type RcaResult,
  type SeriesFinding,
  type SkippedSeries,
} from './types.js';

/** Samples by which a component's change may precede every other strong change and still start the cascade. */
const MAX_LEAD = 8;

export function rankRootCauses(input: RcaInput): RcaResult {
  const { windows, step } = prepareWindows(input);
  const findings: SeriesFinding[] = [];
  const skipped: SkippedSeries[] = [];
  // Per metric name, the two largest changes: a series' peers are the others (never itself).
  const change = input.series.map((s) => largestChange(s, windows));
  const best = new Map<string, [number, number]>();
  input.series.forEach((s, i) => {
    const [a, b] = best.get(s.metric) ?? [0, 0];
    best.set(s.metric, change[i]! >= a ? [change[i]!, a] : [a, Math.max(b, change[i]!)]);
  });
  const traceOf = new Map<SeriesFinding, Trace>();
  for (const [i, s] of input.series.entries()) {
    const [a, b] = best.get(s.metric)!;
    const r = analyseSeries(s, windows, change[i] === a ? b : a);
    if ('skip' in r) skipped.push({ component: s.component, metric: s.metric, reason: r.skip });
    else {
      findings.push(r.finding);
      if (r.trace) traceOf.set(r.finding, r.trace);
    }
  }
  weighByVolume(findings);
  if (findings.length === 0) {
    return {
      status: 'insufficient',
      reason: `none of the ${input.series.length} series has enough history: ${skipped[0]?.reason ?? 'no series'}`,
      findings,
      skipped,
    };
  }
  const abnormal = findings.filter((f) => f.anomalous);
  if (abnormal.length === 0) {
    return {
      status: 'insufficient',
      reason: `no series deviated from its pre-incident baseline (${findings.length} judged)`,
      findings,
      skipped,
    };
  }

  const nodes = componentStates(findings);
  const priors = new Map<string, number>();
  for (const [k, v] of Object.entries(input.priors ?? {})) if (!k.includes('/')) priors.set(k, v);
  const walkOpts = { tolerance: step, decay: 2 * step, priors };
  const given = input.edges ?? [];
  const infer = input.options?.inferGraph !== false;
  // Edges inferred from the data (onset order + co-moving deviation traces): the graph when none is given,
  // the fallback when the given one is contradicted by the data.
  let inferred: DependencyEdge[] | undefined;
  const inferredEdges = () => (inferred ??= infer ? inferEdges(nodes, componentTraces(findings, traceOf), { step }) : []);
  const edges = given.length ? given : inferredEdges();
  const graph = explanationWalk(nodes, edges, walkOpts);
  // The graph moves the ranking only as far as the data supports it: when onsets and latency nesting say the
  // edges point the other way, blend the walk with the one on the inferred edges (or, with none, the
  // components' own evidence) by the trust left.
  const trust = edges.length ? graphTrust(nodes, edges, step, latencyLevels(findings)) : 1;
  const fallback = edges.length && trust < 1 ? explanationWalk(nodes, given.length ? inferredEdges() : [], walkOpts) : graph;
  const mass = new Map([...graph].map(([c, m]) => [c, trust * m + (1 - trust) * (fallback.get(c) ?? 0)]));
  // Onset order among the strong anomalies only: a faint wobble that "started first" is not the beginning.
  const top = Math.max(...[...nodes.values()].map((s) => Math.max(s.failure, s.load, s.drop)));
  const firstOnset = (s: NodeState) => {
    const os = [s.failureOnset, s.loadOnset, s.dropOnset].filter((x): x is number => x !== undefined);
    return os.length ? Math.min(...os) : undefined;
  };
  const strong = [...nodes]
    .filter(([, s]) => Math.max(s.failure, s.load, s.drop) >= 0.5 * top && firstOnset(s) !== undefined)
    .map(([c, s]) => ({ c, on: firstOnset(s)!, climbing: s.failureOwn === true }));
  // A cause leads its symptoms by propagation delays, not by many samples: a change that began long before
  // every other strong one (a load balancer already down, a deploy an hour ago, background noise) is not
  // the start of this cascade and must not win by onset order. A resource still filling up (a leak) is the
  // exception: it builds up for as long as it takes before anything else breaks.
  const leadOf = (c: string, first: number) => {
    const others = strong.filter((x) => x.c !== c).map((x) => x.on);
    return others.length ? Math.min(...others) - first : 0;
  };
  const cascade = strong.filter((x) => x.climbing || leadOf(x.c, x.on) <= MAX_LEAD * step);
  const earliest = Math.min(...(cascade.length ? cascade : strong).map((x) => x.on));
  const components: ComponentRank[] = [];
  for (const [c, st] of nodes) {
    const anomaly = Math.max(st.failure, st.load, st.drop);
    if (anomaly === 0) continue;
    const onsets = [st.failureOnset, st.loadOnset, st.dropOnset].filter((x): x is number => x !== undefined);
    const first = onsets.length ? Math.min(...onsets) : earliest;
    // Onset order matters even without a graph: what started first is likelier the cause (mild factor).
    const early = 0.6 + 0.4 * Math.exp(-Math.max(0, first - earliest) / (3 * step));
    // A cause starts by the incident (or soon after it); something that turned abnormal long after is
    // more likely a late consequence or unrelated.
    const late = 1 / (1 + Math.max(0, first - input.incidentTime - step) / (10 * step));
    const lead = leadOf(c, first) - MAX_LEAD * step;
    const before = lead > 0 && !st.failureOwn ? 0.3 + 0.7 * Math.exp(-lead / (4 * step)) : 1;
    const rank: ComponentRank = {
      component: c,
      // Mass decides; the node's own severity breaks near-ties in favour of the louder anomaly.
      score: (mass.get(c) ?? 0) * (0.5 + 0.5 * anomaly) * early * late * before * (priors.get(c) ?? 1),
      anomaly,
      evidence: componentEvidence(c, findings, input),
    };
    if (onsets.length) rank.onset = Math.min(...onsets);
    components.push(rank);
  }
  normaliseAndSort(components);

  const compScore = new Map(components.map((c) => [c.component, c.score]));
  const candidates: CandidateRank[] = abnormal.map((f) => {
    const cand: CandidateRank = {
      component: f.component,
      metric: f.metric,
      score: (compScore.get(f.component) ?? 0) * f.score * (input.priors?.[`${f.component}/${f.metric}`] ?? 1),
      evidence: describe(f, input.incidentTime, input.secondsPerUnit),
    };
    if (f.onset !== undefined) cand.onset = f.onset;
    return cand;
  });
  normaliseAndSort(candidates);
  return { status: 'ranked', components, candidates, findings, skipped };
}

/**
 * Best first. Ties are broken by evidence (own anomaly, earlier onset), then by name: never by input order,
 * so shuffling the input columns cannot change the ranking.
 */
function normaliseAndSort<T extends { score: number; onset?: number; component: string; metric?: string; anomaly?: number }>(xs: T[]): void {
  xs.sort(
    (a, b) =>
      b.score - a.score ||
      (b.anomaly ?? 0) - (a.anomaly ?? 0) ||
      (a.onset ?? Infinity) - (b.onset ?? Infinity) ||
      cmp(a.component, b.component) ||
      cmp(a.metric ?? '', b.metric ?? ''),
  );
  const top = Math.max(...xs.map((x) => x.score), 0);
  for (const x of xs) x.score = top > 0 ? Math.round((x.score / top) * 1e4) / 1e4 : 0;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Request-volume weighting: the latency or errors of a component that serves a sliver of the traffic (a
 * rarely-called endpoint, where a few slow requests swing the average) count less than the same z on a
 * busy one. Volume is the baseline level of the component's traffic series; components without one keep weight 1.
 */
function weighByVolume(findings: SeriesFinding[]): void {
  const volume = new Map<string, number>();
  for (const f of findings) {
    if (f.semantic !== 'traffic' || !(f.baselineMedian > 0)) continue;
    volume.set(f.component, Math.max(volume.get(f.component) ?? 0, f.baselineMedian));
  }
  if (volume.size < 2) return;
  const ref = median([...volume.values()]);
  for (const f of findings) {
    if (f.semantic !== 'latency' && f.semantic !== 'errors') continue;
    const v = volume.get(f.component);
    if (v === undefined || !(ref > 0)) continue;
    f.score *= Math.min(1, Math.max(0.05, Math.sqrt(v / ref)));
  }
}

/** Latency series' baseline levels, for the latency-nesting test of a given graph's direction. */
function latencyLevels(findings: SeriesFinding[]): LatencyLevel[] {
  return findings
    .filter((f) => f.semantic === 'latency' && Number.isFinite(f.baselineMedian))
    .map((f) => ({ component: f.component, metric: f.metric, median: f.baselineMedian }));
}

/** Per component, the deviation trace of its strongest anomalous series (ties: metric name). */
function componentTraces(findings: SeriesFinding[], traceOf: Map<SeriesFinding, Trace>): Map<string, Trace> {
  const best = new Map<string, SeriesFinding>();
  for (const f of findings) {
    if (!traceOf.has(f)) continue;
    const b = best.get(f.component);
    if (!b || f.score > b.score || (f.score === b.score && f.metric < b.metric)) best.set(f.component, f);
  }
  return new Map([...best].map(([c, f]) => [c, traceOf.get(f)!]));
}

/** Per component, the strongest anomaly of each kind and when its strong series began. */
function componentStates(findings: SeriesFinding[]): Map<string, NodeState> {
  const nodes = new Map<string, NodeState>();
  for (const f of findings) if (!nodes.has(f.component)) nodes.set(f.component, { failure: 0, load: 0, drop: 0 });
  for (const kind of ['failure', 'load', 'drop'] as const) {
    for (const [c, st] of nodes) {
      const mine = findings.filter((f) => f.component === c && f.anomalous && f.kind === kind && f.score > 0);
      if (!mine.length) continue;
      const top = Math.max(...mine.map((f) => f.score));
      // Onset from the series that matter (at least half the top severity): a faint early wobble is not the start.
      const onset = Math.min(...mine.filter((f) => f.score >= 0.5 * top).map((f) => f.onset!));
      if (kind === 'failure') {
        Object.assign(st, { failure: top, failureOnset: onset });
        if (mine.some((f) => f.score === top && f.climbing)) st.failureOwn = true;
      } else if (kind === 'load') Object.assign(st, { load: top, loadOnset: onset });
      else Object.assign(st, { drop: top, dropOnset: onset });
    }
  }
  return nodes;
}

function prepareWindows(input: RcaInput): { windows: Windows; step: number } {
  const t = input.incidentTime;
  if (!Number.isFinite(t)) throw new RcaInputError(`incidentTime must be a finite number, got ${String(t)}`);
  if (!Array.isArray(input.series) || input.series.length === 0) {
    throw new RcaInputError('series: no candidate series given (the scope matched nothing)');
  }
  let lo = Infinity;
  let hi = -Infinity;
  const steps: number[] = [];
  input.series.forEach((s, i) => {
    const name = `series[${i}] (${s.component}/${s.metric})`;
    if (!s.component || !s.metric) throw new RcaInputError(`${name}: component and metric must be non-empty`);
    if (s.timestamps.length !== s.values.length) {
      throw new RcaInputError(`${name}: timestamps has ${s.timestamps.length} entries but values has ${s.values.length}`);
    }
    for (let k = 0; k < s.timestamps.length; k++) {
      const ts = s.timestamps[k]!;
      if (!Number.isFinite(ts)) throw new RcaInputError(`${name}: timestamps[${k}] is not a finite number`);
      if (k > 0) {
        const d = ts - s.timestamps[k - 1]!;
        if (d <= 0) throw new RcaInputError(`${name}: timestamps must increase (index ${k})`);
        if (steps.length < 5000) steps.push(d);
      }
    }
    if (s.timestamps.length) {
      lo = Math.min(lo, s.timestamps[0]!);
      hi = Math.max(hi, s.timestamps[s.timestamps.length - 1]!);
    }
  });
  if (!steps.length) throw new RcaInputError('series: every series has fewer than 2 samples');
  if (t < lo || t > hi) {
    throw new RcaInputError(`incident time ${t} is outside the data, which runs from ${lo} to ${hi}`);
  }
  const step = median(steps);
  const o = input.options ?? {};
  // Alerts fire minutes after the cause (rate windows, `for:` clauses): by default look back 20 samples,
  // but never more than a quarter of the history before the incident (the rest is the baseline).
  const lookback = o.lookback ?? Math.max(5 * step, Math.min(20 * step, (t - lo) / 4));
  const analysisStart = t - lookback;
  const windows: Windows = {
    baselineStart: o.baselineSpan !== undefined ? analysisStart - o.baselineSpan : -Infinity,
    analysisStart,
    analysisEnd: o.after !== undefined ? t + o.after : Infinity,
    minBaselinePoints: o.minBaselinePoints ?? 10,
    minDeviation: o.minDeviation ?? 3,
    step,
  };
  // A day in timestamp units is known only when the time unit is: then yesterday can serve as a baseline.
  if (input.secondsPerUnit !== undefined && input.secondsPerUnit > 0 && o.sameTimeYesterday !== false) windows.day = 86_400 / input.secondsPerUnit;
  return { windows, step };
}

/**
 * One line of evidence. Values are shown in the metric's unit when its name carries one; the onset is told
 * relative to the incident, as a duration when `secondsPerUnit` (seconds per timestamp unit) is known, else
 * in the input's own time unit.
 */
export function describe(f: SeriesFinding, incidentTime: number, secondsPerUnit?: number): string {
  const dir = (f.peakValue ?? f.baselineMedian) >= f.baselineMedian ? 'rose' : 'fell';
  const unit = valueUnitOf(f.metric);
  const magnitude = Math.max(Math.abs(f.baselineMedian), Math.abs(f.peakValue ?? 0));
  const v = (x: number) => formatValue(x, unit, magnitude);
  const span = (d: number) => (secondsPerUnit !== undefined && secondsPerUnit > 0 ? formatDuration(d * secondsPerUnit) : formatValue(d, 'none'));
  const lead =
    f.onset === undefined
      ? ''
      : f.onset === incidentTime
        ? ', at the incident'
        : f.onset < incidentTime
          ? `, started ${span(incidentTime - f.onset)} before the incident`
          : `, started ${span(f.onset - incidentTime)} after the incident`;
  return (
    `${f.metric} ${dir} from ${v(f.baselineMedian)} to ${v(f.peakValue ?? NaN)} ` +
    `(${formatValue(f.deviation, 'none')} × its noise)${lead}${f.preexisting ? ' (already changed before the analysis window)' : ''}` +
    (f.climbing ? ', still climbing steadily' : '')
  );
}

function componentEvidence(c: string, findings: SeriesFinding[], input: RcaInput): string[] {
  const mine = findings.filter((f) => f.component === c && f.anomalous).sort((a, b) => b.score - a.score);
  const ev = mine.slice(0, 3).map((f) => describe(f, input.incidentTime, input.secondsPerUnit));
  const onset = Math.min(...mine.map((f) => f.onset!));
  const firstOnset = (x: string) => {
    const os = findings.filter((f) => f.component === x && f.anomalous).map((f) => f.onset!);
    return os.length ? Math.min(...os) : undefined;
  };
  const deps = (input.edges ?? []).filter((e) => e.caller === c).map((e) => e.callee);
  const callers = (input.edges ?? []).filter((e) => e.callee === c).map((e) => e.caller);
  const normalDeps = deps.filter((d) => firstOnset(d) === undefined);
  const laterCallers = callers.filter((p) => (firstOnset(p) ?? -Infinity) >= onset);
  if (deps.length && normalDeps.length === deps.length) ev.push(`its dependencies (${deps.join(', ')}) stayed normal`);
  if (laterCallers.length) ev.push(`callers turned abnormal at or after it: ${laterCallers.join(', ')}`);
  return ev;
}
