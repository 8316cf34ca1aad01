// Thin wrappers around the real `promtool` binary: generated rules are only trusted once promtool accepts them.
import { spawn } from 'node:child_process';

export interface PromtoolResult {
  ok: boolean;
  output: string;
}

/** Binary path; `FORESIGHT_PROMTOOL` overrides it (e.g. a newer promtool than the distro's). */
export function promtoolPath(): string {
  return process.env.FORESIGHT_PROMTOOL ?? 'promtool';
}

/** Runs promtool with args; resolves with exit status and combined output, rejects only if it cannot start. */
export function runPromtool(args: string[], timeoutMs = 120_000): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const bin = promtoolPath();
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === 'ENOENT'
          ? new Error(`promtool not found ('${bin}'): install prometheus' promtool or set FORESIGHT_PROMTOOL`)
          : err,
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) output += `\npromtool killed by ${signal} (timeout ${timeoutMs} ms?)`;
      resolve({ ok: code === 0, output });
    });
  });
}

/** `promtool check rules FILE…`. An empty list is trivially ok. */
export async function promtoolCheckRules(files: string[]): Promise<PromtoolResult> {
  if (files.length === 0) return { ok: true, output: '' };
  return runPromtool(['check', 'rules', ...files]);
}

/** `promtool test rules TEST_FILE…` (unit tests of alerting/recording rules). */
export async function promtoolTestRules(testFiles: string[]): Promise<PromtoolResult> {
  if (testFiles.length === 0) return { ok: true, output: '' };
  return runPromtool(['test', 'rules', ...testFiles]);
}
