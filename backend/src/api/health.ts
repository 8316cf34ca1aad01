// /api/health: the system and per-component health scores, their categories, recommendations and history.
//   GET /                       latest system health (scored now if nothing is cached or ?refresh=1)
//   GET /components/:component  one component (404 naming the known components when absent)
//   GET /components/:component/history?hours=24
import express from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { HealthService } from '../health/service.js';
import { toHealthScoreDto } from '../health/contract-shape.js';
import type { PromReader, StoreLike } from '../health/ports.js';
import { SloRepository } from '../slo/store.js';

/** What the router needs from the companion's AppContext (shared interface 5), structurally. */
export interface HealthRouterContext {
  config: unknown;
  prom: PromReader;
  store: StoreLike;
  log?: Logger;
  registry?: Registry;
}

const services = new WeakMap<object, HealthService>();

/** One HealthService per context, so the router, the scheduler and tests share history and metrics. */
export function healthServiceFor(ctx: HealthRouterContext): HealthService {
  let s = services.get(ctx);
  if (!s) {
    const raw = (ctx.config as { health?: unknown } | undefined)?.health;
    // Categories are judged against the SLOs the companion manages (stored by /api/slo) where one exists.
    let repo: SloRepository | undefined;
    const slos = () => (repo ??= new SloRepository(ctx.store)).load().slos;
    s = new HealthService({ prom: ctx.prom, store: ctx.store, config: raw, slos, ...(ctx.registry ? { registry: ctx.registry } : {}), ...(ctx.log ? { log: ctx.log } : {}) });
    services.set(ctx, s);
  }
  return s;
}

export function healthRouter(ctx: HealthRouterContext): express.Router {
  const r = express.Router();
  const svc = healthServiceFor(ctx);
  const current = async (refresh: boolean) => (!refresh && svc.latest()) || (await svc.runOnce());

  r.get('/', async (req, res) => {
    const snap = await current(req.query.refresh === '1' || req.query.refresh === 'true');
    res.json(snap);
  });

  r.get('/components/:component', async (req, res) => {
    const snap = await current(false);
    const c = snap.components.find((x) => x.component === req.params.component);
    if (!c) {
      res.status(404).json({ error: `no component '${req.params.component}'; known: ${snap.components.map((x) => x.component).join(', ') || 'none'}` });
      return;
    }
    const history = svc.history.scores(c.component, snap.at - 24 * 3600);
    res.json({ ...c, contract: toHealthScoreDto(c, history) ?? null });
  });

  r.get('/components/:component/history', (req, res) => {
    const hours = req.query.hours === undefined ? 24 : Number(req.query.hours);
    if (!(hours > 0) || hours > 24 * 365) {
      res.status(400).json({ error: `hours: must be a number in (0, 8760], got '${String(req.query.hours)}'` });
      return;
    }
    const now = Date.now() / 1000;
    res.json({ component: req.params.component, history: svc.history.scores(req.params.component, now - hours * 3600) });
  });
  return r;
}
