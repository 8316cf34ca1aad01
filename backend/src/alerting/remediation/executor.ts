// Turning a matched action into something runnable, and running it. Scripts must resolve (symlinks
// followed) to a file inside the allow-listed directory; alert-derived parameters go into argv entries and
// env vars of a process started without a shell, so a label value can never become shell syntax.
import { execFile } from 'node:child_process';
import { access, constants, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { RemediationAction } from '../config.js';

export type Prepared =
  | { kind: 'script'; file: string; argv: string[]; env: Record<string, string>; timeoutMs: number }
  | { kind: 'http'; url: string; method: string; body: string; timeoutMs: number };
export interface ExecResult { ok: boolean; output: string }
export type Executor = (p: Prepared) => Promise<ExecResult>;

const fill = (template: string, params: Record<string, string>): string => template.replace(/\{([A-Za-z0-9_]+)\}/g, (m, k: string) => params[k] ?? m);

/** Throws with the action's name and why when the script is not an executable file inside `scriptDir`. */
export async function resolveScript(scriptDir: string, script: string, action: string): Promise<string> {
  let dir: string;
  try {
    dir = await realpath(scriptDir);
  } catch {
    throw new Error(`remediation action '${action}': allow-listed script directory '${scriptDir}' does not exist`);
  }
  let file: string;
  try {
    file = await realpath(join(dir, script));
  } catch {
    throw new Error(`remediation action '${action}': script '${script}' not found in allow-listed directory ${dir}`);
  }
  if (!file.startsWith(dir + sep)) throw new Error(`remediation action '${action}': script '${script}' resolves to ${file}, outside the allow-listed directory ${dir}`);
  if (!(await stat(file)).isFile()) throw new Error(`remediation action '${action}': script '${script}' is not a regular file`);
  try {
    await access(file, constants.X_OK);
  } catch {
    throw new Error(`remediation action '${action}': script '${script}' is not executable`);
  }
  return file;
}

export async function prepare(
  a: RemediationAction,
  scriptDir: string,
  target: string,
  params: Record<string, string>,
  alert: { alertname: string; fingerprint: string },
): Promise<Prepared> {
  if (a.run.kind === 'script') {
    const file = await resolveScript(scriptDir, a.run.script, a.name);
    // Only what the script needs: no companion secrets leak through the environment.
    const env: Record<string, string> = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      FORESIGHT_ACTION: a.name,
      FORESIGHT_TARGET: target,
      FORESIGHT_ALERTNAME: alert.alertname,
      FORESIGHT_ALERT_FINGERPRINT: alert.fingerprint,
    };
    for (const [k, v] of Object.entries(params)) env[`FORESIGHT_PARAM_${k.toUpperCase()}`] = v;
    return { kind: 'script', file, argv: a.run.args.map((x) => fill(x, params)), env, timeoutMs: a.run.timeoutSeconds * 1000 };
  }
  return {
    kind: 'http',
    url: fill(a.run.url, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, encodeURIComponent(v)]))),
    method: a.run.method,
    body: JSON.stringify({ action: a.name, target, params, alert }),
    timeoutMs: a.run.timeoutSeconds * 1000,
  };
}

export const execute: Executor = (p) => {
  if (p.kind === 'script')
    return new Promise((resolve) => {
      execFile(p.file, p.argv, { env: p.env, timeout: p.timeoutMs, maxBuffer: 1 << 20, shell: false }, (err, stdout, stderr) => {
        const output = `${stdout}${stderr}`.slice(-4000);
        resolve({ ok: !err, output: err ? `${output}\n${err.message}`.trim() : output.trim() });
      });
    });
  return fetch(p.url, {
    method: p.method,
    headers: { 'Content-Type': 'application/json' },
    body: p.method === 'GET' ? undefined : p.body,
    signal: AbortSignal.timeout(p.timeoutMs),
  }).then(
    async (r) => ({ ok: r.ok, output: `HTTP ${r.status} ${(await r.text()).slice(0, 2000)}` }),
    (e: Error) => ({ ok: false, output: e.message }),
  );
};
