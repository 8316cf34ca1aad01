// /api/chaos: game days.
//   POST /validate                 {text, file?}  → {valid, format, errors, warnings, experiments}
//   POST /runs                     {text, file?}  → 202 {id, warnings}; 422 {error, errors} and nothing injected
//   GET  /runs?limit=              newest first   GET /runs/:id (with its audit trail: events)
//   GET  /runs/:id/report?format=md|html
//   POST /runs/:id/approve {by}    POST /runs/:id/reject {by}    POST /runs/:id/abort {reason?}
//   GET  /runbooks                 which experiments exercised each runbook, when it last worked
import express from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { parseChaosConfig } from '../chaos/config.js';
import { renderHtml, renderMarkdown } from '../chaos/report.js';
import { ChaosService } from '../chaos/service.js';
import { loadPlanText } from '../chaos/validate.js';
import type { PromClient } from '../prom/client.js';
import type { Store } from '../store/db.js';
import { alertingServicesFor } from './alerting.js';
import { modelsServiceFor } from './models.js';
import { forecastsFor, knowledgeBaseFor } from './rca.js';
import { parseRcaConfig } from '../rca/config.js';
import { investigate } from '../rca/investigate.js';

export interface ChaosRouterContext {
  config: unknown;
  prom: Pick<PromClient, 'query' | 'queryRange'>;
  store: Store;
  log?: Logger;
  registry?: Registry;
}

const services = new WeakMap<object, ChaosService>();

/** One runner per context; it reads alerts from Alertmanager, anomalies from the models scheduler, runs RCA and reads the remediation audit. */
export function chaosServiceFor(ctx: ChaosRouterContext): ChaosService {
  const have = services.get(ctx);
  if (have) return have;
  const raw = (ctx.config ?? {}) as { chaos?: unknown; alertmanager?: { url?: string | null }; rca?: unknown; alerting?: unknown };
  const config = parseChaosConfig(raw.chaos);
  const rca = parseRcaConfig(raw.rca);
  const s = new ChaosService({
    store: ctx.store,
    config,
    query: (e) => ctx.prom.query(e),
    ...(raw.alertmanager?.url ? { alertmanagerUrl: raw.alertmanager.url } : {}),
    // The first anomalous point on the component since the injection (raw points: a finding groups
    // across 10 minutes and may have started with an earlier experiment).
    firstAnomaly: (component, sinceMs) => {
      let first: number | undefined;
      for (const r of modelsServiceFor(ctx).results(undefined, 'anomaly')) {
        if (r.kind !== 'anomaly' || r.labels[rca.componentLabel] !== component) continue;
        for (const pt of r.recent) if (pt.anomaly && pt.t * 1000 >= sinceMs && (first === undefined || pt.t * 1000 < first)) first = pt.t * 1000;
      }
      return first;
    },
    investigate: async (t, title) => {
      const forecasts = forecastsFor(ctx);
      const inv = await investigate({ prom: ctx.prom, config: rca, kb: knowledgeBaseFor(ctx), ...(ctx.log ? { log: ctx.log } : {}), ...(forecasts ? { forecasts } : {}) }, { incidentTime: t, title });
      if (inv.status !== 'ranked') throw new Error(inv.reason ?? `investigation ${inv.status}`);
      return { components: inv.components.map((c) => c.component), runbooks: inv.runbooks.map((r) => r.id), ...(inv.id ? { id: inv.id } : {}) };
    },
    remediation: (action, sinceMs, target) => {
      const hit = alertingServicesFor(ctx)
        .remediation.audit.list({ action, target, limit: 50 })
        .filter((a) => Date.parse(a.at) >= sinceMs && !['skipped', 'queued'].includes(a.outcome))
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
      return hit ? { at: Date.parse(hit.at), outcome: hit.outcome, dryRun: hit.dryRun } : undefined;
    },
    ...(ctx.registry ? { registry: ctx.registry } : {}),
    ...(ctx.log ? { log: ctx.log.child({ component: 'chaos' }) } : {}),
  });
  services.set(ctx, s);
  return s;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const runId = (v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new HttpError(400, `run id: must be a positive integer, got '${v}'`);
  return n;
};

function planBody(body: unknown): { text: string; file: string } {
  const b = (body ?? {}) as { text?: unknown; file?: unknown };
  if (typeof b.text !== 'string' || !b.text.trim()) throw new HttpError(400, 'body.text: the plan as YAML or JSON text is required');
  return { text: b.text, file: typeof b.file === 'string' && b.file ? b.file : 'plan' };
}

export function chaosRouter(ctx: ChaosRouterContext): express.Router {
  const svc = (): ChaosService => chaosServiceFor(ctx);
  const r = express.Router();
  const by = (req: express.Request): string => {
    const b = (req.body ?? {}) as { by?: unknown };
    return typeof b.by === 'string' && b.by ? b.by : (req.header('x-foresight-user') ?? 'api');
  };

  r.post('/validate', (req, res) => {
    const { text, file } = planBody(req.body);
    const out = loadPlanText(text, file);
    res.json({ valid: !!out.plan, format: out.format, errors: out.errors, warnings: out.warnings, experiments: out.plan?.experiments.map((e) => ({ name: e.name, target: e.target })) ?? [] });
  });
  r.post('/runs', (req, res) => {
    const { text, file } = planBody(req.body);
    const out = loadPlanText(text, file);
    if (!out.plan) return void res.status(422).json({ error: `plan refused: ${out.errors.join('; ')}`, errors: out.errors, warnings: out.warnings });
    const who = by(req);
    const id = svc().start(out.plan, who === 'api' ? 'api' : `api (${who})`, out.warnings);
    res.status(202).json({ id, warnings: out.warnings });
  });
  r.get('/runs', (req, res) => {
    const limit = req.query.limit === undefined ? 50 : runId(String(req.query.limit));
    res.json(svc().runs.list(limit));
  });
  const getRun = (id: number) => {
    const run = svc().runs.get(id);
    if (!run) throw new HttpError(404, `no chaos run ${id}`);
    return run;
  };
  r.get('/runs/:id', (req, res) => {
    const id = runId(req.params.id);
    res.json({ ...getRun(id), events: svc().runs.events(id) });
  });
  r.get('/runs/:id/report', (req, res) => {
    const id = runId(req.params.id);
    const run = getRun(id);
    const format = String(req.query.format ?? 'md');
    if (format !== 'md' && format !== 'html') throw new HttpError(400, `format: must be md or html, got '${format}'`);
    const events = svc().runs.events(id);
    if (format === 'html') res.type('text/html').send(renderHtml(run, events));
    else res.type('text/markdown').send(renderMarkdown(run, events));
  });
  for (const [path, approved] of [['approve', true], ['reject', false]] as const) {
    r.post(`/runs/:id/${path}`, (req, res) => {
      const id = runId(req.params.id);
      getRun(id);
      if (!svc().decide(id, approved, by(req))) throw new HttpError(409, `run ${id} is not waiting for approval`);
      res.json({ id, approved, by: by(req) });
    });
  }
  r.post('/runs/:id/abort', (req, res) => {
    const id = runId(req.params.id);
    getRun(id);
    const reason = typeof (req.body as { reason?: unknown } | undefined)?.reason === 'string' ? String((req.body as { reason: string }).reason) : `aborted by ${by(req)}`;
    if (!svc().abort(id, reason)) throw new HttpError(409, `run ${id} is not running`);
    res.json({ id, aborting: true });
  });
  r.get('/runbooks', (_req, res) => void res.json(svc().runs.runbooks()));

  r.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpError) return void res.status(err.status).json({ error: err.message });
    next(err);
  });
  return r;
}
