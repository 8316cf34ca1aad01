// Liveness, readiness and metrics: open endpoints (no token), for Prometheus and orchestrators.
import express, { type Router } from 'express';
import type { Registry } from 'prom-client';

export interface ReadinessProbe {
  readiness(): Promise<{ ready: boolean; reason?: string }>;
}

export function healthRouter(o: { prom: ReadinessProbe; registry: Registry }): Router {
  const r = express.Router();
  // Alive as long as the process answers: no dependency checks here, or a Prometheus outage would restart us.
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const p = await o.prom.readiness();
    if (p.ready) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'not ready', reason: `prometheus not ready: ${p.reason ?? 'unknown'}` });
  });
  r.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', o.registry.contentType);
    res.send(await o.registry.metrics());
  });
  return r;
}
