// The plugin host's stand-in for Grafana's data proxy, kept strict: a request only ever reaches the
// configured upstream (fixed origin, validated path), the route's headers (the token) are added only for
// the plugin's own routes and only to that upstream, writes must come from this host's own pages, and
// every bad request is a 4xx for that request alone.

/** Request bodies the proxy forwards (the companion's largest route limit). */
export const PROXY_BODY_LIMIT = 1024 * 1024;

/** A 4xx/5xx answer with a reason; thrown by the helpers below and turned into a response by the server. */
export class HostError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Characters a path may carry as they are (RFC 3986 pchar plus '/'); everything else must be encoded.
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
// Percent-encoded '/', '\', '.', '%' and control characters: a second decoder (here or upstream) could
// turn them into `//`, `..` or a scheme, so they are refused rather than normalised.
const ENCODED_DANGEROUS = /%(2f|5c|2e|25|0[0-9a-f]|1[0-9a-f]|7f)/i;

/**
 * Checks the part of a proxied path after the route name (`/api/ds/query`), as it arrived (still encoded).
 * Returns it unchanged or throws a 400 naming what is wrong.
 */
export function checkProxyPath(rest) {
  if (rest === '' || rest === '/') {return '/';}
  if (!rest.startsWith('/')) {throw new HostError(400, 'proxy path must start with /');}
  if (!PATH_CHARS.test(rest)) {throw new HostError(400, 'proxy path has characters that must be percent-encoded');}
  if (rest.includes('//')) {throw new HostError(400, 'proxy path must not contain // (an empty segment or a protocol-relative URL)');}
  if (ENCODED_DANGEROUS.test(rest)) {throw new HostError(400, 'proxy path must not carry encoded /, \\, ., % or control characters');}
  try {
    decodeURIComponent(rest);
  } catch {
    throw new HostError(400, 'proxy path has a malformed percent-encoding');
  }
  for (const seg of rest.split('/')) {
    if (seg === '.' || seg === '..') {throw new HostError(400, 'proxy path must not contain . or .. segments');}
  }
  return rest;
}

/** Query strings are passed on, but only if they cannot smuggle a fragment or raw spaces. */
export function checkQuery(q) {
  if (q === '') {return '';}
  if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/.test(q)) {throw new HostError(400, 'proxy query string has characters that must be percent-encoded');}
  return `?${q}`;
}

/**
 * Renders a plugin.json route template as Grafana's data proxy does: `{{ .JsonData.key }}` and
 * `{{ .SecureJsonData.key }}` from the saved settings; a missing key renders empty.
 */
export function renderTemplate(text, settings) {
  return String(text).replace(/\{\{\s*\.(JsonData|SecureJsonData)\.([A-Za-z0-9_]+)\s*\}\}/g, (_m, where, key) => {
    const src = where === 'JsonData' ? settings.jsonData : settings.secureJsonData;
    const v = src?.[key];
    return v === undefined || v === null ? '' : String(v);
  });
}

/**
 * The upstream URL for `route` (from plugin.json) and the checked `rest` path + query, or a 502 when the
 * rendered route URL is not one of the allowed upstream origins (the host never follows a saved URL
 * elsewhere: the token it adds is for the companion only).
 */
export function upstreamUrl(route, settings, rest, query, allowedOrigins) {
  const base = renderTemplate(route.url, settings).trim();
  let u;
  try {
    u = new URL(base);
  } catch {
    throw new HostError(502, `route '${route.path}': its URL '${base}' (from the saved settings) is not a valid URL`);
  }
  if (!['http:', 'https:'].includes(u.protocol) || u.username || u.password) {
    throw new HostError(502, `route '${route.path}': its URL must be plain http(s) without credentials`);
  }
  if (!allowedOrigins.includes(u.origin)) {
    throw new HostError(502, `route '${route.path}': ${u.origin} is not the configured companion (${allowedOrigins.join(', ')})`);
  }
  // Joined as strings, then re-checked: the result must stay on that origin and under the route's base path.
  const basePath = u.pathname.replace(/\/+$/, '');
  const target = new URL(`${u.origin}${basePath}${rest}${query}`);
  if (target.origin !== u.origin || !target.pathname.startsWith(`${basePath}/`)) {
    throw new HostError(400, 'proxy path leaves the route');
  }
  return target;
}

/** The route's headers with their templates rendered (e.g. `Authorization: Bearer {{ .SecureJsonData.apiToken }}`). */
export function routeHeaders(route, settings) {
  const out = {};
  for (const h of route.headers ?? []) {
    const value = renderTemplate(h.content, settings);
    // A header whose secret is not set is left out rather than sent as "Bearer ".
    if (/\{\{/.test(h.content) && renderTemplate(h.content, { jsonData: {}, secureJsonData: {} }) === value) {continue;}
    out[String(h.name).toLowerCase()] = value;
  }
  return out;
}

/** Reads a request body up to `limit` bytes; a longer one is a 413 (and the rest is not read). */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HostError(413, `request body of ${declared} bytes is over this route's limit of ${limit} bytes`));
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        reject(new HostError(413, `request body is over this route's limit of ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', (err) => reject(new HostError(400, `reading the request body failed: ${err.message}`)));
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Grafana refuses cross-site writes (its CSRF check compares Origin with the server's own address). Here a
 * write must carry an Origin (or Sec-Fetch-Site: same-origin) naming this host: a page on another site, or
 * a script that does not say where it comes from, gets 403 and never reaches the companion.
 */
export function checkSameOrigin(req, ownHosts) {
  if (SAFE_METHODS.has(req.method ?? 'GET')) {return;}
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let host;
    try {
      host = new URL(origin).host;
    } catch {
      throw new HostError(403, `write refused: Origin '${origin}' is not a URL`);
    }
    if (host === req.headers.host && ownHosts.has(host)) {return;}
    throw new HostError(403, `write refused: Origin '${origin}' is not this host`);
  }
  if (req.headers['sec-fetch-site'] === 'same-origin') {return;}
  throw new HostError(403, 'write refused: a write must come from this host\'s pages (send an Origin header naming it)');
}

/** Host header check (DNS rebinding): only the names this host listens on. */
export function checkHost(req, ownHosts) {
  const h = req.headers.host;
  if (typeof h !== 'string' || !ownHosts.has(h)) {throw new HostError(421, `unknown Host '${h ?? ''}': this host answers as ${[...ownHosts].join(', ')}`);}
}
