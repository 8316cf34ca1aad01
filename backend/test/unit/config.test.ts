// Config loading: good files, every kind of bad key (one line naming file, key path and why), env
// overrides, secrets from files, and the demo-token / auth rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError, DEMO_API_TOKEN } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'foresight-config-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(yaml: string): string {
  const f = join(dir, `c${n++}.yaml`);
  writeFileSync(f, yaml);
  return f;
}
/** loadConfig's error message for this YAML (and env); fails the test if it loads. */
function errorOf(yaml: string, env: NodeJS.ProcessEnv = {}): { message: string; file: string } {
  const f = file(yaml);
  try {
    loadConfig(f, env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `message must be one line: ${e.message}`);
    return { message: e.message, file: f };
  }
  assert.fail(`config loaded but should have failed:\n${yaml}`);
}

test('no file: demo defaults, including the documented demo token', () => {
  const c = loadConfig(undefined, {});
  assert.equal(c.prometheus.url, 'http://127.0.0.1:9090');
  assert.equal(c.alertmanager.url, 'http://127.0.0.1:9093');
  assert.equal(c.server.host, '127.0.0.1');
  assert.equal(c.server.port, 8787);
  assert.equal(c.store.file, join(process.cwd(), 'data', 'foresight.db'));
  assert.equal(c.rules.dir, join(process.cwd(), 'rules'));
  assert.equal(c.auth.token, DEMO_API_TOKEN);
  assert.equal(c.source, 'defaults');
  assert.deepEqual([c.slo, c.models, c.health, c.alerting, c.rca], [{}, {}, {}, {}, {}]);
});

test('a full good file loads, trailing slash trimmed, feature sections pass through', () => {
  const f = file(`
server: { host: 0.0.0.0, port: 9999 }
prometheus:
  url: https://mimir.example:8080/prometheus/
  tenant: team-a
  timeoutSeconds: 5
  retries: 4
  headers: { X-Extra: "1" }
  basicAuth: { username: u, password: p }
alertmanager: { url: null }
store: { file: /var/lib/foresight/f.db }
rules: { dir: /etc/prometheus/rules }
auth: { token: s3cret }
slo: { defaultWindow: 28d, anything: [1, 2] }
models: { interval: 1m }
`);
  const c = loadConfig(f, {});
  assert.equal(c.source, f);
  assert.equal(c.server.port, 9999);
  assert.equal(c.prometheus.url, 'https://mimir.example:8080/prometheus');
  assert.equal(c.prometheus.tenant, 'team-a');
  assert.deepEqual(c.prometheus.basicAuth, { username: 'u', password: 'p' });
  assert.deepEqual(c.prometheus.headers, { 'X-Extra': '1' });
  assert.equal(c.alertmanager.url, null);
  assert.equal(c.auth.token, 's3cret');
  assert.deepEqual(c.slo, { defaultWindow: '28d', anything: [1, 2] });
  assert.deepEqual(c.models, { interval: '1m' });
});

test('bad URL names file, key path and why', () => {
  const e = errorOf('prometheus: { url: "ftp://x" }\nauth: { token: t }\n');
  assert.equal(e.message, `config ${e.file}: prometheus.url: must be an http(s) URL`);
  assert.match(errorOf('prometheus: { url: 42 }\nauth: { token: t }\n').message, /prometheus\.url: must be an http\(s\) URL$/);
  assert.match(errorOf('alertmanager: { url: "not a url" }\nauth: { token: t }\n').message, /alertmanager\.url: must be an http\(s\) URL$/);
});

test('unknown keys are named by their own path, at top level and inside sections', () => {
  assert.match(errorOf('prometheus: { urll: "http://x" }\nauth: { token: t }\n').message, /: prometheus\.urll: unknown key 'urll'$/);
  assert.match(errorOf('promethus: {}\nauth: { token: t }\n').message, /: promethus: unknown key 'promethus'$/);
  assert.match(errorOf('auth: { token: t, tokn: x }\n').message, /: auth\.tokn: unknown key/);
});

test('wrong types and ranges', () => {
  assert.match(errorOf('server: { port: 70000 }\nauth: { token: t }\n').message, /: server\.port: must be 0\.\.65535$/);
  assert.match(errorOf('server: { port: "http" }\nauth: { token: t }\n').message, /: server\.port: must be a port number$/);
  assert.match(errorOf('server: { port: 1.5 }\nauth: { token: t }\n').message, /: server\.port: must be an integer$/);
  assert.match(errorOf('prometheus: { timeoutSeconds: -1 }\nauth: { token: t }\n').message, /: prometheus\.timeoutSeconds: must be > 0$/);
  assert.match(errorOf('server: [1, 2]\nauth: { token: t }\n').message, /: server: expected object, got array$/);
  assert.match(errorOf('slo: 3\nauth: { token: t }\n').message, /: slo: must be a mapping \(an object\)$/);
  assert.match(errorOf('log: { level: loud }\nauth: { token: t }\n').message, /: log\.level: must be one of fatal, error, warn, info, debug, trace, silent \(got 'loud'\)$/);
  assert.match(errorOf('prometheus: { basicAuth: { username: u } }\nauth: { token: t }\n').message, /: prometheus\.basicAuth: set exactly one of password or passwordFile$/);
});

test('malformed YAML reports the line', () => {
  const e = errorOf('server:\n  port: 1\n   host: x\nprometheus: [\n');
  assert.match(e.message, new RegExp(`^config ${e.file}: YAML syntax error at line \\d+, column \\d+: `));
  assert.match(errorOf('- a\n- b\n').message, /top level must be a mapping of sections .* got a list$/);
});

test('a missing file says so', () => {
  assert.throws(() => loadConfig(join(dir, 'nope.yaml'), {}), (e: Error) => e instanceof ConfigError && /nope\.yaml: cannot read file: ENOENT$/.test(e.message));
});

test('an empty file is the defaults, but needs a token (only the no-file demo gets the demo token)', () => {
  assert.match(errorOf('').message, /: auth: no API token configured: set auth\.token, auth\.tokenFile or FORESIGHT_API_TOKEN \(or auth\.disabled: true/);
  const c = loadConfig(file('auth: { disabled: true }\n'), {});
  assert.equal(c.auth.disabled, true);
  assert.equal(c.auth.token, undefined);
});

test('environment variables override the file; a bad env value names the variable', () => {
  const f = file('server: { port: 1000 }\nprometheus: { url: "http://a:1" }\nauth: { tokenFile: /does/not/exist }\n');
  const c = loadConfig(f, {
    FORESIGHT_PORT: '2000',
    FORESIGHT_HOST: '::1',
    FORESIGHT_PROMETHEUS_URL: 'http://b:2/',
    FORESIGHT_API_TOKEN: 'from-env',
    FORESIGHT_STORE_PATH: '/tmp/x/y.db',
    FORESIGHT_RULES_DIR: '/tmp/rules',
    FORESIGHT_ALERTMANAGER_URL: 'none',
    FORESIGHT_PROMETHEUS_TENANT: 't1',
  });
  assert.equal(c.server.port, 2000);
  assert.equal(c.server.host, '::1');
  assert.equal(c.prometheus.url, 'http://b:2');
  assert.equal(c.auth.token, 'from-env'); // and the unreadable tokenFile is not consulted
  assert.equal(c.store.file, '/tmp/x/y.db');
  assert.equal(c.rules.dir, '/tmp/rules');
  assert.equal(c.alertmanager.url, null);
  assert.equal(c.prometheus.tenant, 't1');
  assert.match(errorOf('auth: { token: t }\n', { FORESIGHT_PORT: 'eighty' }).message, /: server\.port: must be a port number \(from env FORESIGHT_PORT\)$/);
  assert.match(errorOf('auth: { token: t }\n', { FORESIGHT_PROMETHEUS_URL: 'localhost:9090' }).message, /: prometheus\.url: must be an http\(s\) URL \(from env FORESIGHT_PROMETHEUS_URL\)$/);
});

test('secrets from files (trailing newline dropped); unreadable or empty files are named', () => {
  const tok = join(dir, 'token');
  writeFileSync(tok, 'file-token\n');
  const bearer = join(dir, 'bearer');
  writeFileSync(bearer, 'prom-bearer');
  const pw = join(dir, 'pw');
  writeFileSync(pw, 'pw1\n');
  const c = loadConfig(file(`auth: { tokenFile: ${tok} }\nprometheus: { bearerTokenFile: ${bearer} }\n`), {});
  assert.equal(c.auth.token, 'file-token');
  assert.equal(c.prometheus.bearerToken, 'prom-bearer');
  assert.equal((c.prometheus as Record<string, unknown>).bearerTokenFile, undefined);
  const b = loadConfig(file(`auth: { token: t }\nprometheus: { basicAuth: { username: u, passwordFile: ${pw} } }\n`), {});
  assert.deepEqual(b.prometheus.basicAuth, { username: 'u', password: 'pw1' });

  assert.match(errorOf(`auth: { tokenFile: ${join(dir, 'missing')} }\n`).message, /: auth\.tokenFile: cannot read .*missing: ENOENT$/);
  const empty = join(dir, 'empty');
  writeFileSync(empty, '\n');
  assert.match(errorOf(`auth: { token: t }\nprometheus: { bearerTokenFile: ${empty} }\n`).message, /: prometheus\.bearerTokenFile: .*empty is empty$/);
  assert.match(errorOf(`auth: { token: t, tokenFile: ${tok} }\n`).message, /: auth: set only one of token or tokenFile$/);
  assert.match(errorOf(`auth: { token: t }\nprometheus: { bearerToken: a, basicAuth: { username: u, password: p } }\n`).message, /: prometheus: set either a bearer token or basicAuth, not both$/);
});

test('several problems: the first is named and the rest counted', () => {
  assert.match(errorOf('server: { port: -1, host: "" }\nauth: { token: t }\n').message, /\(and 1 more problem\)$/);
});
