// One incident, one finding: anomalous points on related series of one component (its latency, errors,
// saturation…) that overlap in time are merged. The component is the value of the first label present
// from `componentLabels`; points closer than `gapSeconds` to a finding's last point extend it.
import { DEFAULT_THRESHOLD, severityOf, type DetectorName, type Severity } from './detector.js';

export type Labels = Record<string, string>;

export interface SeriesAnomaly {
  labels: Labels;
  /** Unix seconds. */
  t: number;
  score: number;
  detectors: DetectorName[];
}

export interface FindingMember {
  series: string;
  labels: Labels;
  firstT: number;
  lastT: number;
  maxScore: number;
  points: number;
}

export interface Finding {
  component: string;
  start: number;
  end: number;
  score: number;
  severity: Severity;
  detectors: DetectorName[];
  members: FindingMember[];
}

/** Stable series key: `name{a="1",b="2"}` with labels sorted. */
export function seriesKey(labels: Labels): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels).filter((k) => k !== '__name__').sort().map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${rest.join(',')}}`;
}

export function componentOf(labels: Labels, componentLabels: string[]): string {
  for (const l of componentLabels) if (labels[l]) return `${l}=${labels[l]}`;
  return seriesKey(labels);
}

export function groupAnomalies(events: SeriesAnomaly[], o: { componentLabels?: string[]; gapSeconds?: number; threshold?: number } = {}): Finding[] {
  const componentLabels = o.componentLabels ?? ['service', 'component', 'job', 'instance'];
  const gap = o.gapSeconds ?? 600;
  const open = new Map<string, Finding & { memberIdx: Map<string, FindingMember> }>();
  const done: Finding[] = [];
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const close = (f: Finding & { memberIdx: Map<string, FindingMember> }): void => {
    const { memberIdx: _ignored, ...rest } = f;
    rest.members.sort((a, b) => a.firstT - b.firstT || b.maxScore - a.maxScore);
    done.push(rest);
  };
  for (const e of sorted) {
    const comp = componentOf(e.labels, componentLabels);
    let f = open.get(comp);
    if (f && e.t - f.end > gap) {
      close(f);
      f = undefined;
    }
    if (!f) {
      f = { component: comp, start: e.t, end: e.t, score: 0, severity: 'none', detectors: [], members: [], memberIdx: new Map() };
      open.set(comp, f);
    }
    f.end = Math.max(f.end, e.t);
    if (e.score > f.score) {
      f.score = e.score;
      f.severity = severityOf(e.score, o.threshold ?? DEFAULT_THRESHOLD);
    }
    for (const d of e.detectors) if (!f.detectors.includes(d)) f.detectors.push(d);
    const key = seriesKey(e.labels);
    let m = f.memberIdx.get(key);
    if (!m) {
      m = { series: key, labels: e.labels, firstT: e.t, lastT: e.t, maxScore: e.score, points: 0 };
      f.memberIdx.set(key, m);
      f.members.push(m);
    }
    m.lastT = Math.max(m.lastT, e.t);
    m.maxScore = Math.max(m.maxScore, e.score);
    m.points++;
  }
  for (const f of open.values()) close(f);
  return done.sort((a, b) => a.start - b.start);
}
