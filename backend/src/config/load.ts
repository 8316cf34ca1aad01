// Loads the companion's config: YAML file (optional) + FORESIGHT_* environment variables, validated with
// the zod schema; secrets may come from files. Every failure is a ConfigError with one line naming the
// file, the key path and why, so start-up can print it as is.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, describeConfigIssue } from './errors.js';
import { configSchema, DEMO_API_TOKEN, type Config } from './schema.js';

type Obj = Record<string, unknown>;

/** FORESIGHT_* variable → key path; `kind` says how the string becomes a value. */
const ENV: { name: string; path: string[]; kind: 'string' | 'number' | 'boolean' | 'urlOrNone' }[] = [
  { name: 'FORESIGHT_HOST', path: ['server', 'host'], kind: 'string' },
  { name: 'FORESIGHT_PORT', path: ['server', 'port'], kind: 'number' },
  { name: 'FORESIGHT_PROMETHEUS_URL', path: ['prometheus', 'url'], kind: 'string' },
  { name: 'FORESIGHT_PROMETHEUS_TENANT', path: ['prometheus', 'tenant'], kind: 'string' },
  { name: 'FORESIGHT_PROMETHEUS_BEARER_TOKEN', path: ['prometheus', 'bearerToken'], kind: 'string' },
  { name: 'FORESIGHT_ALERTMANAGER_URL', path: ['alertmanager', 'url'], kind: 'urlOrNone' },
  { name: 'FORESIGHT_API_TOKEN', path: ['auth', 'token'], kind: 'string' },
  { name: 'FORESIGHT_AUTH_DISABLED', path: ['auth', 'disabled'], kind: 'boolean' },
  { name: 'FORESIGHT_STORE_PATH', path: ['store', 'file'], kind: 'string' },
  { name: 'FORESIGHT_RULES_DIR', path: ['rules', 'dir'], kind: 'string' },
  { name: 'FORESIGHT_LOG_LEVEL', path: ['log', 'level'], kind: 'string' },
];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function envValue(raw: string, kind: (typeof ENV)[number]['kind']): unknown {
  if (kind === 'number') return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw; // a bad number reaches zod, which names it
  if (kind === 'boolean') return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
  if (kind === 'urlOrNone') return raw === '' || raw === 'none' ? null : raw;
  return raw;
}

/** Applies FORESIGHT_* overrides onto the raw (unvalidated) object; returns which key paths env set. */
export function applyEnv(raw: Obj, env: NodeJS.ProcessEnv): Map<string, string> {
  const setBy = new Map<string, string>();
  for (const e of ENV) {
    const v = env[e.name];
    if (v === undefined) continue;
    let o = raw;
    for (const k of e.path.slice(0, -1)) {
      if (!isObj(o[k])) o[k] = {};
      o = o[k] as Obj;
    }
    const leaf = e.path.at(-1)!;
    o[leaf] = envValue(v, e.kind);
    // An env token replaces a file-based one rather than conflicting with it.
    if (e.name === 'FORESIGHT_API_TOKEN') delete o.tokenFile;
    if (e.name === 'FORESIGHT_PROMETHEUS_BEARER_TOKEN') delete o.bearerTokenFile;
    setBy.set(e.path.join('.'), e.name);
  }
  return setBy;
}

function parseYaml(text: string, where: string): Obj {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    const at = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new ConfigError(`${where}: YAML syntax error${at}: ${err.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (!isObj(value)) throw new ConfigError(`${where}: top level must be a mapping of sections (server, prometheus, ...), got ${Array.isArray(value) ? 'a list' : typeof value}`);
  return value;
}

function readSecret(file: string, key: string, where: string): string {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (e) {
    throw new ConfigError(`${where}: ${key}: cannot read ${resolve(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const secret = text.replace(/\r?\n$/, ''); // files written with `echo` end in a newline that is not part of the secret
  if (!secret) throw new ConfigError(`${where}: ${key}: ${resolve(file)} is empty`);
  return secret;
}

/**
 * Loads and validates the config. Without a file the demo defaults apply (including the documented demo
 * API token); with a file, an API token is required unless `auth.disabled: true`.
 * Relative paths (store, rules, secret files) are resolved against the working directory.
 */
export function loadConfig(file?: string, env: NodeJS.ProcessEnv = process.env): Config {
  const where = file ? `config ${resolve(file)}` : 'config (defaults)';
  let raw: Obj = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`${where}: cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    raw = parseYaml(text, where);
  }
  const envPaths = applyEnv(raw, env);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${where}: ${describeConfigIssue(parsed.error, envPaths)}`);
  const c = parsed.data;

  let token = c.auth.token ?? (c.auth.tokenFile ? readSecret(c.auth.tokenFile, 'auth.tokenFile', where) : undefined);
  if (!token && !c.auth.disabled) {
    if (file) throw new ConfigError(`${where}: auth: no API token configured: set auth.token, auth.tokenFile or FORESIGHT_API_TOKEN (or auth.disabled: true to run without one)`);
    token = DEMO_API_TOKEN;
  }
  const { bearerTokenFile, basicAuth, ...prom } = c.prometheus;
  const bearerToken = prom.bearerToken ?? (bearerTokenFile ? readSecret(bearerTokenFile, 'prometheus.bearerTokenFile', where) : undefined);
  const basic = basicAuth
    ? { username: basicAuth.username, password: basicAuth.password ?? readSecret(basicAuth.passwordFile!, 'prometheus.basicAuth.passwordFile', where) }
    : undefined;

  return {
    ...c,
    source: file ? resolve(file) : 'defaults',
    server: c.server,
    prometheus: { ...prom, ...(bearerToken ? { bearerToken } : {}), ...(basic ? { basicAuth: basic } : {}) },
    auth: { disabled: c.auth.disabled, ...(token && !c.auth.disabled ? { token } : {}) },
    store: { file: c.store.file === ':memory:' ? ':memory:' : resolve(c.store.file) },
    rules: { dir: resolve(c.rules.dir) },
    alertmanager: { ...c.alertmanager, ...(c.alertmanager.configFile ? { configFile: resolve(c.alertmanager.configFile) } : {}) },
  };
}
