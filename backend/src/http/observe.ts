// Per-request metrics and debug logs. The route label is the matched pattern (/api/slo/:id), never the
// raw URL, so label cardinality stays bounded; unmatched paths share one label value.
import type { RequestHandler } from 'express';
import type pino from 'pino';
import { httpDuration, httpErrors, httpRequests } from './metrics.js';

export function observeRequests(log: pino.Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const pattern = req.route?.path as string | undefined; // express types req.route as any
      const route = pattern !== undefined ? `${req.baseUrl}${pattern === '/' && req.baseUrl ? '' : pattern}` : 'unmatched';
      const code = String(res.statusCode);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      httpRequests.inc({ method: req.method, route, code });
      httpDuration.observe({ method: req.method, route }, seconds);
      if (res.statusCode >= 500) httpErrors.inc({ route });
      log.debug({ method: req.method, url: req.originalUrl, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  };
}
