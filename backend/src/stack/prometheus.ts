// Runs the Debian `prometheus` binary on loopback with a generated config and a temp data dir.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary, spawnSupervised, waitReady } from './children.js';
import { resolvePort } from './ports.js';
import type { Managed } from './types.js';

export interface StartPrometheusOptions {
  configYaml: string;
  rulesDir?: string;
  dataDir?: string;
  port?: number;
  extraArgs?: string[];
  retention?: string;
  /** how long to wait for /-/ready; default 30 s */
  readyTimeoutMs?: number;
  logFile?: string;
}

export async function startPrometheus(o: StartPrometheusOptions): Promise<Managed & { dataDir: string; configFile: string }> {
  const bin = requireBinary(process.env.FORESIGHT_PROMETHEUS_BIN ?? 'prometheus', 'startPrometheus');
  const port = await resolvePort(o.port, 'startPrometheus');
  const ownDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'foresight-prom-')));
  const configFile = join(dataDir, 'prometheus.yml');
  await writeFile(configFile, o.configYaml);
  const url = `http://127.0.0.1:${port}`;
  const p = spawnSupervised({
    name: `prometheus (port ${port})`,
    cmd: bin,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dataDir, 'tsdb')}`,
      `--storage.tsdb.retention.time=${o.retention ?? '15d'}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}/`,
      '--web.enable-lifecycle',
      '--log.level=warn',
      ...(o.extraArgs ?? []),
    ],
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
  return { url, port, dataDir, configFile, stop };
}
