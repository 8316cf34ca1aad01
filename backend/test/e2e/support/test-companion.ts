// TEST-ONLY companion wiring for the plugin e2e: the real datasource router (src/api/datasource.ts) with
// small providers computed from the real Prometheus fed by the demo workload. It stands in until the
// lead wires the real providers (SLO, health, forecast, anomaly, RCA) into the companion; the e2e
// then runs against `startDemoStack({ withCompanion: true })` unchanged apart from this file.
import express from 'express';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { linearRegression } from 'simple-statistics';
import {
  anomaliesFrame,
  budgetHistoryFrame,
  burnRateFrame,
  forecastFrame,
  gradeFor,
  healthScoreFrames,
  rootCauseFrames,
  sloStatusFrames,
  type Anomaly,
  type HealthScore,
  type SloStatus,
} from '@foresight/contract';
import { datasourceRouter, type DatasourceProviders } from '../../../src/api/datasource.js';
import { sloRouter } from '../../../src/api/slo.js';
import type { AppContext } from '../../../src/context.js';
import { PromClient } from '../../../src/prom/client.js';
import { openStore } from '../../../src/store/db.js';

interface Series {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

async function prom(url: string, path: string, params: Record<string, string>): Promise<Series[]> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: {
      resultType: string;
      result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }>;
    };
  };
  if (body.status !== 'success') throw new Error(`prometheus ${path} ${params.query}: ${body.error}`);
  return body.data.result.map((r) => ({
    labels: r.metric,
    points: (r.values ?? (r.value ? [r.value] : [])).map(([t, v]) => [t * 1000, Number(v)] as [number, number]),
  }));
}
const instant = (u: string, q: string) => prom(u, '/api/v1/query', { query: q });
const range = (u: string, q: string, from: number, to: number, step: number) =>
  prom(u, '/api/v1/query_range', { query: q, start: String(from / 1000), end: String(to / 1000), step: String(step) });
const val = (s: Series[], label: string, v: string) => s.find((x) => x.labels[label] === v)?.points.at(-1)?.[1] ?? null;

export const TEST_SLOS = [
  { id: 'checkout-availability', service: 'checkout', name: 'Checkout availability', objective: 0.99 },
  { id: 'frontend-availability', service: 'frontend', name: 'Frontend availability', objective: 0.995 },
];
const WINDOWS = [
  { window: '1m', threshold: 14.4 },
  { window: '5m', threshold: 6 },
];
const errRatio = (svc: string, w: string) =>
  `sum(rate(demo_http_requests_total{service="${svc}",code=~"5.."}[${w}])) / sum(rate(demo_http_requests_total{service="${svc}"}[${w}]))`;

function providers(promUrl: string): Partial<DatasourceProviders> {
  return {
    async options(kind) {
      if (kind === 'slos') return TEST_SLOS.map((s) => ({ value: s.id, text: s.name }));
      if (kind === 'targets') return [{ value: 'db-disk', text: 'db disk usage' }];
      const up = await instant(promUrl, 'demo_up');
      return [...new Set(up.map((s) => s.labels.service ?? ''))]
        .filter(Boolean)
        .sort()
        .map((v) => ({ value: v }));
    },
    async sloStatus(q) {
      const list: SloStatus[] = [];
      for (const s of TEST_SLOS.filter((x) => (!q.slo || x.id === q.slo) && (!q.service || x.service === q.service))) {
        const bad = (await instant(promUrl, `(${errRatio(s.service, '10m')}) or vector(0)`))[0]?.points[0]?.[1] ?? 0;
        const budget = 1 - bad / (1 - s.objective);
        const burnRates = [];
        for (const w of WINDOWS) {
          const r = (await instant(promUrl, `(${errRatio(s.service, w.window)}) or vector(0)`))[0]?.points[0]?.[1] ?? 0;
          burnRates.push({ window: w.window, rate: r / (1 - s.objective), threshold: w.threshold });
        }
        const burn = burnRates[1]!.rate;
        list.push({
          ...s,
          sli: 1 - bad,
          budgetRemaining: budget,
          burnRates,
          secondsToExhaustion: burn > 0 && budget > 0 ? (budget * 30 * 86400) / burn : null,
          window: '30d',
        });
      }
      return sloStatusFrames(list);
    },
    async budgetHistory(q, r) {
      const s = TEST_SLOS.find((x) => x.id === q.slo);
      if (!s) throw new Error(`unknown SLO '${q.slo}'`);
      const series = await range(
        promUrl,
        `1 - ((${errRatio(s.service, '10m')}) or vector(0)) / ${1 - s.objective}`,
        r.from,
        r.to,
        Math.max(1, Math.ceil((r.to - r.from) / 1000 / 200))
      );
      return [
        budgetHistoryFrame(
          s.id,
          (series[0]?.points ?? []).map(([time, v]) => ({ time, budgetRemaining: v }))
        ),
      ];
    },
    async burnRates(q) {
      const s = TEST_SLOS.find((x) => x.id === q.slo);
      if (!s) throw new Error(`unknown SLO '${q.slo}'`);
      const rows = [];
      for (const w of WINDOWS)
        rows.push({
          slo: s.id,
          window: w.window,
          rate:
            ((await instant(promUrl, `(${errRatio(s.service, w.window)}) or vector(0)`))[0]?.points[0]?.[1] ?? 0) /
            (1 - s.objective),
          threshold: w.threshold,
        });
      return [burnRateFrame(rows)];
    },
    async healthScore(q, r) {
      const [up, err, mem] = await Promise.all([
        instant(promUrl, 'avg_over_time(demo_up[5m])'),
        instant(
          promUrl,
          'sum by (service) (rate(demo_http_requests_total{code=~"5.."}[2m])) / sum by (service) (rate(demo_http_requests_total[2m]))'
        ),
        instant(promUrl, 'demo_memory_usage_bytes / demo_memory_limit_bytes'),
      ]);
      const hist = await range(
        promUrl,
        '100 * (1 - 5 * (sum by (service) (rate(demo_http_requests_total{code=~"5.."}[1m])) / sum by (service) (rate(demo_http_requests_total[1m]))))',
        r.from,
        r.to,
        Math.max(1, Math.ceil((r.to - r.from) / 1000 / 100))
      );
      const list: HealthScore[] = up
        .map((u) => u.labels.service ?? '')
        .filter((c) => c && (!q.component || c === q.component))
        .map((c) => {
          const categories = [
            { name: 'uptime', weight: 0.4, score: Math.round((val(up, 'service', c) ?? 0) * 100) },
            {
              name: 'errors',
              weight: 0.4,
              score:
                val(err, 'service', c) === null
                  ? null
                  : Math.max(0, Math.round(100 * (1 - 5 * val(err, 'service', c)!))),
            },
            {
              name: 'resources',
              weight: 0.2,
              score:
                val(mem, 'service', c) === null ? null : Math.max(0, Math.round(100 * (1 - val(mem, 'service', c)!))),
            },
          ];
          const known = categories.filter((x) => x.score !== null);
          const score =
            known.reduce((a, x) => a + x.weight * x.score!, 0) / (known.reduce((a, x) => a + x.weight, 0) || 1);
          const history = (hist.find((h) => h.labels.service === c)?.points ?? []).map(([time, v]) => ({
            time,
            score: Math.max(0, Math.min(100, v)),
          }));
          return {
            component: c,
            score,
            grade: gradeFor(score),
            trend: history.length > 1 ? history.at(-1)!.score - history[0]!.score : 0,
            categories,
            history,
          };
        });
      return healthScoreFrames(list);
    },
    async forecast(q, r) {
      if (q.target !== 'db-disk') throw new Error(`unknown capacity target '${q.target}'`);
      // The demo stack is minutes old: fit the last 30 minutes at most, at a fine step.
      const from = Math.max(r.from, r.to - 30 * 60_000);
      const [usage] = await range(
        promUrl,
        'demo_disk_usage_bytes{service="db"}',
        from,
        r.to,
        Math.max(1, Math.ceil((r.to - from) / 1000 / 600))
      );
      const cap = (await instant(promUrl, 'demo_disk_capacity_bytes{service="db"}'))[0]?.points[0]?.[1] ?? null;
      const pts = usage?.points ?? [];
      if (pts.length < 3) return [];
      const { m, b } = linearRegression(pts.map(([t, v]) => [t, v]));
      const resid =
        Math.sqrt(pts.reduce((a, [t, v]) => a + (v - (m * t + b)) ** 2, 0) / pts.length) ||
        Math.abs(pts.at(-1)![1]) * 0.01;
      const last = pts.at(-1)![0];
      const lastV = pts.at(-1)![1];
      const horizon = Math.max(60_000, last - pts[0]![0]);
      const future = Array.from({ length: 60 }, (_, i) => last + ((i + 1) * horizon) / 60);
      const ts = [...pts.map((p) => p[0]), ...future];
      const n = pts.length;
      // Uncertainty grows with the horizon (random-walk-like), floored so the bands stay visible on a clean trend.
      const spread = (i: number, z: number) =>
        z * (resid + 0.004 * Math.abs(lastV)) * Math.sqrt(Math.max(0, i - n + 1));
      const fc = ts.map((t, i) => (i >= n - 1 ? m * t + b : null));
      const threshold = cap === null ? null : cap * 0.9;
      const crossing = threshold === null ? null : (ts.find((t, i) => i >= n && fc[i]! >= threshold) ?? null);
      return [
        forecastFrame({
          target: 'db-disk',
          series: '{service="db"}',
          unit: 'bytes',
          timestamps: ts,
          history: ts.map((_, i) => (i < n ? pts[i]![1] : null)),
          forecast: fc,
          lo80: fc.map((v, i) => (v === null ? null : v - spread(i, 1.28))),
          hi80: fc.map((v, i) => (v === null ? null : v + spread(i, 1.28))),
          lo95: fc.map((v, i) => (v === null ? null : v - spread(i, 1.96))),
          hi95: fc.map((v, i) => (v === null ? null : v + spread(i, 1.96))),
          threshold,
          crossingTime: crossing,
          headroom: threshold === null ? null : 1 - lastV / threshold,
          recommendation:
            crossing === null
              ? 'Disk growth stays under the threshold over the horizon: no action needed.'
              : `Disk on db crosses 90% of capacity at ${new Date(crossing).toISOString()}: grow the volume or prune data before then.`,
        }),
      ];
    },
    async anomalies(q, r) {
      const [series] = [
        await range(
          promUrl,
          'sum by (service) (rate(demo_http_requests_total{code=~"5.."}[1m]))',
          r.from,
          r.to,
          Math.max(1, Math.ceil((r.to - r.from) / 1000 / 200))
        ),
      ];
      const out: Anomaly[] = [];
      for (const s of series) {
        const vs = s.points.map((p) => p[1]);
        const mean = vs.reduce((a, v) => a + v, 0) / (vs.length || 1);
        const sd = Math.sqrt(vs.reduce((a, v) => a + (v - mean) ** 2, 0) / (vs.length || 1)) || 1e-9;
        const top = s.points.map(([time, v]) => ({ time, v, z: (v - mean) / sd })).sort((a, b) => b.z - a.z)[0];
        if (top && top.z >= (q.minScore ?? 3))
          out.push({
            time: top.time,
            target: 'error rate',
            series: `rate(demo_http_requests_total{service="${s.labels.service}",code=~"5.."}[1m])`,
            score: top.z,
            value: top.v,
            expected: mean,
          });
      }
      return [anomaliesFrame(out)];
    },
    async rootCause() {
      // Services whose 5xx ratio is above 1%, the earliest to turn first (the cause precedes its symptoms).
      const now = Date.now();
      const ratio =
        'sum by (service) (rate(demo_http_requests_total{code=~"5.."}[30s])) / sum by (service) (rate(demo_http_requests_total[30s]))';
      const series = await range(promUrl, ratio, now - 5 * 60_000, now, 1);
      const ranked = series
        .map((s) => {
          const onset = s.points.find(([, v]) => v > 0.01)?.[0] ?? null;
          const peak = Math.max(0, ...s.points.map(([, v]) => v).filter(Number.isFinite));
          const svc = s.labels.service ?? '?';
          return {
            component: svc,
            metric: 'demo_http_requests_total',
            onset,
            peak,
            evidence: `5xx ratio above 1% since onset, peak ${(peak * 100).toFixed(1)}%`,
            series: `sum(rate(demo_http_requests_total{service="${svc}",code=~"5.."}[1m])) / sum(rate(demo_http_requests_total{service="${svc}"}[1m]))`,
          };
        })
        .filter((c) => c.onset !== null && c.peak > 0.01)
        .sort((a, b) => a.onset! - b.onset! || b.peak - a.peak);
      const candidates = ranked.map(({ peak: _p, ...c }, i) => ({
        ...c,
        score: Math.round((1 / (1 + i * 0.6)) * 100) / 100,
      }));
      return rootCauseFrames({
        incident: 'e2e',
        candidates,
        timeline: candidates.map((c) => ({ time: c.onset!, component: c.component, event: 'errors rose above 1%' })),
      });
    },
  };
}

/** Starts the test companion on a free loopback port, answering only requests with the right token. */
export async function startTestCompanion(o: {
  prometheusUrl: string;
  token: string;
}): Promise<{ url: string; stop(): Promise<void> }> {
  // The datasource router only reads ctx.log and hands ctx to providers (which here close over the
  // Prometheus URL); the real SLO router (for the SLO editor page) gets a real client and store.
  const store = openStore(':memory:');
  const ctx = {
    log: pino({ level: 'silent' }),
    prom: new PromClient({ url: o.prometheusUrl }),
    store,
    config: {},
  } as unknown as AppContext;
  const app = express();
  app.use((req, res, next) =>
    req.headers.authorization === `Bearer ${o.token}`
      ? next()
      : res.status(401).json({ error: 'missing or wrong API token' })
  );
  app.get('/api/info', (_req, res) => res.json({ name: 'foresight', version: 'e2e-test-companion' }));
  app.use('/api/ds', datasourceRouter(ctx, providers(o.prometheusUrl)));
  app.use('/api/slo', sloRouter(ctx));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))),
  };
}
