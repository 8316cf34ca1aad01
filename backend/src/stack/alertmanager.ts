// Runs the Debian `prometheus-alertmanager` binary on loopback, clustering off, with a temp data dir.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, requireBinary, spawnSupervised, waitReady } from './children.js';
import { resolvePort } from './ports.js';
import type { Managed } from './types.js';

export interface StartAlertmanagerOptions {
  configYaml: string;
  port?: number;
  dataDir?: string;
  readyTimeoutMs?: number;
  logFile?: string;
}

/** Debian names it prometheus-alertmanager; upstream tarballs call it alertmanager. */
function alertmanagerBinary(): string {
  const env = process.env.FORESIGHT_ALERTMANAGER_BIN;
  if (env) return requireBinary(env, 'startAlertmanager');
  return findBinary('prometheus-alertmanager') ?? requireBinary('alertmanager', 'startAlertmanager');
}

export async function startAlertmanager(o: StartAlertmanagerOptions): Promise<Managed & { configFile: string }> {
  const bin = alertmanagerBinary();
  const port = await resolvePort(o.port, 'startAlertmanager');
  const ownDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'foresight-am-')));
  const configFile = join(dataDir, 'alertmanager.yml');
  await writeFile(configFile, o.configYaml);
  const url = `http://127.0.0.1:${port}`;
  const p = spawnSupervised({
    name: `alertmanager (port ${port})`,
    cmd: bin,
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(dataDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}/`,
      '--cluster.listen-address=', // no gossip port: one instance, nothing else bound
      '--log.level=warn',
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
  return { url, port, configFile, stop };
}
