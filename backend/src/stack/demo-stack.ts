// The whole local stack on loopback: demo workload, Alertmanager, Prometheus, then the companion. Ports are
// all checked before anything starts; if any part fails, what did start is stopped before throwing.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot as findRepoRoot } from '../paths.js';
import { startPrometheus } from './prometheus.js';
import { startAlertmanager } from './alertmanager.js';
import { startWorkload } from './workload.js';
import { nodeExporterBinary, startNodeExporter } from './node-exporter.js';
import { spawnSupervised, waitReady } from './children.js';
import { resolvePort } from './ports.js';
import { demoAlertmanagerConfig, demoCompanionConfig, demoPrometheusConfig } from './configs.js';
import type { Managed } from './types.js';

const repoRoot = findRepoRoot();

export interface DemoStackOptions {
  /** state dir (configs, data, logs); default a new temp dir */
  dir?: string;
  onStatus?: (part: string, state: string) => void;
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
  timeScale?: number;
  /** start the companion too (default true) */
  withCompanion?: boolean;
  /** run node_exporter beside the workload (default: when prometheus-node-exporter is installed) */
  withNodeExporter?: boolean;
  alertmanagerConfigYaml?: string;
  /** merged over the generated companion config */
  companionConfig?: object;
  /** fixed ports (0/undefined → a free port each) */
  ports?: { prometheus?: number; alertmanager?: number; companion?: number; workload?: number; nodeExporter?: number };
  /** rule files Prometheus loads (default <dir>/rules) */
  rulesDir?: string;
  seed?: number;
  /** restart a part that dies (with backoff), telling this what happened; without it a dead part stays dead */
  onRestart?: (part: string, line: string) => void;
}

export interface DemoStack {
  prometheus: Managed & { dataDir: string; configFile: string; rulesDir: string };
  alertmanager: Managed & { configFile: string };
  workload: Managed;
  /** the host's node_exporter (job `node`), when it runs */
  nodeExporter?: Managed;
  companion?: Managed;
  stop(): Promise<void>;
}

/** Runs the companion as a child (`foresight companion --config FILE`) so its crash cannot take the stack down. */
async function startCompanionChild(o: { port: number; configFile: string; logFile?: string }): Promise<Managed> {
  const p = spawnSupervised({
    name: `companion (port ${o.port})`,
    cmd: process.execPath,
    args: [join(repoRoot, 'backend', 'bin', 'foresight.mjs'), 'companion', '--config', o.configFile],
    cwd: repoRoot,
    logFile: o.logFile,
  });
  const url = `http://127.0.0.1:${o.port}`;
  const stop = (): Promise<void> => p.stop(5000);
  await waitReady(p, `${url}/healthz`, 30_000);
  return { url, port: o.port, stop, keepAlive: (report) => p.keepAlive(report, () => waitReady(p, `${url}/healthz`, 30_000)), state: () => p.state() };
}

export async function startDemoStack(o: DemoStackOptions = {}): Promise<DemoStack> {
  const status = (part: string, state: string): void => o.onStatus?.(part, state);
  const withCompanion = o.withCompanion ?? true;
  // Every port is settled first, so a taken port fails before anything runs.
  const taken = new Set<number>();
  const pick = async (port: number | undefined, what: string): Promise<number> => {
    for (;;) {
      const p = await resolvePort(port, what);
      if (port) {
        if (taken.has(p)) throw new Error(`${what}: port ${p} is also given to another part of the stack`);
      } else if (taken.has(p)) continue; // the OS handed out the same free port twice
      taken.add(p);
      return p;
    }
  };
  const ports = {
    workload: await pick(o.ports?.workload, 'demo workload'),
    companion: await pick(o.ports?.companion, 'companion'),
    alertmanager: await pick(o.ports?.alertmanager, 'alertmanager'),
    prometheus: await pick(o.ports?.prometheus, 'prometheus'),
  };
  const withNodeExporter = o.withNodeExporter ?? nodeExporterBinary() !== undefined;
  const nodeExporterPort = withNodeExporter ? await pick(o.ports?.nodeExporter, 'node_exporter') : undefined;

  const ownDir = o.dir === undefined; // a temp dir we made is removed on stop
  const dir = resolve(o.dir ?? (await mkdtemp(join(tmpdir(), 'foresight-demo-'))));
  const rulesDir = resolve(o.rulesDir ?? join(dir, 'rules'));
  await mkdir(join(dir, 'logs'), { recursive: true });
  await mkdir(rulesDir, { recursive: true });
  await mkdir(join(dir, 'prometheus'), { recursive: true });
  await mkdir(join(dir, 'alertmanager'), { recursive: true });
  // The webhook's own credential: Alertmanager reads it from a file (credentials_file), the companion too.
  await mkdir(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
  const webhookSecretFile = join(dir, 'secrets', 'webhook-secret');
  await writeFile(webhookSecretFile, randomBytes(24).toString('hex'), { mode: 0o600 });

  const started: { name: string; m: Managed }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const { name, m } of started.reverse()) {
      // Say what really happened: a part that died (and was not restarted) is not "stopped" by us.
      const before = m.state?.() ?? 'running';
      if (before !== 'running') {
        await m.stop().catch(() => undefined);
        status(name, `was not running (${before})`);
        continue;
      }
      status(name, 'stopping');
      await m.stop().catch(() => undefined);
      status(name, 'stopped');
    }
    started.length = 0;
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };
  const step = async <T extends Managed>(name: string, start: () => Promise<T>): Promise<T> => {
    status(name, 'starting');
    try {
      const m = await start();
      started.push({ name, m });
      status(name, `ready ${m.url}`);
      if (o.onRestart) m.keepAlive?.((line) => o.onRestart!(name, line));
      return m;
    } catch (err) {
      status(name, 'failed');
      throw err;
    }
  };

  try {
    const workload = await step('workload', () =>
      startWorkload({ port: ports.workload, timeScale: o.timeScale, seed: o.seed, logFile: join(dir, 'logs', 'workload.log') }),
    );
    const nodeExporter = nodeExporterPort
      ? await step('node_exporter', () => startNodeExporter({ port: nodeExporterPort, logFile: join(dir, 'logs', 'node-exporter.log') }))
      : undefined;
    const alertmanager = await step('alertmanager', () =>
      startAlertmanager({
        port: ports.alertmanager,
        dataDir: join(dir, 'alertmanager'),
        configYaml: o.alertmanagerConfigYaml ?? demoAlertmanagerConfig({ companionPort: ports.companion, webhookCredentialsFile: webhookSecretFile }),
        logFile: join(dir, 'logs', 'alertmanager.log'),
      }),
    );
    const prometheus = await step('prometheus', () =>
      startPrometheus({
        port: ports.prometheus,
        dataDir: join(dir, 'prometheus'),
        configYaml: demoPrometheusConfig({
          prometheusPort: ports.prometheus,
          alertmanagerPort: ports.alertmanager,
          workloadPort: ports.workload,
          nodeExporterPort,
          companionPort: withCompanion ? ports.companion : undefined,
          rulesDir,
          scrapeIntervalSeconds: o.scrapeIntervalSeconds,
          evaluationIntervalSeconds: o.evaluationIntervalSeconds,
        }),
        logFile: join(dir, 'logs', 'prometheus.log'),
      }),
    );
    // The companion last: it checks Prometheus and Alertmanager answer when it starts.
    let companion: Managed | undefined;
    if (withCompanion) {
      const configFile = join(dir, 'companion.yml');
      await writeFile(
        configFile,
        demoCompanionConfig({
          port: ports.companion,
          prometheusUrl: `http://127.0.0.1:${ports.prometheus}`,
          alertmanagerUrl: `http://127.0.0.1:${ports.alertmanager}`,
          rulesDir,
          alertmanagerConfigFile: alertmanager.configFile,
          storeFile: join(dir, 'foresight.db'),
          workloadUrl: `http://127.0.0.1:${ports.workload}`,
          webhookSecretFile,
          overrides: o.companionConfig,
        }),
      );
      companion = await step('companion', () =>
        startCompanionChild({ port: ports.companion, configFile, logFile: join(dir, 'logs', 'companion.log') }),
      );
    }
    return { prometheus: { ...prometheus, rulesDir }, alertmanager, workload, ...(nodeExporter ? { nodeExporter } : {}), companion, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
