// Per-rule alert quality as Prometheus series on the companion's /metrics, read from the store at scrape
// time so they survive restarts. Cardinality is capped by `maxRules` (most-fired rules first).
import { Gauge, type Registry } from 'prom-client';
import type { IncidentService } from './service.js';

export function registerAlertingMetrics(registry: Registry, incidents: IncidentService, maxRules = 200): void {
  const gauges = {
    precision: 'foresight_alert_rule_precision',
    noise: 'foresight_alert_rule_noise_ratio',
    mttr: 'foresight_alert_rule_mttr_seconds',
    fired: 'foresight_alert_rule_fired',
  };
  // Re-registering (a new router in tests, a reload) replaces the old collectors instead of throwing.
  for (const n of [...Object.values(gauges), 'foresight_incidents_open']) registry.removeSingleMetric(n);
  // prom-client collects in registration order: the first gauge refreshes all four from one query.
  const precision: Gauge<'alertname'> = new Gauge({
    name: gauges.precision,
    help: 'Share of operator-rated alerts of this rule marked useful',
    labelNames: ['alertname'],
    registers: [registry],
    collect() {
      for (const g of [precision, noise, mttr, fired]) g.reset();
      for (const s of incidents.ruleStats(maxRules)) {
        const l = { alertname: s.alertname };
        fired.set(l, s.fired);
        if (s.precision !== undefined) precision.set(l, s.precision);
        if (s.noiseRatio !== undefined) noise.set(l, s.noiseRatio);
        if (s.mttrSeconds !== undefined) mttr.set(l, s.mttrSeconds);
      }
    },
  });
  const noise = new Gauge({ name: gauges.noise, help: 'Share of operator-rated alerts of this rule marked noise', labelNames: ['alertname'], registers: [registry] });
  const mttr = new Gauge({ name: gauges.mttr, help: 'Mean time from firing to resolved of this rule, seconds', labelNames: ['alertname'], registers: [registry] });
  const fired = new Gauge({ name: gauges.fired, help: 'Alerts of this rule received from Alertmanager', labelNames: ['alertname'], registers: [registry] });
  new Gauge({
    name: 'foresight_incidents_open',
    help: 'Incidents not yet resolved',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const st of ['open', 'acknowledged'] as const) this.set({ status: st }, incidents.listIncidents({ status: st, limit: 100_000 }).length);
    },
  });
}
