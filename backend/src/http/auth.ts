// API-token check for /api/*: `Authorization: Bearer <token>` or `X-Foresight-Token: <token>`.
// Compared in constant time (over SHA-256 digests, so token length does not leak either).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  // Always compare (even for an empty token) so timing does not tell "missing" from "wrong".
  return timingSafeEqual(digest(given), digest(expected)) && given.length > 0;
}

/** The token a request carries, if any. */
export function requestToken(headers: { authorization?: string; 'x-foresight-token'?: string | string[] }): string | undefined {
  const h = headers['x-foresight-token'];
  if (typeof h === 'string' && h) return h;
  const m = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return m?.[1]?.trim();
}

/**
 * Who a request acts as, for audit trails: set by requireToken from the authenticated identity only.
 * A request with the API token acts as 'api-token', or as the Grafana user Grafana's data proxy forwards
 * with it (`X-Grafana-User`, trusted only together with the token); without auth it is 'anonymous'.
 */
export function actorOf(res: { locals: Record<string, unknown> }): string {
  const a = res.locals.actor;
  return typeof a === 'string' && a ? a : 'anonymous';
}

/** `token` undefined means auth is disabled (only ever by an explicit `auth.disabled: true`). */
export function requireToken(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token === undefined) {
      res.locals.actor = 'anonymous';
      return next();
    }
    if (tokenMatches(requestToken(req.headers), token)) {
      const user = req.header('x-grafana-user');
      res.locals.actor = user && /^[^\s\x00-\x1f]{1,200}$/.test(user) ? `grafana:${user}` : 'api-token';
      return next();
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="foresight"');
    res.status(401).json({ error: 'missing or invalid API token: send Authorization: Bearer <token> or X-Foresight-Token' });
  };
}
