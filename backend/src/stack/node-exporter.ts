// Runs Debian's `prometheus-node-exporter` on loopback: the host's real CPU, memory and filesystems,
// scraped beside the demo workload so discovery and capacity see a conventional exporter.
import { findBinary, requireBinary, spawnSupervised, waitReady } from './children.js';
import { resolvePort } from './ports.js';
import type { Managed } from './types.js';

export interface StartNodeExporterOptions {
  port?: number;
  readyTimeoutMs?: number;
  logFile?: string;
}

/** Debian names it prometheus-node-exporter; upstream tarballs call it node_exporter. */
export function nodeExporterBinary(): string | undefined {
  const env = process.env.FORESIGHT_NODE_EXPORTER_BIN;
  if (env) return requireBinary(env, 'startNodeExporter');
  return findBinary('prometheus-node-exporter') ?? findBinary('node_exporter');
}

export async function startNodeExporter(o: StartNodeExporterOptions = {}): Promise<Managed> {
  const bin = nodeExporterBinary() ?? requireBinary('prometheus-node-exporter', 'startNodeExporter');
  const port = await resolvePort(o.port, 'startNodeExporter');
  const p = spawnSupervised({
    name: `node_exporter (port ${port})`,
    cmd: bin,
    // No textfile directory (the packaged default may not exist or hold someone else's files).
    args: [`--web.listen-address=127.0.0.1:${port}`, '--no-collector.textfile', '--log.level=warn'],
    logFile: o.logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = (): Promise<void> => p.stop(3000);
  try {
    await waitReady(p, `${url}/`, o.readyTimeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, stop };
}
