// `npm run bench serve`: dashboard reads under load. The demo stack (Prometheus, workload, example SLOs)
// and two real companion processes on it: one serving SLO figures from memory (the default), one computing
// them per request (`limits.sloRefreshSeconds: 0`, how every request was answered before). Each gets the
// same load, 20 concurrent clients paced to 50 requests/s in total, one query per request, the query types
// in turn, and the table prints p50/p99 per query type for both and their ratio.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { demoCompanionConfig, freePort, startDemoStack } from '../src/stack/index.js';
import { spawnSupervised, waitReady } from '../src/stack/children.js';
import { DEMO_API_TOKEN } from '../src/config/schema.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const CLIENTS = 20;
const RATE = 50; // requests per second, all clients together
const SECONDS = Number(process.env.BENCH_SERVE_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_SERVE_WARMUP ?? 45);

type Query = { queryType: string } & Record<string, unknown>;

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Paced load: each client sends one request every CLIENTS/RATE seconds (never two at once). */
async function load(url: string, queries: Query[]): Promise<{ byType: Map<string, number[]>; errors: number; sent: number }> {
  const byType = new Map<string, number[]>();
  let errors = 0;
  let sent = 0;
  const interval = (CLIENTS / RATE) * 1000;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      let next = performance.now() + (c * interval) / CLIENTS;
      let k = c;
      while (next < end) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const q = queries[k++ % queries.length]!;
        const now = Date.now();
        const t0 = performance.now();
        sent++;
        try {
          const res = await fetch(`${url}/api/ds/query`, {
            method: 'POST',
            headers: { authorization: `Bearer ${DEMO_API_TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ range: { from: now - 3600_000, to: now }, maxDataPoints: 300, queries: [{ refId: 'A', ...q }] }),
          });
          const body = (await res.json()) as { results?: { A?: { error?: string } } };
          if (!res.ok || body.results?.A?.error) errors++;
        } catch {
          errors++;
        }
        const ms = performance.now() - t0;
        const list = byType.get(q.queryType) ?? [];
        list.push(ms);
        byType.set(q.queryType, list);
        next += interval;
      }
    }),
  );
  return { byType, errors, sent };
}

export default async function (): Promise<void> {
  const stack = await startDemoStack({ timeScale: 60 });
  const started: { stop(): Promise<void> }[] = [];
  try {
    const dir = join(stack.prometheus.dataDir, '..');
    const text = await readFile(join(repo, 'examples', 'slo', 'foresight.yml'), 'utf8');
    const companion = async (name: string, overrides: object): Promise<string> => {
      const port = await freePort();
      await mkdir(join(dir, name), { recursive: true });
      const configFile = join(dir, name, 'companion.yml');
      await writeFile(
        configFile,
        demoCompanionConfig({
          port,
          prometheusUrl: stack.prometheus.url,
          alertmanagerUrl: stack.alertmanager.url,
          rulesDir: stack.prometheus.rulesDir,
          alertmanagerConfigFile: stack.alertmanager.configFile,
          storeFile: join(dir, name, 'foresight.db'),
          overrides: { log: { level: 'warn' }, ...overrides },
        }),
      );
      const p = spawnSupervised({ name, cmd: process.execPath, args: [join(repo, 'backend', 'bin', 'foresight.mjs'), 'companion', '--config', configFile], cwd: repo });
      started.push({ stop: () => p.stop(5000) });
      const url = `http://127.0.0.1:${port}`;
      await waitReady(p, `${url}/healthz`, 60_000);
      const res = await fetch(`${url}/api/slo/apply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_API_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sources: [{ file: 'examples-foresight.yml', text }] }),
      });
      if (!res.ok) throw new Error(`${name}: applying the example SLOs failed: ${res.status} ${await res.text()}`);
      return url;
    };
    const cached = await companion('from-memory', {});
    const perRequest = await companion('per-request', { limits: { sloRefreshSeconds: 0 } });
    const slos = ((await (await fetch(`${cached}/api/slo`, { headers: { authorization: `Bearer ${DEMO_API_TOKEN}` } })).json()) as { slos: { id: string }[] }).slos.map((s) => s.id);
    process.stdout.write(`warming up ${WARMUP_SECONDS} s (recording rules, health baselines)…\n`);
    await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
    const queries: Query[] = [
      { queryType: 'sloStatus' },
      ...slos.map((slo) => ({ queryType: 'burnRates', slo })),
      ...slos.map((slo) => ({ queryType: 'sloStatus', slo })),
      { queryType: 'budgetHistory', slo: slos[0]! },
      { queryType: 'healthScore' },
      { queryType: 'anomalies' },
    ];
    // Per request first: the from-memory run then meets a Prometheus that has had longer to fill.
    const a = await load(perRequest, queries);
    const b = await load(cached, queries);
    process.stdout.write(`\n${CLIENTS} clients, ${RATE} req/s for ${SECONDS} s each; ${slos.length} SLOs; latency in ms\n\n`);
    process.stdout.write('| query type | n | per request p50 | per request p99 | from memory p50 | from memory p99 | p99 ratio |\n|---|---|---|---|---|---|---|\n');
    const all = (m: Map<string, number[]>) => [...m.values()].flat().sort((x, y) => x - y);
    for (const type of [...new Set(queries.map((q) => q.queryType))]) {
      const x = (a.byType.get(type) ?? []).sort((p, q) => p - q);
      const y = (b.byType.get(type) ?? []).sort((p, q) => p - q);
      process.stdout.write(`| ${type} | ${y.length} | ${pct(x, 50).toFixed(1)} | ${pct(x, 99).toFixed(1)} | ${pct(y, 50).toFixed(1)} | ${pct(y, 99).toFixed(1)} | ${(pct(x, 99) / pct(y, 99)).toFixed(1)}× |\n`);
    }
    const ax = all(a.byType);
    const bx = all(b.byType);
    process.stdout.write(`| all | ${bx.length} | ${pct(ax, 50).toFixed(1)} | ${pct(ax, 99).toFixed(1)} | ${pct(bx, 50).toFixed(1)} | ${pct(bx, 99).toFixed(1)} | ${(pct(ax, 99) / pct(bx, 99)).toFixed(1)}× |\n`);
    process.stdout.write(`\nrequests sent: per request ${a.sent} (${a.errors} errors), from memory ${b.sent} (${b.errors} errors)\n`);
    // Context for the tails: a busy machine shows up here, not in the companion's own work.
    const lag = async (u: string): Promise<string> => {
      const m = /^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(await (await fetch(`${u}/metrics`)).text());
      return m ? `${(Number(m[1]) * 1000).toFixed(0)} ms` : 'n/a';
    };
    process.stdout.write(`machine: ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; companion event-loop lag p99: per request ${await lag(perRequest)}, from memory ${await lag(cached)}\n`);
  } finally {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await stack.stop();
  }
}
