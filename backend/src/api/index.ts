// Mounts the feature routers under /api/<feature>, behind the API-token check, with the built-in
// GET /api/info, a JSON 404 for unknown API paths and a JSON error handler (`{error}` with a status).
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { readFileSync } from 'node:fs';
import type { AppContext } from '../context.js';
import { requireToken } from '../http/auth.js';
import { bodyLimit, limitsSchema, requestScope } from '../http/limits.js';

const started = Date.now();

/** The companion's version from backend/package.json (read once; 'unknown' if it is not beside us, e.g. a copied bundle). */
export const VERSION: string = (() => {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@foresight/companion' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
})();

function statusOf(err: unknown): number {
  const s = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

export function mountApi(app: Express, ctx: AppContext, routers: Record<string, Router>): void {
  const api = express.Router();
  const tokenCheck = requireToken(ctx.config.auth.disabled ? undefined : ctx.config.auth.token);
  // The Alertmanager webhook authenticates itself (its own secret, or the API token: api/alerting.ts), so
  // Alertmanager need not hold the API token; every other route needs the token here.
  api.use((req, res, next) => (routers.alerting && req.method === 'POST' && req.path === '/alerting/webhook' ? next() : tokenCheck(req, res, next)));
  // Contexts built by hand (tests) may lack `limits`: their defaults apply.
  const limits = ctx.config?.limits ?? limitsSchema.parse(undefined);
  // Each request's Prometheus work is cancelled when its client goes away or its deadline passes.
  api.use(requestScope(limits));
  api.get('/info', (_req, res) => {
    res.json({
      name: 'foresight-companion',
      version: VERSION,
      prometheusUrl: ctx.config.prometheus.url,
      alertmanagerUrl: ctx.config.alertmanager.url,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      features: Object.keys(routers).sort(),
    });
  });
  for (const [name, router] of Object.entries(routers)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`mountApi: feature name '${name}' must be lower-case letters, digits and dashes`);
    // The body parser of each feature with that feature's limit (limits.bodyBytes), so the limit that
    // applies is the one configured: a router's own parser then finds the body parsed.
    const limit = bodyLimit(limits, name);
    api.use(`/${name}`, express.json({ limit }), express.text({ type: ['application/yaml', 'application/x-yaml', 'text/yaml'], limit }), router);
  }
  api.use((req, res) => {
    res.status(404).json({ error: `no API route ${req.method} /api${req.path}` });
  });
  // Express recognises an error handler by its four parameters.
  api.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = statusOf(err);
    const message = err instanceof Error ? err.message : String(err);
    if (status >= 500) ctx.log.error({ err, method: req.method, url: req.originalUrl }, 'api error');
    if (res.headersSent) return;
    res.status(status).json({ error: message });
  });
  app.use('/api', api);
}
