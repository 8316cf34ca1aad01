// The companion's express app: request metrics/logs, open health + metrics endpoints, token-checked /api.
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { mountApi } from '../api/index.js';
import type { AppContext } from '../context.js';
import { healthRouter } from './health.js';
import { observeRequests } from './observe.js';

export function createApp(ctx: AppContext, routers: Record<string, Router> = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(observeRequests(ctx.log));
  app.use(healthRouter({ prom: ctx.prom, registry: ctx.registry }));
  mountApi(app, ctx, routers);
  app.use((req, res) => {
    res.status(404).json({ error: `not found: ${req.method} ${req.path}` });
  });
  // Outside /api (health, metrics): log the error and answer JSON instead of express' HTML page.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    ctx.log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (!res.headersSent) res.status(500).json({ error: err instanceof Error ? err.message : String(err) });
  });
  return app;
}
