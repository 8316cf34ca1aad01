// Every feature of the companion, wired once: routers under /api/<feature>, the datasource providers,
// background work started with the server and stopped with it, and incidents feeding root-cause
// analysis. The CLI, the demo stack and the tests all start the companion through here.
import type { Router } from 'express';
import type { AppContext } from '../context.js';
import { alertingRouter, alertingServicesFor } from '../api/alerting.js';
import { datasourceRouter, type DatasourceProviders } from '../api/datasource.js';
import { healthRouter, healthServiceFor } from '../api/health.js';
import { modelsRouter, modelsServiceFor } from '../api/models.js';
import { knowledgeBaseFor, rcaRouter } from '../api/rca.js';
import { sloRouter } from '../api/slo.js';
import { startCompanion, type RunningCompanion } from '../companion.js';
import type { Config } from '../config/schema.js';
import { healthScoreProvider } from '../health/ds-provider.js';
import { parseRcaConfig } from '../rca/config.js';
import { rootCauseProvider } from '../rca/ds-provider.js';
import { requestFromAlerts } from '../rca/from-alerts.js';
import { investigate } from '../rca/investigate.js';
import { anomaliesProvider, forecastProvider, targetOptions } from './models-providers.js';
import { budgetHistoryProvider, burnRatesProvider, sloOptions, sloStatusProvider } from './slo-providers.js';

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
  return {
    slo: sloRouter(ctx),
    models: modelsRouter(ctx),
    health: healthRouter(ctx),
    rca: rcaRouter(ctx),
    alerting: alertingRouter(ctx),
    ds: datasourceRouter(ctx, datasourceProviders()),
  };
}

/** A new incident from Alertmanager starts a root-cause investigation saved in the knowledge base. */
function investigateIncidents(ctx: AppContext): void {
  const cfg = parseRcaConfig((ctx.config as { rca?: unknown }).rca);
  const hooks = alertingServicesFor(ctx).incidents.hooks;
  hooks.onIncidentOpened = async (incident, alerts) => {
    const inv = await investigate(
      { prom: ctx.prom, config: cfg, kb: knowledgeBaseFor(ctx), log: ctx.log },
      { ...requestFromAlerts(alerts, 'service'), title: `incident ${incident.id}` },
    );
    ctx.log.info({ incident: incident.id, investigation: inv.id, top: inv.candidates[0]?.component }, 'incident investigated');
  };
}

/** Starts the companion with every feature; background work starts once the server listens. */
export async function startFullCompanion(config: Config): Promise<RunningCompanion> {
  const running = await startCompanion(config, {
    routers: featureRouters,
    onStop: async (ctx) => {
      await modelsServiceFor(ctx).stop();
      alertingServicesFor(ctx).stop();
      healthServiceFor(ctx).stop();
    },
  });
  investigateIncidents(running.ctx);
  modelsServiceFor(running.ctx).start();
  healthServiceFor(running.ctx).start();
  return running;
}
