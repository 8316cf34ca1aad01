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
const PROXY = [
  new RegExp('^/api/datasources/proxy/uid/[^/]+/companion(/.*)$'),
  new RegExp(`^/api/plugin-proxy/${APP_ID}/companion(/.*)$`),
];

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

/** Serves files under `base` only (no `..` escapes). */
function under(base, rel) {
  const p = normalize(join(base, decodeURIComponent(rel)));
  return p === base || p.startsWith(base + sep) ? p : null;
}

async function proxy(req, res, companion, token, path) {
  const body = await new Promise((ok) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks)));
  });
  try {
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (req.headers['content-type']) {
      headers['content-type'] = req.headers['content-type'];
    }
    const r = await fetch(new URL(path, companion), {
      method: req.method,
      headers,
      body: ['GET', 'HEAD'].includes(req.method) ? undefined : body,
      signal: AbortSignal.timeout(30_000),
    });
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await r.arrayBuffer()));
  } catch (err) {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `plugin host: companion at ${companion} unreachable: ${err.message}` }));
  }
}

/**
 * Starts the host. `companion` is the companion's base URL, `token` its API token.
 * @returns {Promise<{ url: string, port: number, stop(): Promise<void> }>}
 */
export async function startPluginHost({
  companion,
  token = '',
  port = 0,
  host = '127.0.0.1',
  dist = join(root, 'dist'),
}) {
  if (!companion) {
    throw new Error('plugin host: --companion URL is required');
  }
  try {
    await stat(join(dist, 'module.js'));
  } catch {
    throw new Error(`plugin host: ${join(dist, 'module.js')} is missing: run \`npm run build:plugin\` first`);
  }
  const bundle = await buildHostBundle();
  // The bundle is fixed for this server's life: let browsers cache it under a per-start version.
  const version = Date.now().toString(36);
  const indexHtml = (await readFile(join(here, 'index.html'), 'utf8')).replace('/host.js', `/host.js?v=${version}`);
  const uiPublic = join(dirname(require.resolve('@grafana/ui/package.json')), 'dist', 'public');
  const settings = { enabled: true, jsonData: { companionUrl: companion } };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const p = url.pathname;
    for (const re of PROXY) {
      const m = re.exec(p);
      if (m) {
        return proxy(req, res, companion, token, m[1] + url.search);
      }
    }
    if (p === '/' || p === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      return res.end(indexHtml);
    }
    if (p === '/host.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=86400, immutable' });
      return res.end(bundle);
    }
    if (p === '/host-config.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ companionUrl: companion }));
    }
    if (p === `/api/plugins/${APP_ID}/settings`) {
      // Stand-in for Grafana's plugin settings API (the Configuration page saves here).
      if (req.method === 'POST') {
        const chunks = [];
        for await (const c of req) {
          chunks.push(c);
        }
        Object.assign(settings, JSON.parse(Buffer.concat(chunks).toString() || '{}'), { secureJsonData: undefined });
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(settings));
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
  });
  await new Promise((ok, fail) => {
    server.once('error', (err) =>
      fail(err.code === 'EADDRINUSE' ? new Error(`plugin host: port ${port} is in use`) : err)
    );
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
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
  const h = await startPluginHost({
    companion: arg('companion', process.env.FORESIGHT_COMPANION_URL),
    token: arg('token', process.env.FORESIGHT_API_TOKEN ?? ''),
    port: Number(arg('port', '3300')),
    host: arg('host', '127.0.0.1'),
    dist: resolve(arg('dist', join(root, 'dist'))),
  });
  console.log(`plugin host on ${h.url}/ (companion ${arg('companion', process.env.FORESIGHT_COMPANION_URL)})`);
  const stop = () => h.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
