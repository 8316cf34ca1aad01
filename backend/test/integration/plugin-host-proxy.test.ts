// The plugin host (plugin-host/serve.mjs) run as its own process, probed as a hostile page or local
// script would (issue 12, findings 1 and 2): its data proxy reaches only the configured companion, adds the
// token only on the plugin's route to the companion's API, refuses cross-site writes, and answers every bad
// request with a 4xx for that request while it keeps running. Route templating and the 401 → 400 mapping
// follow Grafana's data proxy (issue 16, item 6).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http, { type IncomingHttpHeaders } from 'node:http';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const TOKEN = 'host-test-token';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Recorder {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** A listener that records every request; `/api/unauthorized` answers 401 like a companion with a wrong token. */
async function recorder(): Promise<Recorder> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      const status = req.url?.includes('/api/unauthorized') ? 401 : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((ok) => (server.closeAllConnections(), server.close(() => ok()))),
  };
}

let dir = '';
let companion: Recorder;
let victim: Recorder;
let child: ChildProcess | undefined;
let hostUrl = '';
let hostPort = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foresight-host-'));
  // A built plugin stand-in: module.js plus the real plugin.json files (their routes are what is templated).
  await mkdir(join(dir, 'datasource'));
  await writeFile(join(dir, 'module.js'), '');
  await copyFile(join(repo, 'src', 'plugin.json'), join(dir, 'plugin.json'));
  await copyFile(join(repo, 'src', 'datasource', 'plugin.json'), join(dir, 'datasource', 'plugin.json'));
  companion = await recorder();
  victim = await recorder();
  child = spawn(process.execPath, [join(repo, 'plugin-host', 'serve.mjs'), '--companion', companion.url, '--token', TOKEN, '--port', '0', '--dist', dir, '--parent-pid', String(process.pid)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  hostUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`plugin host did not start within 30 s: ${out}`)), 30_000);
    child!.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /plugin host on (http:\/\/[^/\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child!.on('exit', (code) => reject(new Error(`plugin host exited (${code}): ${out}`)));
  });
  hostPort = Number(new URL(hostUrl).port);
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await companion?.close();
  await victim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A raw request: the path is sent byte for byte (fetch would normalise `..` and `//` first). */
function raw(method: string, path: string, o: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: hostPort, method, path, headers: o.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
const sameOrigin = (): Record<string, string> => ({ origin: hostUrl, 'content-type': 'application/json' });
const APP = '/api/plugin-proxy/foresight-foresight-app/companion';
const DS = '/api/datasources/proxy/uid/foresight/companion';

test('finding 1: a protocol-relative path does not reach another listener, with or without the token', async () => {
  const victimHostPort = new URL(victim.url).host;
  for (const base of [APP, DS]) {
    const r = await raw('GET', `${base}//${victimHostPort}/steal`);
    assert.equal(r.status, 400, `${base}: ${r.text}`);
  }
  assert.equal(victim.seen.length, 0, 'the other listener was reached');
});

test('finding 1: traversal, absolute URLs and encoded variants are refused before anything is forwarded', async () => {
  const before = companion.seen.length;
  const victimHostPort = new URL(victim.url).host;
  const bad = [
    `/..`,
    `/api/../../metrics`,
    `/api/%2e%2e/%2e%2e/steal`,
    `/api/%2E%2E%2Fsteal`,
    `/%2f%2f${victimHostPort}/steal`,
    `/%5c%5c${victimHostPort}/steal`,
    `/\\\\${victimHostPort}/steal`,
    `/api/%252e%252e/steal`,
    `http://${victimHostPort}/steal`,
    `/api/%zz`,
    `/api/x%00y`,
    `/api/ok?x=1#frag`,
  ];
  for (const rest of bad) {
    const r = await raw('GET', `${APP}${rest.startsWith('/') ? '' : '/'}${rest}`);
    assert.ok(r.status >= 400 && r.status < 500, `${rest}: ${r.status} ${r.text}`);
  }
  // The request target itself as an absolute URL (proxy style) is refused too.
  const abs = await raw('GET', `http://${victimHostPort}${APP}/api/info`);
  assert.ok(abs.status >= 400 && abs.status < 500, `absolute-form target: ${abs.status}`);
  assert.equal(companion.seen.length, before, `forwarded: ${companion.seen.slice(before).map((s) => s.url).join(', ')}`);
  assert.equal(victim.seen.length, 0);
});

test('the token goes only with the plugin route to the companion API; other paths are not forwarded', async () => {
  const r = await raw('GET', `${APP}/api/info?x=1`);
  assert.equal(r.status, 200, r.text);
  const got = companion.seen.at(-1)!;
  assert.equal(got.url, '/api/info?x=1');
  assert.equal(got.headers.authorization, `Bearer ${TOKEN}`);

  const health = await raw('GET', `${DS}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(companion.seen.at(-1)!.url, '/healthz');
  assert.equal(companion.seen.at(-1)!.headers.authorization, undefined, 'token sent to a non-API path');

  const n = companion.seen.length;
  for (const path of [`${APP}/metrics`, `${APP}/`, '/api/plugin-proxy/foresight-foresight-app/other/api/info', '/api/datasources/proxy/uid/not-ours/companion/api/info', '/api/plugin-proxy/some-other-app/companion/api/info']) {
    const x = await raw('GET', path);
    assert.equal(x.status, 404, `${path}: ${x.status}`);
  }
  assert.equal(companion.seen.length, n);
});

test('writes need this host as Origin: a cross-site page or a bare script gets 403 and reaches nothing', async () => {
  const n = companion.seen.length;
  const body = JSON.stringify({ queries: [] });
  const none = await raw('POST', `${APP}/api/ds/query`, { headers: { 'content-type': 'application/json' }, body });
  assert.equal(none.status, 403, none.text);
  const evil = await raw('POST', `${APP}/api/ds/query`, { headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body });
  assert.equal(evil.status, 403, evil.text);
  const deleted = await raw('DELETE', `${DS}/api/slo/x`, { headers: { origin: `http://127.0.0.1:${hostPort + 1}` } });
  assert.equal(deleted.status, 403, deleted.text);
  assert.equal(companion.seen.length, n, 'a refused write was forwarded');

  const ok = await raw('POST', `${APP}/api/ds/query`, { headers: sameOrigin(), body });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(companion.seen.at(-1)!.body, body);
});

test('a Host header other than this host (DNS rebinding) is refused', async () => {
  const r = await raw('GET', `${APP}/api/info`, { headers: { host: 'attacker.example:80' } });
  assert.equal(r.status, 421, r.text);
});

test('finding 2: a broken settings body is a 400 and the host keeps serving; nothing half-applied', async () => {
  const broken = await raw('POST', '/api/plugins/foresight-foresight-app/settings', { headers: sameOrigin(), body: '{broken' });
  assert.equal(broken.status, 400, broken.text);
  assert.match(broken.text, /not JSON/);
  const half = await raw('POST', '/api/plugins/foresight-foresight-app/settings', {
    headers: sameOrigin(),
    body: JSON.stringify({ enabled: false, jsonData: { companionUrl: 'ftp://x' } }),
  });
  assert.equal(half.status, 400, half.text);
  assert.match(half.text, /jsonData\.companionUrl/);
  const big = await raw('POST', '/api/plugins/foresight-foresight-app/settings', { headers: sameOrigin(), body: 'x'.repeat(200_000) });
  assert.equal(big.status, 413);
  const cross = await raw('POST', '/api/plugins/foresight-foresight-app/settings', { headers: { origin: 'http://evil.example' }, body: '{}' });
  assert.equal(cross.status, 403);
  const s = await raw('GET', '/api/plugins/foresight-foresight-app/settings');
  assert.equal(s.status, 200, 'the host died or stopped answering');
  const settings = JSON.parse(s.text) as { enabled: boolean; jsonData: { companionUrl: string }; secureJsonFields: Record<string, boolean> };
  assert.equal(settings.enabled, true, 'a refused body changed the settings');
  assert.equal(settings.jsonData.companionUrl, companion.url);
  assert.deepEqual(settings.secureJsonFields, { apiToken: true });
  assert.ok(!s.text.includes(TOKEN), 'the token is sent back to the page');
  assert.equal(child!.exitCode, null);
});

test('a body over the proxy limit is a 413 and is not forwarded', async () => {
  const n = companion.seen.length;
  const r = await raw('POST', `${APP}/api/ds/query`, { headers: sameOrigin(), body: Buffer.alloc(2 * 1024 * 1024, 0x20) });
  assert.equal(r.status, 413);
  assert.equal(companion.seen.length, n);
});

test('data source proxy maps an upstream 401 to 400 "Authentication to data source failed"; the app proxy passes it', async () => {
  const ds = await raw('GET', `${DS}/api/unauthorized`);
  assert.equal(ds.status, 400);
  assert.equal(ds.text, 'Authentication to data source failed');
  const app = await raw('GET', `${APP}/api/unauthorized`);
  assert.equal(app.status, 401);
});

test('route templating: the saved URL and token are used; a saved URL elsewhere is refused, never followed', async () => {
  const save = (body: object): Promise<Answer> => raw('POST', '/api/plugins/foresight-foresight-app/settings', { headers: sameOrigin(), body: JSON.stringify(body) });
  // A sub-path and a new token, both from the saved settings.
  let r = await save({ jsonData: { companionUrl: `${companion.url}/sub` }, secureJsonData: { apiToken: 'rotated' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((JSON.parse(r.text) as { secureJsonFields: object }).secureJsonFields, { apiToken: true });
  r = await raw('GET', `${APP}/api/info`);
  assert.equal(r.status, 200, r.text);
  assert.equal(companion.seen.at(-1)!.url, '/sub/api/info');
  assert.equal(companion.seen.at(-1)!.headers.authorization, 'Bearer rotated');
  // Saving without secureJsonData keeps the stored token (Grafana's behaviour).
  r = await save({ enabled: true, jsonData: { companionUrl: companion.url } });
  assert.equal(r.status, 200);
  await raw('GET', `${APP}/api/info`);
  assert.equal(companion.seen.at(-1)!.headers.authorization, 'Bearer rotated');
  // Another origin in the settings: the token is not carried there.
  r = await save({ jsonData: { companionUrl: victim.url } });
  assert.equal(r.status, 200);
  r = await raw('GET', `${APP}/api/info`);
  assert.equal(r.status, 502, r.text);
  assert.match(r.text, /not the configured companion/);
  assert.equal(victim.seen.length, 0);
  // The data source's own saved settings are untouched by the app's.
  r = await raw('GET', `${DS}/api/info`);
  assert.equal(r.status, 200);
  assert.equal(companion.seen.at(-1)!.headers.authorization, `Bearer ${TOKEN}`);
  await save({ jsonData: { companionUrl: companion.url }, secureJsonData: { apiToken: TOKEN } });
});

test('the host process exits by itself when its parent is gone (parent-death watchdog)', async () => {
  // A parent that starts the host and is then SIGKILLed: the host must not outlive it.
  const parent = spawn(
    process.execPath,
    [
      '-e',
      `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(join(repo, 'plugin-host', 'serve.mjs'))}, '--companion', ${JSON.stringify(companion.url)}, '--port', '0', '--dist', ${JSON.stringify(dir)}, '--parent-pid', String(process.pid)], { stdio: ['ignore', 'inherit', 'inherit'] }); console.log('child ' + c.pid); setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no child pid: ${out}`)), 30_000);
    parent.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /child (\d+)/.exec(out);
      if (m && out.includes('plugin host on')) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  parent.kill('SIGKILL');
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 30_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
  assert.equal(alive(), false, 'the host outlived its SIGKILLed parent');
});
