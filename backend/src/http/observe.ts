// Per-request metrics and debug logs. The route label is the matched pattern (/api/slo/:id), never the
// raw URL, so label cardinality stays bounded; unmatched paths share one label value.
import type { RequestHandler } from 'express';
import type pino from 'pino';
import { httpDuration, httpErrors, httpRequests } from './metrics.js';

/**
 * The matched route as a full pattern: the mount prefix (taken from the URL, since req.baseUrl is already
 * reset when an error unwinds out of a router) plus the innermost route's pattern. 'unmatched' otherwise.
 */
export function routeLabel(originalUrl: string, pattern: unknown): string {
  if (typeof pattern !== 'string') return 'unmatched';
  const segs = (originalUrl.split('?')[0] ?? '').split('/').filter(Boolean);
  const own = pattern.split('/').filter(Boolean).length;
  const mount = segs.slice(0, Math.max(0, segs.length - own));
  const tail = pattern === '/' ? '' : pattern;
  return (mount.length ? `/${mount.join('/')}` : '') + tail || '/';
}

export function observeRequests(log: pino.Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routeLabel(req.originalUrl, req.route?.path as unknown); // express types req.route as any
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
