// /api/rca: root-cause investigations and the incident knowledge base.
//   POST /investigations            {incidentTime, from?, to?, scope?: {components?, pattern?}, title?}
//   GET  /incidents?symptom=&component=&limit=
//   GET  /incidents/:id
//   POST /incidents/:id/confirm     {component, metric?, resolution?}
//   GET  /runbooks
import express from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import { RcaInputError } from '../rca/model/index.js';
import { parseRcaConfig, type RcaConfig } from '../rca/config.js';
import { ScopeError } from '../rca/gather.js';
import { investigate, toRootCauseDto } from '../rca/investigate.js';
import { KnowledgeBase } from '../rca/knowledge-base.js';
import { loadRunbooks } from '../rca/runbooks.js';
import type { CapacityLike } from '../rca/timeline.js';
import type { PromReader, StoreLike } from '../health/ports.js';
import { limitsSchema, withDeadline, type Limits } from '../http/limits.js';
import { MS_ABOVE } from '../io/csv.js';

/** What the router needs from the companion's AppContext (shared interface 5), structurally. */
export interface RcaRouterContext {
  config: unknown;
  prom: PromReader;
  store: StoreLike;
  log?: Logger;
}

/** Unix seconds, unix ms (above MS_ABOVE, as the CSV readers take them) or an ISO date. */
const time = z
  .union([z.number().finite(), z.string().min(1)], { errorMap: () => ({ message: 'expected a unix time (s or ms) or an ISO date' }) })
  .transform((v, ctx) => {
  const n = typeof v === 'number' ? v : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Date.parse(v) / 1000;
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `'${String(v)}' is neither a unix time nor an ISO date` });
    return z.NEVER;
  }
  return n > MS_ABOVE ? n / 1000 : n;
});

const investigationSchema = z
  .object({
    incidentTime: time,
    from: time.optional(),
    to: time.optional(),
    title: z.string().max(200).optional(),
    scope: z.object({ components: z.array(z.string().min(1)).optional(), pattern: z.string().min(1).optional() }).strict().optional(),
  })
  .strict();

const confirmSchema = z
  .object({ component: z.string().min(1), metric: z.string().min(1).optional(), resolution: z.string().max(5000).optional() })
  .strict();

function badRequest(res: express.Response, where: string, e: z.ZodError): void {
  res.status(400).json({ error: e.issues.map((i) => `${where}.${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
}

const kbs = new WeakMap<object, KnowledgeBase>();
export function knowledgeBaseFor(ctx: RcaRouterContext): KnowledgeBase {
  let kb = kbs.get(ctx.store);
  if (!kb) kbs.set(ctx.store, (kb = new KnowledgeBase(ctx.store)));
  return kb;
}

const forecastSources = new WeakMap<object, () => readonly CapacityLike[]>();
/** Where investigations of this context read capacity forecasts (the wiring passes the models scheduler's). */
export function provideForecasts(ctx: RcaRouterContext, source: () => readonly CapacityLike[]): void {
  forecastSources.set(ctx, source);
}
export function forecastsFor(ctx: RcaRouterContext): (() => readonly CapacityLike[]) | undefined {
  return forecastSources.get(ctx);
}

export function rcaRouter(ctx: RcaRouterContext): express.Router {
  const r = express.Router();
  const cfg: RcaConfig = parseRcaConfig((ctx.config as { rca?: unknown } | undefined)?.rca);
  const kb = knowledgeBaseFor(ctx);

  r.post('/investigations', async (req, res) => {
    const p = investigationSchema.safeParse(req.body ?? {});
    if (!p.success) return badRequest(res, 'body', p.error);
    // Budgets (config `limits`): the window an investigation reads, and how long it may run.
    const limits: Limits = (ctx.config as { limits?: Limits } | undefined)?.limits ?? limitsSchema.parse(undefined);
    const from = p.data.from ?? p.data.incidentTime;
    const to = p.data.to ?? p.data.incidentTime;
    const hours = (Math.max(to, p.data.incidentTime) - Math.min(from, p.data.incidentTime)) / 3600;
    if (hours > limits.investigationWindowHours) {
      res.status(422).json({ error: `investigation window of ${hours.toFixed(1)} h: over limits.investigationWindowHours (${limits.investigationWindowHours})` });
      return;
    }
    try {
      const inv = await withDeadline(limits.investigationSeconds, 'limits.investigationSeconds', () => investigate(
        { prom: ctx.prom, config: cfg, kb, ...(ctx.log ? { log: ctx.log } : {}), ...(forecastsFor(ctx) ? { forecasts: forecastsFor(ctx)! } : {}) },
        {
          incidentTime: p.data.incidentTime,
          ...(p.data.from !== undefined ? { start: p.data.from } : {}),
          ...(p.data.to !== undefined ? { end: p.data.to } : {}),
          ...(p.data.scope ? { scope: p.data.scope } : {}),
          ...(p.data.title ? { title: p.data.title } : {}),
        },
      ));
      res.status(201).json({ ...inv, contract: toRootCauseDto(inv) });
    } catch (e) {
      if (e instanceof ScopeError || e instanceof RcaInputError) {
        res.status(422).json({ error: e.message });
        return;
      }
      throw e;
    }
  });

  r.get('/incidents', (req, res) => {
    const limit = req.query.limit === undefined ? 50 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      res.status(400).json({ error: `limit: must be an integer in [1, 500], got '${String(req.query.limit)}'` });
      return;
    }
    const q = (k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : undefined);
    const symptom = q('symptom');
    const component = q('component');
    res.json({ incidents: kb.search({ limit, ...(symptom ? { symptom } : {}), ...(component ? { component } : {}) }) });
  });

  r.get('/incidents/:id', (req, res) => {
    const inc = kb.get(req.params.id);
    if (!inc) res.status(404).json({ error: `no incident with id '${req.params.id}'` });
    else res.json(inc);
  });

  r.post('/incidents/:id/confirm', (req, res) => {
    const p = confirmSchema.safeParse(req.body ?? {});
    if (!p.success) return badRequest(res, 'body', p.error);
    if (!kb.get(req.params.id)) {
      res.status(404).json({ error: `no incident with id '${req.params.id}'` });
      return;
    }
    res.json(kb.confirm(req.params.id, { component: p.data.component, ...(p.data.metric ? { metric: p.data.metric } : {}), ...(p.data.resolution ? { resolution: p.data.resolution } : {}) }));
  });

  r.get('/runbooks', async (_req, res) => {
    const books = await loadRunbooks(cfg.runbooksDir);
    res.json({ runbooks: books.map((b) => ({ id: b.id, title: b.title, symptoms: b.symptoms, metrics: b.metrics.map((m) => m.source), faults: b.faults, file: b.file })) });
  });
  return r;
}
