// Starts the companion as a user does (node bin/foresight.mjs companion --config FILE, or another command
// line) as a supervised child, and waits for /healthz. Shared by the integration tests that run it whole.
import { join } from 'node:path';
import { spawnSupervised, waitReady } from '../../src/stack/children.js';
import { packageRoot } from '../../src/paths.js';
import type { Managed } from '../../src/stack/index.js';

export interface CompanionProcessOptions {
  port: number;
  /** working directory; its companion.log holds the output */
  dir: string;
  /** config file for the default command line */
  configFile?: string;
  /** the whole argument list after `node` (default: bin/foresight.mjs companion --config configFile) */
  args?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  name?: string;
}

export async function startCompanionProcess(o: CompanionProcessOptions): Promise<Managed> {
  const p = spawnSupervised({
    name: o.name ?? `companion (port ${o.port})`,
    cmd: process.execPath,
    args: o.args ?? [join(packageRoot(), 'bin', 'foresight.mjs'), 'companion', '--config', o.configFile!],
    cwd: o.cwd ?? o.dir,
    ...(o.env ? { env: o.env } : {}),
    logFile: join(o.dir, 'companion.log'),
  });
  const url = `http://127.0.0.1:${o.port}`;
  const managed: Managed = { url, port: o.port, stop: async () => { await p.stop(5000); } };
  try {
    await waitReady(p, `${url}/healthz`, 60_000);
  } catch (e) {
    await p.stop(5000).catch(() => undefined);
    throw e;
  }
  return managed;
}
