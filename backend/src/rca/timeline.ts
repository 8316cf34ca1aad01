// The incident timeline: alerts that fired (Prometheus' ALERTS series), anomaly onsets from the ranking,
// change markers (restarts, config reloads, version labels: any series whose value changing means a
// deploy or config change), fault injections from the demo workload's ground-truth log, and capacity
// forecasts whose predicted threshold crossing falls inside the incident window.
import type { SeriesFinding } from './model/index.js';
import type { PromReader } from '../health/ports.js';

export interface TimelineEvent {
  /** Unix seconds. */
  time: number;
  component: string;
  kind: 'alert' | 'anomaly' | 'fault' | 'change' | 'forecast';
  event: string;
}

export async function alertEvents(prom: PromReader, componentLabel: string, start: number, end: number, step: number): Promise<TimelineEvent[]> {
  const rows = await prom.queryRange('ALERTS{alertstate="firing"}', start, end, step);
  const out: TimelineEvent[] = [];
  for (const r of rows) {
    // One event per firing episode: the first sample after a gap longer than two steps.
    let prev = -Infinity;
    for (let i = 0; i < r.timestamps.length; i++) {
      const t = r.timestamps[i]!;
      if (t - prev > 2 * step) {
        const sev = r.labels.severity ? ` (${r.labels.severity})` : '';
        out.push({ time: t, component: r.labels[componentLabel] ?? r.labels.job ?? 'system', kind: 'alert', event: `alert ${r.labels.alertname ?? '?'} firing${sev}` });
      }
      prev = t;
    }
  }
  return out;
}

export function anomalyEvents(findings: SeriesFinding[], limit = 20): TimelineEvent[] {
  return findings
    .filter((f) => f.anomalous && f.onset !== undefined)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((f) => ({
      time: f.onset!,
      component: f.component,
      kind: 'anomaly' as const,
      event: `${f.metric} turned abnormal (${f.deviation.toFixed(1)} × its noise from its baseline)`,
    }));
}

interface FaultRecord {
  id: string;
  type: string;
  service: string;
  magnitude?: number;
  start: string;
  end?: string | null;
}

/** Fault injections from the demo workload (GET {base}/faults) that overlap [start, end]. */
export async function faultEvents(baseUrl: string, start: number, end: number, timeoutMs = 3000): Promise<{ events: TimelineEvent[]; types: string[] }> {
  const res = await fetch(`${baseUrl.replace(/\/$/, '')}/faults`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${baseUrl}/faults answered ${res.status}`);
  const body = (await res.json()) as unknown;
  if (!Array.isArray(body)) throw new Error(`GET ${baseUrl}/faults did not return an array`);
  const events: TimelineEvent[] = [];
  const types = new Set<string>();
  for (const f of body as FaultRecord[]) {
    const s = Date.parse(f.start) / 1000;
    const e = f.end ? Date.parse(f.end) / 1000 : Infinity;
    if (!Number.isFinite(s) || s > end || e < start) continue;
    types.add(f.type);
    events.push({ time: s, component: f.service, kind: 'fault', event: `fault injected: ${f.type}${f.magnitude !== undefined ? ` ×${f.magnitude}` : ''} (${f.id})` });
    if (Number.isFinite(e) && e <= end) events.push({ time: e, component: f.service, kind: 'fault', event: `fault ended: ${f.type} (${f.id})` });
  }
  return { events, types: [...types] };
}

/**
 * Change markers: every time a marker query's value changes between two samples (process restarted,
 * config reloaded, build_info version flipped) becomes a `change` event on its component.
 */
export async function changeEvents(
  prom: PromReader,
  markers: { name: string; query: string }[],
  componentLabel: string,
  start: number,
  end: number,
  step: number,
): Promise<TimelineEvent[]> {
  const out: TimelineEvent[] = [];
  for (const m of markers) {
    const rows = await prom.queryRange(m.query, start, end, step);
    for (const r of rows) {
      for (let i = 1; i < r.values.length; i++) {
        const a = r.values[i - 1]!;
        const b = r.values[i]!;
        if (a !== b && Number.isFinite(a) && Number.isFinite(b)) {
          out.push({ time: r.timestamps[i]!, component: r.labels[componentLabel] ?? r.labels.job ?? 'system', kind: 'change', event: `${m.name} (${r.labels.instance ?? r.labels.job ?? ''})`.replace(' ()', '') });
        }
      }
    }
  }
  return out;
}

/** The fields of a capacity result (the models scheduler's `results(undefined, 'capacity')`) used here. */
export interface CapacityLike {
  target: string;
  labels: Record<string, string>;
  current: number;
  threshold: number;
  /** Unix seconds of the predicted crossing; null when none is predicted within the horizon. */
  exhaustionTime: number | null;
  secondsToThresholdLow?: number | null;
  secondsToThresholdHigh?: number | null;
  origin?: number;
}

const num = (x: number) => (Math.abs(x) >= 1e5 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : String(Math.round(x * 1000) / 1000));

/** Capacity forecasts predicted to cross their threshold inside [start, end] as `forecast` events at the crossing. */
export function forecastEvents(results: readonly CapacityLike[], componentLabel: string, start: number, end: number, limit = 20): TimelineEvent[] {
  return results
    .filter((r) => r.exhaustionTime !== null && Number.isFinite(r.exhaustionTime) && r.exhaustionTime >= start && r.exhaustionTime <= end)
    .sort((a, b) => a.exhaustionTime! - b.exhaustionTime!)
    .slice(0, limit)
    .map((r) => {
      const made = r.origin !== undefined && Number.isFinite(r.origin) ? `, forecast at ${new Date(r.origin * 1000).toISOString()}` : '';
      return {
        time: r.exhaustionTime!,
        component: r.labels[componentLabel] ?? r.labels.job ?? 'system',
        kind: 'forecast' as const,
        event: `${r.target} predicted to cross its threshold ${num(r.threshold)} (was ${num(r.current)}${made})`,
      };
    });
}
