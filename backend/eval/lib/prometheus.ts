// Runs baselines on the REAL Prometheus: writes series as OpenMetrics, backfills them with
// `promtool tsdb create-blocks-from openmetrics`, starts `prometheus` on that data directory (through
// src/stack's startPrometheus when that module exists, else spawned here on a free loopback port) and
// answers instant queries over the HTTP API. Everything is stopped and removed afterwards.
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BackfillSeries {
  name: string;
  labels: Record<string, string>;
  ts: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface InstantResult {
  labels: Record<string, string>;
  value: number;
}

export type QueryFn = (expr: string, time: number) => Promise<InstantResult[]>;

interface Running {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

async function writeOpenMetrics(file: string, series: BackfillSeries[]): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string): Promise<void> => new Promise((res) => (out.write(s) ? res() : out.once('drain', () => res())));
  const byName = new Map<string, BackfillSeries[]>();
  for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, list] of byName) {
    await write(`# TYPE ${name} gauge\n`);
    for (const s of list) {
      const lbl = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
      let buf = '';
      for (let i = 0; i < s.ts.length; i++) {
        if (!Number.isFinite(s.values[i]!)) continue;
        buf += `${name}{${lbl}} ${s.values[i]} ${s.ts[i]}\n`;
        if (buf.length > 1 << 16) {
          await write(buf);
          buf = '';
        }
      }
      await write(buf);
    }
  }
  await write('# EOF\n');
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
}

/** `dataDir` holds the TSDB in `dataDir/tsdb` (the layout src/stack's startPrometheus uses). */
async function startOwn(dataDir: string, dir: string): Promise<Running> {
  const port = await freePort();
  const cfg = join(dir, 'prometheus.yml');
  await writeFile(cfg, 'global:\n  scrape_interval: 1m\n');
  const child = spawn('prometheus', [
    `--config.file=${cfg}`, `--storage.tsdb.path=${join(dataDir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y', '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr}`);
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop };
}

async function startPrometheusFor(dataDir: string, dir: string): Promise<Running> {
  const stackPath = '../../src/stack/index.js'; // optional module from the demo-stack work; not imported statically
  try {
    const mod = (await import(stackPath)) as {
      startPrometheus?: (o: { configYaml: string; dataDir?: string; retention?: string }) => Promise<Running>;
    };
    if (mod.startPrometheus) return await mod.startPrometheus({ configYaml: 'global:\n  scrape_interval: 1m\n', dataDir, retention: '100y' });
  } catch (e) {
    if (!/Cannot find module|ERR_MODULE_NOT_FOUND/.test(String((e as Error).message ?? e))) throw e;
  }
  return startOwn(dataDir, dir);
}

export async function withBackfilledPrometheus<T>(series: BackfillSeries[], fn: (query: QueryFn) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'fs-eval-prom-'));
  let prom: Running | undefined;
  try {
    const file = join(dir, 'data.om');
    const dataDir = join(dir, 'data');
    await mkdir(join(dataDir, 'tsdb'), { recursive: true });
    await writeOpenMetrics(file, series);
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, join(dataDir, 'tsdb')]);
    prom = await startPrometheusFor(dataDir, dir);
    const base = prom.url;
    const query: QueryFn = async (expr, time) => {
      const u = `${base}/api/v1/query?query=${encodeURIComponent(expr)}&time=${time}`;
      const r = await fetch(u);
      const j = (await r.json()) as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (j.status !== 'success' || !j.data) throw new Error(`prometheus query ${expr} failed: ${j.error ?? r.status}`);
      return j.data.result.map((x) => ({ labels: x.metric, value: Number(x.value[1]) }));
    };
    return await fn(query);
  } finally {
    await prom?.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
