// Runs the Debian `prometheus-alertmanager` binary on loopback, clustering off, with a temp data dir.
import { join } from 'node:path';
import { findBinary, requireBinary } from './children.js';
import { startConfiguredServer } from './configured-server.js';
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
  const am = await startConfiguredServer({
    name: 'alertmanager',
    what: 'startAlertmanager',
    bin: alertmanagerBinary(),
    configYaml: o.configYaml,
    configFileName: 'alertmanager.yml',
    port: o.port,
    dataDir: o.dataDir,
    readyTimeoutMs: o.readyTimeoutMs,
    logFile: o.logFile,
    args: ({ port, url, dataDir, configFile }) => [
      `--config.file=${configFile}`,
      `--storage.path=${join(dataDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}/`,
      '--cluster.listen-address=', // no gossip port: one instance, nothing else bound
      '--log.level=warn',
    ],
  });
  return { url: am.url, port: am.port, configFile: am.configFile, stop: am.stop };
}
