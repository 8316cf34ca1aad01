// Turns an incident's trigger into an investigation request: an Alertmanager webhook's alerts (or an
// anomaly group) → the earliest start as the incident time, the components they name as the scope.
import type { InvestigateRequest } from './investigate.js';

/** The fields of an Alertmanager webhook alert (v4 payload) that matter here. */
export interface AlertLike {
  labels: Record<string, string>;
  startsAt: string;
  status?: string;
}

export function requestFromAlerts(alerts: AlertLike[], componentLabel: string): InvestigateRequest {
  const firing = alerts.filter((a) => a.status !== 'resolved');
  const use = firing.length ? firing : alerts;
  if (!use.length) throw new Error('alerts: an incident needs at least one alert');
  const times = use.map((a, i) => {
    const t = Date.parse(a.startsAt);
    if (!Number.isFinite(t)) throw new Error(`alerts[${i}].startsAt: '${a.startsAt}' is not an ISO time`);
    return t / 1000;
  });
  const components = [...new Set(use.map((a) => a.labels[componentLabel]).filter((c): c is string => !!c))];
  const names = [...new Set(use.map((a) => a.labels.alertname ?? 'alert'))];
  return {
    incidentTime: Math.min(...times),
    // An alert without the component label means "somewhere": no scope, every component is a candidate.
    ...(components.length ? { scope: { components } } : {}),
    title: `${names.join(', ')}${components.length ? ` on ${components.join(', ')}` : ''}`,
  };
}

/** An anomaly group (from the anomaly detector) as an investigation request. */
export function requestFromAnomalies(anomalies: { time: number; component?: string }[]): InvestigateRequest {
  if (!anomalies.length) throw new Error('anomalies: an anomaly group needs at least one anomaly');
  const components = [...new Set(anomalies.map((a) => a.component).filter((c): c is string => !!c))];
  return {
    incidentTime: Math.min(...anomalies.map((a) => a.time)),
    ...(components.length ? { scope: { components } } : {}),
    title: `anomalies on ${components.join(', ') || 'the system'}`,
  };
}
