// `npm run soak [-- --minutes N]` (default 10; loopback only; not part of `npm test`): the demo stack with its
// companion under mixed dashboard load, Alertmanager-style webhook bursts, and a Prometheus SIGKILL half way
// (the stack's supervision restarts it). Checks: no error except during the outage (503s and per-query
// errors while Prometheus is down), no lost incident (every incident a webhook opened can be read back),
// memory flat (the companion's RSS in the last fifth vs the second fifth), /healthz always answering.
// Prints the figures; exits 1 if a check fails.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startDemoStack } from '../src/stack/index.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'soak-token';
const { values } = parseArgs({ options: { minutes: { type: 'string', default: process.env.SOAK_MINUTES ?? '10' } } });
const minutes = Number(values.minutes);
if (!(minutes > 0 && minutes <= 120)) {
  process.stderr.write(`soak: --minutes must be in (0, 120]; got ${values.minutes}\n`);
  process.exit(2);
}
const durationMs = minutes * 60_000;
// Bounded: whatever happens, the soak ends.
setTimeout(() => {
  process.stderr.write('soak: overran its time budget; exiting\n');
  process.exit(1);
}, durationMs + 5 * 60_000).unref();

async function childPid(parent: number, match: (argv: string[]) => boolean): Promise<number | undefined> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== parent) continue;
      if (match((await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0'))) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

async function rssMb(pid: number): Promise<number> {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return NaN;
  }
}

const log = (line: string): void => void process.stdout.write(`[${new Date().toTimeString().slice(0, 8)}] ${line}\n`);

async function main(): Promise<number> {
  log(`soak: ${minutes} min; starting the demo stack`);
  const restarts: string[] = [];
  const stack = await startDemoStack({
    timeScale: 60,
    companionConfig: { auth: { token: TOKEN }, log: { level: 'warn' } },
    onRestart: (part, line) => {
      restarts.push(`${part}: ${line}`);
      log(`supervisor: ${part}: ${line}`);
    },
  });
  const url = stack.companion!.url;
  const h = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  try {
    const text = await readFile(join(repo, 'examples', 'slo', 'foresight.yml'), 'utf8');
    const applied = await fetch(`${url}/api/slo/apply`, { method: 'POST', headers: h, body: JSON.stringify({ sources: [{ file: 'examples-foresight.yml', text }] }) });
    if (!applied.ok) throw new Error(`applying the example SLOs failed: ${applied.status} ${await applied.text()}`);
    const slos = ((await (await fetch(`${url}/api/slo`, { headers: h })).json()) as { slos: { id: string }[] }).slos.map((s) => s.id);
    const companionPid = await childPid(process.pid, (a) => a.includes('companion'));
    if (!companionPid) throw new Error('companion process not found');

    const t0 = performance.now();
    const end = t0 + durationMs;
    // The outage: from the kill until Prometheus is ready again plus a minute for the companion's
    // background jobs and caches to catch up.
    let outage: { from: number; to: number } | undefined;
    const inOutage = (t: number): boolean => outage !== undefined && t >= outage.from && t <= outage.to;
    const stats = { requests: 0, ok: 0, outageErrors: 0, unexpected: [] as string[], healthMisses: 0, webhooks: 0, opened: [] as number[] };
    const rss: { t: number; mb: number }[] = [];

    const queries = [
      { queryType: 'sloStatus' },
      ...slos.map((slo) => ({ queryType: 'burnRates', slo })),
      ...slos.map((slo) => ({ queryType: 'budgetHistory', slo })),
      { queryType: 'healthScore' },
      { queryType: 'anomalies' },
    ];
    const dashboard = async (c: number): Promise<void> => {
      let k = c;
      while (performance.now() < end) {
        const q = queries[k++ % queries.length]!;
        const now = Date.now();
        const started = performance.now();
        stats.requests++;
        try {
          const r = await fetch(`${url}/api/ds/query`, {
            method: 'POST',
            headers: h,
            body: JSON.stringify({ range: { from: now - 3600_000, to: now }, maxDataPoints: 300, queries: [{ refId: 'A', ...q }] }),
            signal: AbortSignal.timeout(30_000),
          });
          const body = (await r.json()) as { results?: { A?: { error?: string } }; error?: string };
          const err = !r.ok ? `HTTP ${r.status} ${body.error ?? ''}` : body.results?.A?.error;
          if (!err) stats.ok++;
          else if (inOutage(started) && (r.status === 503 || r.ok)) stats.outageErrors++;
          else stats.unexpected.push(`${q.queryType}: ${err.slice(0, 160)}`);
        } catch (e) {
          if (inOutage(started)) stats.outageErrors++;
          else stats.unexpected.push(`${q.queryType}: ${(e as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 400)); // ~10 clients × 2.5/s
      }
    };
    let burst = 0;
    const webhooks = async (): Promise<void> => {
      while (performance.now() < end) {
        await new Promise((r) => setTimeout(r, 20_000));
        if (performance.now() >= end) break;
        burst++;
        const alerts = Array.from({ length: 40 }, (_, i) => ({
          status: 'firing',
          labels: { alertname: 'SoakBurst', service: `soak-${burst}-${i % 8}`, severity: 'warning' },
          annotations: { summary: 'soak' },
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: '',
          fingerprint: `soak-${burst}-${i}`,
        }));
        try {
          const r = await fetch(`${url}/api/alerting/webhook`, {
            method: 'POST',
            headers: h,
            body: JSON.stringify({ version: '4', groupKey: `soak-${burst}`, status: 'firing', receiver: 'foresight', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: '', alerts }),
          });
          const body = (await r.json()) as { opened?: number[]; error?: string };
          if (!r.ok) stats.unexpected.push(`webhook burst ${burst}: HTTP ${r.status} ${body.error ?? ''}`);
          else {
            stats.webhooks++;
            stats.opened.push(...(body.opened ?? []));
          }
        } catch (e) {
          stats.unexpected.push(`webhook burst ${burst}: ${(e as Error).message}`);
        }
      }
    };
    const watch = async (): Promise<void> => {
      let lastRss = 0;
      while (performance.now() < end) {
        try {
          const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
          if (!r.ok) stats.healthMisses++;
        } catch {
          stats.healthMisses++;
        }
        if (performance.now() - lastRss > 10_000) {
          lastRss = performance.now();
          rss.push({ t: lastRss - t0, mb: await rssMb(companionPid) });
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const chaos = async (): Promise<void> => {
      await new Promise((r) => setTimeout(r, durationMs * 0.45));
      const pid = await childPid(process.pid, (a) => a.some((x) => x.startsWith('--storage.tsdb.path')));
      if (!pid) return void stats.unexpected.push('prometheus process not found for the restart');
      log(`killing Prometheus (pid ${pid})`);
      outage = { from: performance.now(), to: Infinity };
      process.kill(pid, 'SIGKILL');
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        try {
          if ((await fetch(`${stack.prometheus.url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok) break;
        } catch {
          // still down
        }
      }
      outage.to = performance.now() + 60_000;
      log(`Prometheus is back after ${((performance.now() - outage.from) / 1000).toFixed(1)} s`);
    };
    await Promise.all([...Array.from({ length: 10 }, (_, c) => dashboard(c)), webhooks(), watch(), chaos()]);

    // No lost incident: each one a webhook opened can be read back.
    let lost = 0;
    for (const id of stats.opened) {
      const r = await fetch(`${url}/api/alerting/incidents/${id}`, { headers: h });
      if (!r.ok) lost++;
    }
    const fifth = (i: number): number[] => rss.filter((p) => p.t >= (durationMs * i) / 5 && p.t < (durationMs * (i + 1)) / 5).map((p) => p.mb);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const early = mean(fifth(1));
    const late = mean(fifth(4));
    const growth = (late - early) / early;
    const maxRss = Math.max(...rss.map((p) => p.mb));

    process.stdout.write(`\n| figure | value |\n|---|---|\n`);
    const row = (k: string, v: string | number): void => void process.stdout.write(`| ${k} | ${v} |\n`);
    row('duration', `${minutes} min`);
    row('dashboard requests', stats.requests);
    row('answered without error', stats.ok);
    row('errors during the Prometheus outage (expected)', stats.outageErrors);
    row('unexpected errors', stats.unexpected.length);
    row('webhook bursts accepted (40 alerts each)', stats.webhooks);
    row('incidents opened / lost', `${stats.opened.length} / ${lost}`);
    row('/healthz misses (> 1 s or non-200)', stats.healthMisses);
    row('Prometheus outage', outage ? `${((Math.min(outage.to - 60_000, performance.now()) - outage.from) / 1000).toFixed(1)} s` : 'none');
    row('supervisor restarts', restarts.length);
    row('companion RSS 2nd fifth → last fifth (mean)', `${early.toFixed(0)} MB → ${late.toFixed(0)} MB (${(growth * 100).toFixed(1)}%)`);
    row('companion RSS max', `${maxRss.toFixed(0)} MB`);
    for (const u of stats.unexpected.slice(0, 10)) process.stdout.write(`unexpected: ${u}\n`);
    const failed = [
      stats.unexpected.length > 0 && 'unexpected errors',
      lost > 0 && 'lost incidents',
      stats.healthMisses > 0 && '/healthz misses',
      !(growth < 0.25) && 'memory grew by 25% or more',
      !outage && 'no Prometheus restart happened',
    ].filter(Boolean);
    process.stdout.write(failed.length ? `\nsoak FAILED: ${failed.join(', ')}\n` : '\nsoak passed\n');
    return failed.length ? 1 : 0;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
