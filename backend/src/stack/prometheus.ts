// Runs the Debian `prometheus` binary on loopback with a generated config and a temp data dir.
import { join } from 'node:path';
import { requireBinary } from './children.js';
import { startConfiguredServer } from './configured-server.js';
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
  return startConfiguredServer({
    name: 'prometheus',
    what: 'startPrometheus',
    bin: requireBinary(process.env.FORESIGHT_PROMETHEUS_BIN ?? 'prometheus', 'startPrometheus'),
    configYaml: o.configYaml,
    configFileName: 'prometheus.yml',
    port: o.port,
    dataDir: o.dataDir,
    readyTimeoutMs: o.readyTimeoutMs,
    logFile: o.logFile,
    args: ({ port, url, dataDir, configFile }) => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dataDir, 'tsdb')}`,
      `--storage.tsdb.retention.time=${o.retention ?? '15d'}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}/`,
      '--web.enable-lifecycle',
      '--log.level=warn',
      ...(o.extraArgs ?? []),
    ],
  });
}
