// Runs one of the real Prometheus/Alertmanager command-line tools (promtool, amtool) without a shell:
// resolves with the exit status and combined output, rejects only when the binary cannot start.
import { spawn } from 'node:child_process';

export interface ToolResult {
  ok: boolean;
  output: string;
}

export interface ToolSpec {
  /** the name in messages, e.g. 'promtool' */
  name: string;
  /** the binary to spawn (a path or a name on PATH) */
  bin: string;
  /** what to do when the binary is missing, appended to the not-found message */
  missingHint: string;
}

/** `env`: extra environment variables for the tool (added to this process's). */
export function runTool(tool: ToolSpec, args: string[], timeoutMs: number, env?: Record<string, string>): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new Error(`${tool.name} not found ('${tool.bin}'): ${tool.missingHint}`) : err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) output += `\n${tool.name} killed by ${signal} (timeout ${timeoutMs} ms?)`;
      resolve({ ok: code === 0, output });
    });
  });
}
