// The one Alertmanager writer: merge our fragment into the user's alertmanager.yml, have amtool check the
// merged file, write it atomically, reload Alertmanager and confirm through /api/v2/status that exactly
// what we wrote is live; otherwise put the previous file back and reload again. Optionally push the same
// config to a Mimir Alertmanager (per tenant). Secrets from env are written to 0600 files, never logged.
import { mkdir, readFile, rename, rm, writeFile, chmod } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import YAML from 'yaml';
import type { Logger } from 'pino';
import { amtoolCheckConfig } from './amtool.js';
import { mergeAlertmanagerConfig } from './merge.js';
import { parseMatcher } from './matchers.js';
import { assertDelivery, type Labels } from './routing.js';
import type { Generated } from './routes/generate.js';
import type { SecretFile } from './routes/types.js';

export interface ApplyOptions {
  configFile: string;
  generated: Generated;
  /** Running Alertmanager to reload and verify (omit to only write the file). */
  alertmanagerUrl?: string;
  mimir?: { url: string; tenant: string; headers?: Record<string, string> };
  timeoutMs?: number;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Label sets of alerts Foresight generates (e.g. its SLO rules), added to the delivery check's matrix. */
  labelSets?: Labels[];
  /** Skip the delivery check (a deliberate policy change that removes receivers); default false. */
  allowReducedDelivery?: boolean;
}
export interface ApplyResult { yaml: string; changed: boolean; reloaded: boolean; pushedToMimir: boolean; deliveryChecked: number }

/** Label sets of the alerts the running Alertmanager holds now (best effort: none if it cannot be reached). */
export async function liveAlertLabels(amUrl: string, timeoutMs = 5_000): Promise<Labels[]> {
  try {
    const r = await http(`${amUrl.replace(/\/+$/, '')}/api/v2/alerts`, {}, timeoutMs);
    if (!r.ok) return [];
    const body = (await r.json()) as { labels?: Labels }[];
    return Array.isArray(body) ? body.map((a) => a.labels ?? {}) : [];
  } catch {
    return [];
  }
}

async function atomicWrite(file: string, text: string, mode?: number): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, text, mode === undefined ? {} : { mode });
  await rename(tmp, file);
}

/** Writes env-sourced secrets to their files (0600); throws naming the variable, never the value. */
export async function materializeSecrets(files: SecretFile[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  for (const f of files) {
    const value = env[f.env];
    if (value === undefined || value === '') throw new Error(`alerting secret: environment variable ${f.env} is not set (needed for ${f.path})`);
    await mkdir(dirname(f.path), { recursive: true, mode: 0o700 });
    await atomicWrite(f.path, value, 0o600);
    await chmod(f.path, 0o600);
  }
}

async function http(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}

/** POST /-/reload, then /api/v2/status must show `config.original` equal to `expected`. Returns the reason on failure. */
async function reloadAndVerify(amUrl: string, expected: string, timeoutMs: number): Promise<string | undefined> {
  const base = amUrl.replace(/\/+$/, '');
  try {
    const r = await http(`${base}/-/reload`, { method: 'POST' }, timeoutMs);
    if (!r.ok) return `reload answered ${r.status}: ${(await r.text()).trim().slice(0, 500)}`;
    const s = await http(`${base}/api/v2/status`, {}, timeoutMs);
    if (!s.ok) return `/api/v2/status answered ${s.status}`;
    const body = (await s.json()) as { config?: { original?: string } };
    if (body.config?.original === undefined) return '/api/v2/status has no config.original';
    // Alertmanager re-serializes the loaded config; compare meaning, not bytes.
    if (!sameYaml(body.config.original, expected)) return 'the live config differs from what was written (reload did not take effect)';
    return undefined;
  } catch (e) {
    return `cannot reach Alertmanager at ${base}: ${(e as Error).message}`;
  }
}

/**
 * Alertmanager re-serializes what it loaded (defaults filled in, matchers re-quoted), so compare what
 * identifies a config: the route tree (receivers + normalized matchers), receiver, interval and inhibit names.
 */
export function configFingerprint(text: string): string {
  const doc = (YAML.parse(text) ?? {}) as { route?: unknown; receivers?: { name?: string }[]; time_intervals?: { name?: string }[]; inhibit_rules?: { source_matchers?: string[]; target_matchers?: string[] }[] };
  const norm = (ms: unknown): string[] =>
    Array.isArray(ms)
      ? ms.map((m) => {
          try {
            const p = parseMatcher(String(m), 'matcher');
            return `${p.label}${p.op}${JSON.stringify(p.value)}`;
          } catch {
            return String(m);
          }
        }).sort()
      : [];
  const route = (r: unknown): unknown => {
    const x = (r ?? {}) as { receiver?: string; matchers?: unknown; match?: unknown; match_re?: unknown; routes?: unknown[] };
    return [x.receiver ?? '', norm(x.matchers), x.match ?? null, x.match_re ?? null, (x.routes ?? []).map(route)];
  };
  return JSON.stringify({
    route: route(doc.route),
    receivers: (doc.receivers ?? []).map((r) => r.name ?? '').sort(),
    intervals: (doc.time_intervals ?? []).map((t) => t.name ?? '').sort(),
    inhibit: (doc.inhibit_rules ?? []).map((r) => [norm(r.source_matchers), norm(r.target_matchers)]),
  });
}

function sameYaml(a: string, b: string): boolean {
  try {
    return configFingerprint(a) === configFingerprint(b);
  } catch {
    return false;
  }
}

export async function applyAlertmanagerConfig(o: ApplyOptions): Promise<ApplyResult> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  let previous: string | undefined;
  try {
    previous = await readFile(o.configFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const merged = mergeAlertmanagerConfig(previous ?? '', o.generated.fragment, o.configFile);
  await materializeSecrets(o.generated.secrets, o.env);

  // Check the merged file beside the real one (relative *_file paths resolve the same way), then rename over it.
  const tmp = join(dirname(o.configFile), `.${basename(o.configFile)}.check-${process.pid}.yml`);
  await writeFile(tmp, merged);
  let tested = 0;
  try {
    const check = await amtoolCheckConfig(tmp);
    if (!check.ok) throw new Error(`amtool check-config rejected the merged Alertmanager config; ${o.configFile} was left untouched:\n${check.output.trim()}`);
    // Never reduce delivery: every alert that reached someone before must still reach someone, and keep the
    // user's receivers. Tested on the live alerts' labels, ours, and every value the two trees mention.
    const seen = [...(o.alertmanagerUrl ? await liveAlertLabels(o.alertmanagerUrl, timeoutMs) : []), ...(o.labelSets ?? [])];
    tested = o.allowReducedDelivery ? 0 : assertDelivery(previous ?? '', merged, seen).tested;
    if (o.allowReducedDelivery) o.log?.warn({ file: o.configFile }, 'alertmanager delivery check skipped (allowReducedDelivery)');
    await rename(tmp, o.configFile);
  } finally {
    await rm(tmp, { force: true });
  }
  const changed = previous !== merged;
  o.log?.info({ file: o.configFile, changed }, 'alertmanager config written');

  let reloaded = false;
  if (o.alertmanagerUrl) {
    const failure = await reloadAndVerify(o.alertmanagerUrl, merged, timeoutMs);
    if (failure) {
      if (previous === undefined) await rm(o.configFile, { force: true });
      else await atomicWrite(o.configFile, previous);
      const back = previous === undefined ? 'no previous file' : await reloadAndVerify(o.alertmanagerUrl, previous, timeoutMs);
      throw new Error(`alertmanager apply failed (${failure}); rolled back ${o.configFile}${back ? ` (rollback reload: ${back})` : ''}`);
    }
    reloaded = true;
  }

  let pushedToMimir = false;
  if (o.mimir) {
    // Mimir's Alertmanager keeps the config per tenant; secrets referenced by *_file must exist on Mimir's side.
    const r = await http(`${o.mimir.url.replace(/\/+$/, '')}/api/v1/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml', 'X-Scope-OrgID': o.mimir.tenant, ...(o.mimir.headers ?? {}) },
      body: YAML.stringify({ alertmanager_config: merged, template_files: {} }),
    }, timeoutMs);
    if (!r.ok) throw new Error(`Mimir Alertmanager config push to ${o.mimir.url} (tenant ${o.mimir.tenant}) answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
    pushedToMimir = true;
  }
  return { yaml: merged, changed, reloaded, pushedToMimir, deliveryChecked: tested };
}
