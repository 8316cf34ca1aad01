// Wrappers around the real `amtool`: generated Alertmanager config is only trusted once amtool accepts it,
// and routing is proven with `amtool config routes test`. Spawned without a shell; args are argv entries.
import { spawn } from 'node:child_process';

export function amtoolPath(): string {
  return process.env.FORESIGHT_AMTOOL ?? 'amtool';
}

export interface AmtoolResult { ok: boolean; output: string }

export function runAmtool(args: string[], timeoutMs = 30_000): Promise<AmtoolResult> {
  return new Promise((resolve, reject) => {
    const bin = amtoolPath();
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new Error(`amtool not found ('${bin}'): install prometheus-alertmanager's amtool or set FORESIGHT_AMTOOL`) : err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) output += `\namtool killed by ${signal} (timeout ${timeoutMs} ms?)`;
      resolve({ ok: code === 0, output });
    });
  });
}

/** `amtool check-config FILE`. */
export function amtoolCheckConfig(file: string): Promise<AmtoolResult> {
  return runAmtool(['check-config', file]);
}

/** Receivers (in tree order) an alert with these labels reaches, per `amtool config routes test`. */
export async function amtoolRoutesTest(file: string, labels: Record<string, string>): Promise<string[]> {
  const args = ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const r = await runAmtool(args);
  // amtool warns on stderr that --config.file overrides --alertmanager.url; the answer is the last line.
  const line = r.output.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Warning:')).pop() ?? '';
  if (!r.ok) throw new Error(`amtool config routes test failed for ${JSON.stringify(labels)}: ${r.output.trim()}`);
  return line.split(',').map((s) => s.trim()).filter(Boolean);
}
