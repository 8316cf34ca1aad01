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

/** `token` undefined means auth is disabled (only ever by an explicit `auth.disabled: true`). */
export function requireToken(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token === undefined) return next();
    if (tokenMatches(requestToken(req.headers), token)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="foresight"');
    res.status(401).json({ error: 'missing or invalid API token: send Authorization: Bearer <token> or X-Foresight-Token' });
  };
}
