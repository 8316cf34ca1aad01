// `foresight companion --config FILE` as a real process: start-up failures are ONE line on stderr with a
// non-zero exit and nothing left listening; the happy path serves health/ready/metrics/API against a real
// Prometheus and Alertmanager, keeps what it stored across a restart, and exits 0 on SIGTERM.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePort, isPortOpen, startAlertmanager, startPrometheus, type Managed } from '../../src/stack/index.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'foresight.mjs');
let dir = '';
let prom: Managed | undefined;
let am: Managed | undefined;
const children = new Set<ChildProcess>();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foresight-companion-'));
  await mkdir(join(dir, 'prom'));
  prom = await startPrometheus({ dataDir: join(dir, 'prom'), configYaml: 'global: { scrape_interval: 5s }\nscrape_configs: []\n' });
  am = await startAlertmanager({ configYaml: 'route: { receiver: none }\nreceivers: [{ name: none }]\n' });
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await am?.stop();
  await prom?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}
function companion(configFile: string, env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [bin, 'companion', '--config', configFile], {
    env: { ...process.env, NODE_ENV: '', FORESIGHT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function config(name: string, yaml: string): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, yaml);
  return f;
}

/** Runs a companion that must fail: returns its single stderr line after checking exit code and port. */
async function failure(configFile: string, port: number): Promise<string> {
  const r = companion(configFile);
  const code = await r.exited;
  assert.equal(code, 1, `exit code; stderr: ${r.stderr()}`);
  const lines = r.stderr().split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr()}`);
  assert.equal(await isPortOpen(port), false, 'nothing left listening');
  return lines[0]!;
}

test('wrong Prometheus URL: one line naming the URL and the error after startupTimeoutSeconds, exit 1', async () => {
  const port = await freePort();
  const promPort = await freePort();
  const f = await config('bad-prom.yaml', `server: { port: ${port} }
prometheus: { url: "http://127.0.0.1:${promPort}", startupTimeoutSeconds: 1 }
alertmanager: { url: null }
store: { file: ${join(dir, 'bad-prom.db')} }
auth: { token: t }
`);
  const started = Date.now();
  const line = await failure(f, port);
  assert.equal(line, `foresight companion: prometheus http://127.0.0.1:${promPort} not reachable after 1 s: GET http://127.0.0.1:${promPort}/-/ready: ECONNREFUSED`);
  assert.ok(Date.now() - started >= 1000, 'waited for the start-up timeout');
});

test('unreachable Alertmanager: one line naming it', async () => {
  const port = await freePort();
  const amPort = await freePort();
  const f = await config('bad-am.yaml', `server: { port: ${port} }
prometheus: { url: "${prom!.url}" }
alertmanager: { url: "http://127.0.0.1:${amPort}", startupTimeoutSeconds: 1 }
store: { file: ${join(dir, 'bad-am.db')} }
auth: { token: t }
`);
  assert.equal(await failure(f, port), `foresight companion: alertmanager http://127.0.0.1:${amPort} not reachable after 1 s: ECONNREFUSED`);
});

test('malformed YAML, an unknown key, an invalid URL: one line each naming file and key', async () => {
  const port = await freePort();
  const yaml = await config('bad-yaml.yaml', `server:\n  port: ${port}\n   host: x\n`);
  assert.match(await failure(yaml, port), new RegExp(`^foresight companion: config ${yaml}: YAML syntax error at line 2, column \\d+: `));
  const unknown = await config('bad-key.yaml', `server: { port: ${port} }\nprometheus: { ur1: "http://x" }\nauth: { token: t }\n`);
  assert.equal(await failure(unknown, port), `foresight companion: config ${unknown}: prometheus.ur1: unknown key 'ur1'`);
  const url = await config('bad-url.yaml', `server: { port: ${port} }\nprometheus: { url: "127.0.0.1:9090" }\nauth: { token: t }\n`);
  assert.equal(await failure(url, port), `foresight companion: config ${url}: prometheus.url: must be an http(s) URL`);
  const noToken = await config('no-token.yaml', `server: { port: ${port} }\n`);
  assert.match(await failure(noToken, port), /: auth: no API token configured/);
});

test('port in use: one line with the address', async () => {
  const blocker = createServer();
  const port = await freePort();
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
  try {
    const f = await config('busy.yaml', `server: { port: ${port} }
prometheus: { url: "${prom!.url}" }
alertmanager: { url: "${am!.url}" }
store: { file: ${join(dir, 'busy.db')} }
auth: { token: t }
`);
    const r = companion(f);
    assert.equal(await r.exited, 1);
    assert.equal(r.stderr().trim(), `foresight companion: listen 127.0.0.1:${port}: address already in use`);
  } finally {
    await new Promise<void>((r) => blocker.close(() => r()));
  }
});

async function waitListening(r: Run): Promise<string> {
  for (let i = 0; i < 200 && !r.stdout().includes('listening on'); i++) {
    if (r.child.exitCode !== null) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const m = /listening on (http:\/\/\S+)/.exec(r.stdout());
  assert.ok(m, `companion did not start: ${r.stderr()}`);
  return m[1]!;
}

test('runs against real Prometheus + Alertmanager, keeps its store across restarts, exits 0 on SIGTERM', async () => {
  const port = await freePort();
  const storeFile = join(dir, 'happy', 'foresight.db');
  const f = await config('good.yaml', `server: { port: ${port} }
prometheus: { url: "${prom!.url}" }
alertmanager: { url: "${am!.url}" }
store: { file: ${storeFile} }
auth: { token: from-file }
`);
  const r = companion(f, { FORESIGHT_API_TOKEN: 'from-env' });
  const url = await waitListening(r);
  assert.equal(url, `http://127.0.0.1:${port}`);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.equal((await fetch(`${url}/readyz`)).status, 200);
  assert.equal((await fetch(`${url}/api/info`, { headers: { Authorization: 'Bearer from-file' } })).status, 401); // env wins
  const info = (await (await fetch(`${url}/api/info`, { headers: { Authorization: 'Bearer from-env' } })).json()) as { prometheusUrl: string };
  assert.equal(info.prometheusUrl, prom!.url);
  assert.match(await (await fetch(`${url}/metrics`)).text(), /foresight_prometheus_requests_total\{endpoint="ready",outcome="success"\} [1-9]/);

  // Something acknowledged while it runs (schema_versions is written by the store itself at open).
  const db = new Database(storeFile);
  db.pragma('journal_mode = WAL');
  db.exec("CREATE TABLE IF NOT EXISTS probe (v TEXT); INSERT INTO probe VALUES ('kept')");
  db.close();

  r.child.kill('SIGTERM');
  assert.equal(await r.exited, 0, r.stderr());
  assert.equal(await isPortOpen(port), false);

  const again = companion(f, { FORESIGHT_API_TOKEN: 'from-env' });
  await waitListening(again);
  const db2 = new Database(storeFile, { readonly: true });
  assert.deepEqual(db2.prepare('SELECT v FROM probe').all(), [{ v: 'kept' }]);
  db2.close();
  again.child.kill('SIGINT');
  assert.equal(await again.exited, 0, again.stderr());
});
