// /api/models: live model results as JSON.
//   GET  /                    replica, config summary and per-target status
//   GET  /anomalies           latest anomaly score, band, agreeing detectors per series (?target=, ?anomalous=1)
//   GET  /forecasts           forecasts with 80/95% intervals (?target=)
//   GET  /capacity            exhaustion times with their interval, headroom, growth, recommendation (?target=)
//   GET  /findings            anomalous points grouped into one finding per component incident
//   GET  /targets/:name       every result of one target (404 naming the known targets)
//   GET  /rules               predictive alert rules (YAML) for the capacity targets
//   POST /run                 evaluate now; returns the cycle report
import express from 'express';
import { Registry } from 'prom-client';
import { capacityRulesFor } from '../live/rules.js';
import { ModelScheduler } from '../live/scheduler.js';
import type { LogLike, PromRangeReader, StoreLike } from '../live/ports.js';

/** What the router needs from the companion's AppContext (shared interface 5), structurally. */
export interface ModelsRouterContext {
  config: unknown;
  prom: PromRangeReader;
  store: StoreLike;
  log?: LogLike;
  /** The shared /metrics registry; the models' series are registered on it. */
  registry?: Registry;
}

const schedulers = new WeakMap<object, ModelScheduler>();

/** One scheduler per context, shared by the router and whoever starts it (`modelsServiceFor(ctx).start()`). */
export function modelsServiceFor(ctx: ModelsRouterContext): ModelScheduler {
  let s = schedulers.get(ctx);
  if (!s) {
    const raw = (ctx.config as { models?: unknown } | undefined)?.models;
    s = new ModelScheduler({ prom: ctx.prom, store: ctx.store, registry: ctx.registry ?? new Registry(), config: raw, ...(ctx.log ? { log: ctx.log } : {}) });
    schedulers.set(ctx, s);
  }
  return s;
}

export function modelsRouter(ctx: ModelsRouterContext): express.Router {
  const r = express.Router();
  const svc = (): ModelScheduler => modelsServiceFor(ctx);
  const targetParam = (q: unknown): string | undefined => (typeof q === 'string' && q !== '' ? q : undefined);
  const checkTarget = (name: string | undefined, res: express.Response): boolean => {
    if (name === undefined || svc().config.targets.some((t) => t.name === name)) return true;
    res.status(404).json({ error: `unknown models target '${name}'; known: ${svc().config.targets.map((t) => t.name).join(', ') || '(none configured)'}` });
    return false;
  };
  r.get('/', (_req, res) => {
    const c = svc().config;
    res.json({ replica: c.replica, intervalSeconds: c.intervalSeconds, maxSeriesPerTarget: c.maxSeriesPerTarget, targets: svc().targets() });
  });
  r.get('/anomalies', (req, res) => {
    const target = targetParam(req.query.target);
    if (!checkTarget(target, res)) return;
    let out = svc().results(target, 'anomaly');
    if (req.query.anomalous === '1' || req.query.anomalous === 'true') out = out.filter((x) => x.kind === 'anomaly' && x.latest?.anomaly);
    res.json({ results: out });
  });
  r.get('/forecasts', (req, res) => {
    const target = targetParam(req.query.target);
    if (!checkTarget(target, res)) return;
    res.json({ results: svc().results(target, 'forecast') });
  });
  r.get('/capacity', (req, res) => {
    const target = targetParam(req.query.target);
    if (!checkTarget(target, res)) return;
    res.json({ results: svc().results(target, 'capacity') });
  });
  r.get('/findings', (req, res) => {
    const gap = Number(req.query.gapSeconds ?? 600);
    if (!(gap > 0)) {
      res.status(400).json({ error: `gapSeconds must be a positive number (got '${String(req.query.gapSeconds)}')` });
      return;
    }
    res.json({ findings: svc().findings(undefined, gap) });
  });
  r.get('/targets/:name', (req, res) => {
    if (!checkTarget(req.params.name, res)) return;
    res.json({ status: svc().targets().find((t) => t.target === req.params.name), results: svc().results(req.params.name) });
  });
  r.get('/rules', (_req, res) => {
    res.type('application/yaml').send(capacityRulesFor(svc().config.targets) ?? 'groups: []\n');
  });
  r.post('/run', async (_req, res) => {
    res.json(await svc().runOnce());
  });
  return r;
}
