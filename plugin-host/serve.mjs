#!/usr/bin/env node
// The plugin host's server: serves the host page, the BUILT plugin (dist/) under Grafana's
// /public/plugins/<id>/ path, @grafana/ui's icons, and a stand-in for Grafana's data proxy that
// forwards /api/datasources/proxy/uid/<uid>/companion/* and /api/plugin-proxy/<app>/companion/* to
// the companion, adding the token here on the server (so it never reaches the page).
//   node plugin-host/serve.mjs --companion http://127.0.0.1:8787 --token T --port 3300 [--dist dist]
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostError, checkHost, checkProxyPath, checkQuery, checkSameOrigin, readBody, routeHeaders, upstreamUrl, PROXY_BODY_LIMIT } from './proxy.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const require = createRequire(import.meta.url);
const APP_ID = 'foresight-foresight-app';
const TYPES = {
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.html': 'text/html',
  '.map': 'application/json',
  '.png': 'image/png',
  '.css': 'text/css',
  '.woff2': 'font/woff2',
  '.md': 'text/markdown',
};
const DS_UID = 'foresight';
// Grafana's two proxies: /api/datasources/proxy/uid/<uid>/<route>/… and /api/plugin-proxy/<app>/<route>/….
const PROXY = [
  { kind: 'datasource', re: /^\/api\/datasources\/proxy\/uid\/([^/?]+)\/([^/?]+)(\/[^?]*)?$/ },
  { kind: 'app', re: new RegExp(`^/api/plugin-proxy/${APP_ID}/([^/?]+)(/[^?]*)?$`) },
];
/** Settings bodies are small JSON objects. */
const SETTINGS_BODY_LIMIT = 64 * 1024;
// The plugin.json route used when the built plugin.json cannot be read (same as src/plugin.json).
const DEFAULT_ROUTE = {
  path: 'companion',
  url: '{{ .JsonData.companionUrl }}',
  headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' }],
};

/** Bundles host.tsx (react, @grafana/* from node_modules) with esbuild, in memory. */
export async function buildHostBundle() {
  const esbuild = require('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(here, 'host.tsx')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: {
      '.css': 'text', // as text: host.tsx injects uPlot's stylesheet, which Grafana's own bundle carries
      '.svg': 'dataurl',
      '.woff': 'dataurl',
      '.woff2': 'dataurl',
      '.ttf': 'dataurl',
      '.png': 'dataurl',
    },
    absWorkingDir: root,
  });
  return out.outputFiles[0].contents;
}

// Icons @grafana/ui asks for but does not ship (e.g. `spinner`, which Grafana special-cases): a plain ring.
const FALLBACK_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2"/></svg>';

async function sendFile(res, file, fallback) {
  try {
    const s = await stat(file);
    if (!s.isFile()) {
      throw new Error('not a file');
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(await readFile(file));
  } catch {
    if (fallback) {
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      return res.end(fallback);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`not found: ${file}`);
  }
}

/** Serves files under `base` only (no `..` escapes); null for a path outside or a malformed encoding. */
function under(base, rel) {
  let decoded;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  const p = normalize(join(base, decoded));
  return p === base || p.startsWith(base + sep) ? p : null;
}

function sendJson(res, status, body) {
  if (res.headersSent) {return res.end();}
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The routes a plugin declares in its built plugin.json (Grafana reads them from there too). */
async function readRoutes(file) {
  try {
    const routes = JSON.parse(await readFile(file, 'utf8')).routes;
    return Array.isArray(routes) && routes.length ? routes : [DEFAULT_ROUTE];
  } catch {
    return [DEFAULT_ROUTE];
  }
}

/** What GET /api/plugins/<id>/settings answers: secrets only as `secureJsonFields` flags, as Grafana does. */
function publicSettings(s) {
  const secureJsonFields = Object.fromEntries(Object.keys(s.secureJsonData).filter((k) => s.secureJsonData[k] !== '').map((k) => [k, true]));
  return { enabled: s.enabled, pinned: s.pinned, jsonData: s.jsonData, secureJsonFields };
}

const isPlainObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Applies a settings POST to `s` only if the whole body is valid (never half of it). Throws a 400 naming
 * the field. secureJsonData keys that are sent replace the stored ones; keys not sent are kept.
 */
function applySettings(s, text) {
  let body;
  try {
    body = JSON.parse(text || '{}');
  } catch (err) {
    throw new HostError(400, `settings: the body is not JSON: ${err.message}`);
  }
  if (!isPlainObject(body)) {throw new HostError(400, 'settings: the body must be a JSON object');}
  for (const k of ['enabled', 'pinned']) {
    if (body[k] !== undefined && typeof body[k] !== 'boolean') {throw new HostError(400, `settings: '${k}' must be true or false`);}
  }
  for (const k of ['jsonData', 'secureJsonData']) {
    if (body[k] === undefined || body[k] === null) {continue;}
    if (!isPlainObject(body[k])) {throw new HostError(400, `settings: '${k}' must be an object`);}
    for (const [key, v] of Object.entries(body[k])) {
      const ok = k === 'secureJsonData' ? typeof v === 'string' : ['string', 'number', 'boolean'].includes(typeof v) || v === null;
      if (!ok) {throw new HostError(400, `settings: '${k}.${key}' must be ${k === 'secureJsonData' ? 'a string' : 'a string, number or boolean'}`);}
    }
  }
  const url = body.jsonData?.companionUrl;
  if (url !== undefined && url !== null && url !== '' && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(String(url))) {
    throw new HostError(400, "settings: 'jsonData.companionUrl' must be an http:// or https:// URL");
  }
  if (body.enabled !== undefined) {s.enabled = body.enabled;}
  if (body.pinned !== undefined) {s.pinned = body.pinned;}
  if (isPlainObject(body.jsonData)) {s.jsonData = { ...body.jsonData };}
  if (isPlainObject(body.secureJsonData)) {Object.assign(s.secureJsonData, body.secureJsonData);}
}

/** Which upstream paths a route may reach, and whether the route's headers (the token) go with them. */
function companionPath(path) {
  if (path.startsWith('/api/')) {return { withHeaders: true };}
  if (path === '/healthz' || path === '/readyz') {return { withHeaders: false };}
  return null;
}

/**
 * Forwards one proxied request. `kind` is 'datasource' (Grafana's data source proxy, which turns an
 * upstream 401 into 400 "Authentication to data source failed") or 'app' (the plugin proxy, which does not).
 */
async function forward(req, res, { kind, route, settings, rest, query, allowedOrigins }) {
  const path = checkProxyPath(rest);
  const q = checkQuery(query);
  const allowed = companionPath(path);
  if (!allowed) {throw new HostError(404, `proxy: ${path} is not a companion API path (only /api/…, /healthz, /readyz)`);}
  const method = req.method ?? 'GET';
  if (!['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {throw new HostError(405, `proxy: method ${method} is not forwarded`);}
  const target = upstreamUrl(route, settings, path, q, allowedOrigins);
  const hasBody = !['GET', 'HEAD'].includes(method);
  const body = hasBody ? await readBody(req, PROXY_BODY_LIMIT) : undefined;
  const headers = { accept: req.headers.accept ?? 'application/json', ...(allowed.withHeaders ? routeHeaders(route, settings) : {}) };
  if (req.headers['content-type']) {headers['content-type'] = req.headers['content-type'];}
  // The Grafana user the page belongs to, as Grafana's proxy forwards it (the companion's audit actor).
  if (settings.user) {headers['x-grafana-user'] = settings.user;}
  // A client that goes away cancels the upstream request too.
  const ctrl = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) {ctrl.abort(new Error('client closed the request'));}
  };
  res.on('close', onClose);
  const timeout = setTimeout(() => ctrl.abort(new HostError(504, 'proxy: the companion did not answer within 30 s')), 30_000);
  let r;
  try {
    r = await fetch(target, { method, headers, body, signal: ctrl.signal, redirect: 'manual' });
  } catch (err) {
    const reason = ctrl.signal.reason;
    if (reason instanceof HostError) {throw reason;}
    throw new HostError(502, `plugin host: companion at ${target.origin} unreachable: ${err.message}`);
  } finally {
    clearTimeout(timeout);
  }
  try {
    if (kind === 'datasource' && r.status === 401) {
      // Grafana's data source proxy: the upstream refused our credentials, which is the caller's
      // configuration problem, not a reason to log the user out.
      await r.arrayBuffer().catch(() => undefined);
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      return res.end('Authentication to data source failed');
    }
    // Redirects are not followed or passed on: they could point anywhere.
    const status = r.status >= 300 && r.status < 400 ? 502 : r.status;
    const buf = Buffer.from(await r.arrayBuffer());
    res.writeHead(status, { 'content-type': r.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' });
    res.end(buf);
  } finally {
    res.off('close', onClose);
  }
}

/**
 * Starts the host. `companion` is the companion's base URL (the only upstream the proxy reaches), `token`
 * its API token (saved as the app's and the data source's secureJsonData.apiToken, as a provisioned
 * Grafana would hold it).
 * @returns {Promise<{ url: string, port: number, stop(): Promise<void> }>}
 */
export async function startPluginHost({
  companion,
  token = '',
  port = 0,
  host = '127.0.0.1',
  dist = join(root, 'dist'),
  user = 'admin',
  dashboards = join(root, 'dashboards'),
}) {
  if (!companion) {
    throw new Error('plugin host: --companion URL is required');
  }
  let companionOrigin;
  try {
    companionOrigin = new URL(companion).origin;
  } catch {
    throw new Error(`plugin host: --companion '${companion}' is not a URL`);
  }
  try {
    await stat(join(dist, 'module.js'));
  } catch {
    throw new Error(`plugin host: ${join(dist, 'module.js')} is missing: run \`npm run build:plugin\` first`);
  }
  // Built on first request: a host that is only used as a proxy (tests) does not pay for esbuild.
  let bundle;
  const getBundle = () => (bundle ??= buildHostBundle());
  // The bundle is fixed for this server's life: let browsers cache it under a per-start version.
  const version = Date.now().toString(36);
  const indexHtml = (await readFile(join(here, 'index.html'), 'utf8')).replace('/host.js', `/host.js?v=${version}`);
  const uiPublic = join(dirname(require.resolve('@grafana/ui/package.json')), 'dist', 'public');
  const routes = {
    app: await readRoutes(join(dist, 'plugin.json')),
    datasource: await readRoutes(join(dist, 'datasource', 'plugin.json')),
  };
  const saved = () => ({ enabled: true, pinned: true, jsonData: { companionUrl: companion }, secureJsonData: token ? { apiToken: token } : {}, user });
  const settings = { app: saved(), datasource: saved() };
  const allowedOrigins = [companionOrigin];
  let ownHosts; // filled in once the port is known

  const handle = async (req, res) => {
    const raw = req.url ?? '/';
    if (!raw.startsWith('/')) {throw new HostError(400, 'request target must be a path');}
    if (ownHosts) {checkHost(req, ownHosts);}
    const qi = raw.indexOf('?');
    const rawPath = qi >= 0 ? raw.slice(0, qi) : raw;
    const rawQuery = qi >= 0 ? raw.slice(qi + 1) : '';
    for (const { kind, re } of PROXY) {
      const m = re.exec(rawPath);
      if (!m) {continue;}
      checkSameOrigin(req, ownHosts ?? new Set());
      const [routeName, rest] = kind === 'datasource' ? [m[2], m[3] ?? ''] : [m[1], m[2] ?? ''];
      if (kind === 'datasource' && m[1] !== DS_UID) {throw new HostError(404, `data source '${m[1]}' not found`);}
      const route = routes[kind].find((r) => r.path === routeName);
      if (!route) {throw new HostError(404, `plugin route '${routeName}' not found`);}
      return forward(req, res, { kind, route, settings: settings[kind], rest, query: rawQuery, allowedOrigins });
    }
    const p = new URL(raw, 'http://host').pathname;
    // Grafana's page paths: app pages (/a/<app-id>/…), the app's configuration, dashboards (/d/<uid>/…).
    const pagePath = p === `/a/${APP_ID}` || p.startsWith(`/a/${APP_ID}/`) || p === `/plugins/${APP_ID}` || /^\/d\/[^/]+(\/[^/]*)?$/.test(p);
    if (p === '/' || p === '/index.html' || pagePath) {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      return res.end(indexHtml);
    }
    if (p === '/host.js') {
      const b = await getBundle();
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=86400, immutable' });
      return res.end(b);
    }
    if (p === '/healthz') {return sendJson(res, 200, { status: 'ok' });}
    // Grafana's dashboard API over the provisioned dashboards/*.json (read at each request).
    if (p === '/api/search') {
      return sendJson(res, 200, (await readDashboards(dashboards)).map((d) => ({ uid: d.uid, title: d.title, type: 'dash-db', url: `/d/${d.uid}` })));
    }
    if (p.startsWith('/api/dashboards/uid/')) {
      const uid = decodeURIComponent(p.slice('/api/dashboards/uid/'.length));
      const dash = (await readDashboards(dashboards)).find((d) => d.uid === uid);
      if (!dash) {throw new HostError(404, `dashboard '${uid}' not found in ${dashboards}`);}
      return sendJson(res, 200, { dashboard: dash, meta: { slug: uid, provisioned: true } });
    }
    // Grafana's fonts (its theme CSS asks for them under public/fonts/), from the npm packages of the same fonts.
    if (p.startsWith('/grafana-public/fonts/')) {
      const f = fontFile(p.slice('/grafana-public/fonts/'.length));
      return f ? sendFile(res, f) : (res.writeHead(404), res.end());
    }
    if (p === '/host-config.json') {return sendJson(res, 200, { companionUrl: companion });}
    if (p === `/api/plugins/${APP_ID}/settings`) {
      // Stand-in for Grafana's plugin settings API (the Configuration page saves here).
      if (req.method === 'POST') {
        checkSameOrigin(req, ownHosts ?? new Set());
        const body = await readBody(req, SETTINGS_BODY_LIMIT);
        applySettings(settings.app, body.toString('utf8'));
      } else if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HostError(405, `settings: method ${req.method} not allowed (GET or POST)`);
      }
      return sendJson(res, 200, publicSettings(settings.app));
    }
    const pub = `/public/plugins/${APP_ID}/`;
    if (p.startsWith(pub)) {
      const f = under(dist, p.slice(pub.length));
      return f ? sendFile(res, f) : (res.writeHead(403), res.end());
    }
    if (p.startsWith('/grafana-public/build/')) {
      const f = under(uiPublic, p.slice('/grafana-public/build/'.length));
      return f ? sendFile(res, f, p.endsWith('.svg') ? FALLBACK_ICON : undefined) : (res.writeHead(403), res.end());
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  };
  const server = http.createServer((req, res) => {
    // Whatever one request does wrong is answered for that request; the host keeps running.
    handle(req, res).catch((err) => {
      if (err instanceof HostError) {return sendJson(res, err.status, { message: err.message, error: err.message });}
      console.error(`plugin host: ${req.method} ${req.url} failed:`, err);
      sendJson(res, 500, { message: 'plugin host: internal error', error: String(err?.message ?? err) });
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) {socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');}
  });
  await new Promise((ok, fail) => {
    server.once('error', (err) =>
      fail(err.code === 'EADDRINUSE' ? new Error(`plugin host: port ${port} is in use`) : err)
    );
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
  ownHosts = new Set(
    loopback ? [`127.0.0.1:${actual}`, `localhost:${actual}`, `[::1]:${actual}`] : [`${host.includes(':') ? `[${host}]` : host}:${actual}`]
  );
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    stop: () => new Promise((ok) => (server.closeAllConnections?.(), server.close(() => ok()))),
  };
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Run as its own process (the demo supervises it): exit when the parent that started us is gone.
  if (arg('parent-pid')) {watchParent(Number(arg('parent-pid')));}
  let h;
  try {
    h = await startPluginHost({
      companion: arg('companion', process.env.FORESIGHT_COMPANION_URL),
      token: arg('token', process.env.FORESIGHT_API_TOKEN ?? ''),
      port: Number(arg('port', '3300')),
      host: arg('host', '127.0.0.1'),
      dist: resolve(arg('dist', join(root, 'dist'))),
    });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
  console.log(`plugin host on ${h.url}/ (companion ${arg('companion', process.env.FORESIGHT_COMPANION_URL)})`);
  const stop = () => h.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Every dashboard JSON in `dir`, parsed; a file that is not a dashboard is an error naming it. */
async function readDashboards(dir) {
  const { readdir } = await import('node:fs/promises');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => {
      let d;
      try {
        d = JSON.parse(await readFile(join(dir, f), 'utf8'));
      } catch (err) {
        throw new HostError(500, `dashboard ${join(dir, f)}: not JSON: ${err.message}`);
      }
      if (!isPlainObject(d) || typeof d.uid !== 'string' || !Array.isArray(d.panels)) {
        throw new HostError(500, `dashboard ${join(dir, f)}: needs a string 'uid' and a 'panels' list`);
      }
      return d;
    })
  );
}

/** Grafana's font paths → the files of the npm packages carrying the same fonts (Inter from its author's releases). */
function fontFile(rel) {
  try {
    const m = /^inter\/(Inter-(?:Regular|Medium|Italic|MediumItalic)\.woff2)$/.exec(rel);
    if (m) {return join(dirname(require.resolve('inter-ui/package.json')), 'web', m[1]);}
    if (/^roboto\/[\w-]+\.woff2$/.test(rel)) {
      return join(dirname(require.resolve('@fontsource/roboto-mono/package.json')), 'files', 'roboto-mono-latin-400-normal.woff2');
    }
  } catch {
    // the font packages are devDependencies: without them the fonts are 404 and the browser falls back
  }
  return null;
}

/** Exits when `pid` no longer runs (the parent was SIGKILLed and could not stop us). */
function watchParent(pid) {
  if (!(pid > 1)) {return;}
  setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      process.exit(0);
    }
  }, 500).unref();
}
