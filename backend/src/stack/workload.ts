// Runs the demo workload (backend/src/demo/main.ts) as a child process through tsx, so a crash or a
// busy event loop there never takes the caller down; stop() frees the port.
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { spawnSupervised, waitReady } from './children.js';
import { resolvePort } from './ports.js';
import type { Managed } from './types.js';

const backendDir = packageRoot();

export interface StartWorkloadOptions {
  port?: number;
  timeScale?: number;
  seed?: number;
  readyTimeoutMs?: number;
  logFile?: string;
}

export async function startWorkload(o: StartWorkloadOptions = {}): Promise<Managed> {
  const port = await resolvePort(o.port, 'startWorkload');
  const args = ['--import', 'tsx', join(backendDir, 'src', 'demo', 'main.ts'), '--port', String(port), '--exit-with-parent'];
  if (o.timeScale !== undefined) args.push('--time-scale', String(o.timeScale));
  if (o.seed !== undefined) args.push('--seed', String(o.seed));
  const p = spawnSupervised({ name: `demo workload (port ${port})`, cmd: process.execPath, args, cwd: backendDir, logFile: o.logFile });
  const url = `http://127.0.0.1:${port}`;
  const stop = (): Promise<void> => p.stop(3000);
  try {
    await waitReady(p, `${url}/healthz`, o.readyTimeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, stop, keepAlive: (report) => p.keepAlive(report, () => waitReady(p, `${url}/healthz`, 30_000)), state: () => p.state() };
}
