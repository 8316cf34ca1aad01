// Every feature of the companion, wired once: routers under /api/<feature>, the datasource providers,
// background work started with the server and stopped with it, and incidents feeding root-cause
// analysis. The CLI, the demo stack and the tests all start the companion through here.
import type { Router } from 'express';
import type { AppContext } from '../context.js';
import { alertingRouter, alertingServicesFor } from '../api/alerting.js';
import { chaosRouter, chaosServiceFor } from '../api/chaos.js';
import { datasourceRouter, type DatasourceProviders } from '../api/datasource.js';
import { healthRouter, healthServiceFor } from '../api/health.js';
import { modelsRouter, modelsServiceFor } from '../api/models.js';
import { forecastsFor, knowledgeBaseFor, provideForecasts, rcaRouter } from '../api/rca.js';
import { sloRouter } from '../api/slo.js';
import { startCompanion, type RunningCompanion } from '../companion.js';
import { withDeadline } from '../http/limits.js';
import type { Config } from '../config/schema.js';
import type { CapacitySeriesResult } from '../live/results.js';
import { healthScoreProvider } from '../health/ds-provider.js';
import { investigateNewFindings } from '../rca/anomaly-trigger.js';
import { parseRcaConfig, type RcaConfig } from '../rca/config.js';
import { rootCauseProvider } from '../rca/ds-provider.js';
import { requestFromAlerts } from '../rca/from-alerts.js';
import { investigate, type InvestigateDeps } from '../rca/investigate.js';
import { anomaliesProvider, forecastProvider, targetOptions } from './models-providers.js';
import { budgetHistoryProvider, burnRatesProvider, sloCacheFor, sloOptions, sloStatusProvider } from './slo-providers.js';

export function datasourceProviders(): Partial<DatasourceProviders> {
  return {
    sloStatus: (q, r, ctx) => sloStatusProvider(ctx, q, r.to),
    burnRates: (q, r, ctx) => burnRatesProvider(ctx, q.slo, r.to),
    budgetHistory: (q, r, ctx) => budgetHistoryProvider(ctx, q.slo, r.from, r.to, r.maxDataPoints),
    forecast: (q, r, ctx) => forecastProvider(ctx, q, r.from, r.to, r.maxDataPoints),
    anomalies: async (q, r, ctx) => anomaliesProvider(ctx, q, r.from, r.to),
    healthScore: healthScoreProvider,
    rootCause: rootCauseProvider,
    options: async (kind, ctx) => {
      switch (kind) {
        case 'services':
        case 'slos':
          return sloOptions(ctx, kind);
        case 'targets':
          return targetOptions(ctx);
        case 'components': {
          const svc = healthServiceFor(ctx);
          const snap = svc.latest() ?? (await svc.runOnce());
          return snap.components.map((c) => ({ value: c.component }));
        }
      }
    },
  };
}

export function featureRouters(ctx: AppContext): Record<string, Router> {
  // Investigations put the capacity forecasts' predicted crossings on their timeline.
  provideForecasts(ctx, () => modelsServiceFor(ctx).results(undefined, 'capacity').filter((r): r is CapacitySeriesResult => r.kind === 'capacity'));
  return {
    slo: sloRouter(ctx),
    models: modelsRouter(ctx),
    health: healthRouter(ctx),
    rca: rcaRouter(ctx),
    alerting: alertingRouter(ctx),
    chaos: chaosRouter(ctx),
    ds: datasourceRouter(ctx, datasourceProviders()),
  };
}

function rcaDeps(ctx: AppContext, cfg: RcaConfig): InvestigateDeps {
  const forecasts = forecastsFor(ctx);
  return { prom: ctx.prom, config: cfg, kb: knowledgeBaseFor(ctx), log: ctx.log, ...(forecasts ? { forecasts } : {}) };
}

/** A new incident from Alertmanager starts a root-cause investigation saved in the knowledge base. */
function investigateIncidents(ctx: AppContext): void {
  const cfg = parseRcaConfig((ctx.config as { rca?: unknown }).rca);
  const hooks = alertingServicesFor(ctx).incidents.hooks;
  const seconds = ctx.config.limits?.investigationSeconds ?? 120;
  hooks.onIncidentOpened = async (incident, alerts) => {
    // Bounded like an API investigation (limits.investigationSeconds): a stuck one cannot pile up.
    const inv = await withDeadline(seconds, 'limits.investigationSeconds', () =>
      investigate(rcaDeps(ctx, cfg), { ...requestFromAlerts(alerts, cfg.componentLabel), title: `incident ${incident.id}` }),
    );
    ctx.log.info({ incident: incident.id, investigation: inv.id, top: inv.candidates[0]?.component }, 'incident investigated');
  };
}

/** A new anomaly group (a models finding not seen before, by component and time window) starts an investigation too. */
function investigateAnomalies(ctx: AppContext): { stop(): Promise<void> } | undefined {
  const cfg = parseRcaConfig((ctx.config as { rca?: unknown }).rca);
  if (!cfg.anomalies.investigate || cfg.anomalies.maxPerCycle === 0) return undefined;
  return investigateNewFindings(modelsServiceFor(ctx), {
    componentLabel: cfg.componentLabel,
    maxPerCycle: cfg.anomalies.maxPerCycle,
    maxAgeSeconds: cfg.anomalies.maxAgeMinutes * 60,
    run: async (req, f) => {
      try {
        const inv = await withDeadline(ctx.config.limits?.investigationSeconds ?? 120, 'limits.investigationSeconds', () => investigate(rcaDeps(ctx, cfg), req));
        ctx.log.info({ finding: f.component, start: f.start, investigation: inv.id, top: inv.candidates[0]?.component }, 'anomaly group investigated');
      } catch (e) {
        ctx.log.warn({ finding: f.component, err: (e as Error).message }, 'anomaly group investigation failed');
      }
    },
  });
}

/** Starts the companion with every feature; background work starts once the server listens. */
export async function startFullCompanion(config: Config): Promise<RunningCompanion> {
  let anomalyRca: { stop(): Promise<void> } | undefined;
  const running = await startCompanion(config, {
    routers: featureRouters,
    onStop: async (ctx) => {
      await chaosServiceFor(ctx).stop(); // running experiments roll back first
      await modelsServiceFor(ctx).stop();
      await anomalyRca?.stop();
      alertingServicesFor(ctx).stop();
      healthServiceFor(ctx).stop();
      sloCacheFor(ctx).stop();
    },
  });
  investigateIncidents(running.ctx);
  anomalyRca = investigateAnomalies(running.ctx);
  modelsServiceFor(running.ctx).start();
  healthServiceFor(running.ctx).start();
  // SLO status, budgets and burn rates on a cadence, so dashboards read them from memory.
  sloCacheFor(running.ctx).start();
  chaosServiceFor(running.ctx).startScheduler();
  return running;
}
