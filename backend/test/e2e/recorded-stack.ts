// A stack whose data is written ahead: the demo simulator is run in virtual time (seeded, faults injected at
// fixed offsets), its series are written as OpenMetrics and turned into TSDB blocks with
// `promtool tsdb create-blocks-from openmetrics`, and a real Prometheus starts on those blocks with nothing
// to scrape. The companion reads that Prometheus like any other. Every figure at a given instant is then a
// function of the seed and that instant alone, never of how fast this machine is.
//
// The data runs from `history` before the anchor to `future` after it, so the companion's own background
// work (which asks Prometheus about "now") finds data at any wall time while the test runs; the panels are
// asked about the anchor instant itself.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createSimulator } from '../../src/demo/simulator.js';
import type { FaultSpec } from '../../src/demo/faults.js';
import { sampleSimulator } from '../../src/demo/sampler.js';
import { startPrometheus } from '../../src/stack/prometheus.js';
import { startAlertmanager } from '../../src/stack/alertmanager.js';
import { requireBinary, spawnSupervised, waitReady } from '../../src/stack/children.js';
import { demoCompanionConfig } from '../../src/stack/configs.js';
import { resolvePort } from '../../src/stack/ports.js';
import type { Managed } from '../../src/stack/types.js';

const run = promisify(execFile);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface RecordedFault extends FaultSpec {
  /** start relative to the anchor, ms (negative: before it) */
  offsetMs: number;
}

export interface RecordedStackOptions {
  seed: number;
  /** the instant the test asks about (unix ms, whole seconds) */
  anchorMs: number;
  historyMs: number;
  futureMs: number;
  stepMs: number;
  faults: RecordedFault[];
  /** merged over the demo companion config */
  companionConfig?: object;
}

export interface RecordedStack {
  prometheus: Managed;
  alertmanager: Managed;
  companion: Managed;
  /** where the recorded data starts and ends (unix ms) */
  fromMs: number;
  toMs: number;
  stop(): Promise<void>;
}

/** Writes the simulator's series over [fromMs, toMs] as OpenMetrics (one family's samples together, timestamps in seconds). */
export async function writeOpenMetrics(file: string, o: RecordedStackOptions, fromMs: number, toMs: number): Promise<void> {
  const sim = createSimulator({ seed: o.seed, startMs: fromMs });
  for (const f of o.faults) {
    const { offsetMs, ...spec } = f;
    sim.inject({ ...spec, startMs: o.anchorMs + offsetMs });
  }
  const series = sampleSimulator(sim, { fromMs, toMs, stepMs: o.stepMs });
  series.sort((a, b) => (a.labels.__name__! < b.labels.__name__! ? -1 : a.labels.__name__! > b.labels.__name__! ? 1 : 0));
  const out = createWriteStream(file);
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  for (const s of series) {
    const { __name__: name, ...labels } = s.labels;
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
      .join(',');
    const prefix = `${name}${l ? `{${l}}` : ''} `;
    const lines: string[] = [];
    for (let i = 0; i < s.timestamps.length; i++) {
      const v = s.values[i]!;
      if (Number.isFinite(v)) lines.push(`${prefix}${v} ${s.timestamps[i]}`);
    }
    await write(lines.join('\n') + '\n');
  }
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
}

export async function startRecordedStack(o: RecordedStackOptions): Promise<RecordedStack> {
  const dir = await mkdtemp(join(tmpdir(), 'foresight-e2e-'));
  const fromMs = o.anchorMs - o.historyMs;
  const toMs = o.anchorMs + o.futureMs;
  const started: Managed[] = [];
  const stop = async (): Promise<void> => {
    for (const m of started.reverse()) await m.stop().catch(() => undefined);
    started.length = 0;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await mkdir(join(dir, 'logs'), { recursive: true });
    await mkdir(join(dir, 'rules'), { recursive: true });
    const om = join(dir, 'recorded.om');
    await writeOpenMetrics(om, o, fromMs, toMs);
    const promtool = requireBinary(process.env.FORESIGHT_PROMTOOL_BIN ?? 'promtool', 'recorded stack');
    // Two-hour blocks (promtool's default) over a few hours of data: a handful of blocks, loaded at start.
    await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', om, join(dir, 'prometheus', 'tsdb')], { maxBuffer: 16 << 20 });
    await rm(om);

    const ports = { companion: await resolvePort(undefined, 'companion') };
    // A receiver that sends nowhere: alerts evaluated at wall time must not start investigations mid-test.
    const alertmanager = await startAlertmanager({
      dataDir: join(dir, 'alertmanager'),
      configYaml: 'route:\n  receiver: none\nreceivers:\n  - name: none\n',
      logFile: join(dir, 'logs', 'alertmanager.log'),
    });
    started.push(alertmanager);
    const prometheus = await startPrometheus({
      dataDir: join(dir, 'prometheus'),
      // Nothing to scrape: every demo series comes from the recorded blocks.
      configYaml: [
        'global:',
        '  evaluation_interval: 15s',
        `rule_files: ["${join(dir, 'rules')}/*.yml", "${join(dir, 'rules')}/*.yaml"]`,
        'alerting:',
        '  alertmanagers:',
        `    - static_configs: [{ targets: ["127.0.0.1:${alertmanager.port}"] }]`,
        // The blocks reach past wall time, so Prometheus would refuse what rules record at "now" as out of
        // bounds (older than the newest block), and the rules writer's health check would then refuse an
        // apply whenever the first evaluation beat it. Out-of-order ingestion over the future span accepts it.
        'storage:',
        '  tsdb:',
        `    out_of_order_time_window: ${Math.ceil(o.futureMs / 60_000) + 60}m`,
        '',
      ].join('\n'),
      // Blocks older than 15 days (the default retention) relative to wall time would be dropped: the data is recent.
      logFile: join(dir, 'logs', 'prometheus.log'),
    });
    started.push(prometheus);
    const configFile = join(dir, 'companion.yml');
    await writeFile(
      configFile,
      demoCompanionConfig({
        port: ports.companion,
        prometheusUrl: prometheus.url,
        alertmanagerUrl: alertmanager.url,
        rulesDir: join(dir, 'rules'),
        alertmanagerConfigFile: alertmanager.configFile,
        storeFile: join(dir, 'foresight.db'),
        overrides: o.companionConfig,
      })
    );
    const child = spawnSupervised({
      name: `companion (port ${ports.companion})`,
      cmd: process.execPath,
      args: [join(repoRoot, 'backend', 'bin', 'foresight.mjs'), 'companion', '--config', configFile],
      cwd: repoRoot,
      logFile: join(dir, 'logs', 'companion.log'),
    });
    const companion: Managed = { url: `http://127.0.0.1:${ports.companion}`, port: ports.companion, stop: () => child.stop(5000) };
    started.push(companion);
    await waitReady(child, `${companion.url}/healthz`, 60_000);
    return { prometheus, alertmanager, companion, fromMs, toMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
