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
  // When Prometheus last answered, so a failing readiness says since when ("as of 12:03, Prometheus unreachable").
  let lastReady: number | undefined;
  r.get('/readyz', async (_req, res) => {
    const p = await o.prom.readiness();
    const now = Date.now();
    if (p.ready) {
      lastReady = now;
      res.json({ status: 'ready', asOf: new Date(now).toISOString() });
      return;
    }
    const since = lastReady === undefined ? 'never answered since start' : `as of ${new Date(lastReady).toTimeString().slice(0, 5)}, Prometheus unreachable`;
    res.status(503).json({
      status: 'not ready',
      reason: `prometheus not ready: ${p.reason ?? 'unknown'} (${since})`,
      lastReadyAt: lastReady === undefined ? null : new Date(lastReady).toISOString(),
    });
  });
  r.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', o.registry.contentType);
    res.send(await o.registry.metrics());
  });
  return r;
}
