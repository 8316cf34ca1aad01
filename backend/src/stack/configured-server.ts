// What starting Prometheus and Alertmanager have in common: a port, a data dir (a temp one that is
// removed on stop, unless the caller gave one), the generated config written into it, the binary
// supervised, and readiness awaited on /-/ready; a failed start stops what it started.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSupervised, waitReady } from './children.js';
import { resolvePort } from './ports.js';
import type { Managed } from './types.js';

export interface ConfiguredServerOptions {
  /** e.g. 'prometheus'; names the process, the temp dir and the config file */
  name: string;
  /** the caller, for error messages (e.g. 'startPrometheus') */
  what: string;
  bin: string;
  configYaml: string;
  configFileName: string;
  port?: number;
  dataDir?: string;
  readyTimeoutMs?: number;
  logFile?: string;
  args: (at: { port: number; url: string; dataDir: string; configFile: string }) => string[];
}

export async function startConfiguredServer(o: ConfiguredServerOptions): Promise<Managed & { dataDir: string; configFile: string }> {
  const port = await resolvePort(o.port, o.what);
  const ownDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), `foresight-${o.name}-`)));
  await mkdir(dataDir, { recursive: true });
  const configFile = join(dataDir, o.configFileName);
  await writeFile(configFile, o.configYaml);
  const url = `http://127.0.0.1:${port}`;
  const p = spawnSupervised({
    name: `${o.name} (port ${port})`,
    cmd: o.bin,
    args: o.args({ port, url, dataDir, configFile }),
    cwd: dataDir,
    logFile: o.logFile,
  });
  const stop = async (): Promise<void> => {
    await p.stop();
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(p, `${url}/-/ready`, o.readyTimeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const ready = (): Promise<void> => waitReady(p, `${url}/-/ready`, o.readyTimeoutMs ?? 30_000);
  return { url, port, dataDir, configFile, stop, keepAlive: (report) => p.keepAlive(report, ready), state: () => p.state() };
}
