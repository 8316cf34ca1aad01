// The companion's express app: request metrics/logs, open health + metrics endpoints, token-checked /api.
import express, { type Express, type Router } from 'express';
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
  return app;
}
