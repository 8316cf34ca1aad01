// Issue 12 findings 3–5, reproduced against the real companion (its own process, the demo stack's
// Prometheus and workload, the example SLOs applied): each abusive request of the report gets a 4xx naming
// the limit (or is clamped and answered in bounded time), the companion's RSS stays under 500 MB and
// /healthz keeps answering within 1 s while it runs, and a cancelled request stops its Prometheus work.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoStack, type DemoStack } from '../../src/stack/index.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const TOKEN = 'abuse-test-token';
let stack: DemoStack | undefined;
let dir = '';
let url = '';
let pid = 0;
let sloIds: string[] = [];

const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };

async function companionPid(): Promise<number> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0');
      if (cmd.includes('companion') && cmd.some((a) => a.startsWith(dir))) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error('companion process not found');
}

async function rssMb(): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/**
 * Runs `fn` while polling /healthz (each poll must answer within 1 s) and sampling the companion's RSS.
 * Polls rather than asserting a duration, so a busy machine slows the test, not fails it.
 */
async function underWatch<T>(fn: () => Promise<T>): Promise<{ value: T; healthMisses: string[]; maxRssMb: number }> {
  let done = false;
  const healthMisses: string[] = [];
  let maxRssMb = await rssMb();
  const watcher = (async () => {
    while (!done) {
      const t0 = Date.now();
      try {
        const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (!r.ok) healthMisses.push(`HTTP ${r.status}`);
      } catch (err) {
        healthMisses.push(`${(err as Error).message} after ${Date.now() - t0} ms`);
      }
      maxRssMb = Math.max(maxRssMb, await rssMb());
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  try {
    return { value: await fn(), healthMisses, maxRssMb };
  } finally {
    done = true;
    await watcher;
  }
}

function assertHealthy(w: { healthMisses: string[]; maxRssMb: number }): void {
  assert.deepEqual(w.healthMisses, [], '/healthz missed its 1 s while the request ran');
  assert.ok(w.maxRssMb < 500, `companion RSS reached ${w.maxRssMb.toFixed(0)} MB`);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'foresight-abuse-'));
  stack = await startDemoStack({
    dir,
    timeScale: 60,
    companionConfig: { auth: { token: TOKEN }, limits: { investigationSeconds: 10, prometheus: { concurrency: 4, queue: 200 } } },
  });
  url = stack.companion!.url;
  pid = await companionPid();
  const text = await readFile(join(repo, 'examples', 'slo', 'foresight.yml'), 'utf8');
  const applied = await fetch(`${url}/api/slo/apply`, { method: 'POST', headers: json, body: JSON.stringify({ sources: [{ file: 'examples-foresight.yml', text }] }) });
  assert.equal(applied.status, 200, await applied.text());
  sloIds = ((await (await fetch(`${url}/api/slo`, { headers: auth })).json()) as { slos: { id: string }[] }).slos.map((s) => s.id);
  assert.ok(sloIds.length > 0);
});

after(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const now = Date.now();
const dsQuery = (queries: object[], range = { from: now - 3600_000, to: now }, maxDataPoints?: number): Promise<Response> =>
  fetch(`${url}/api/ds/query`, { method: 'POST', headers: json, body: JSON.stringify({ range, maxDataPoints, queries }) });

test('finding 3: 1,000 sloStatus queries in one request are refused naming the limit; 50 are answered', async () => {
  const w = await underWatch(async () => {
    const big = await dsQuery(Array.from({ length: 1000 }, (_, i) => ({ refId: `q${i}`, queryType: 'sloStatus' })));
    const bigBody = (await big.json()) as { error: string };
    const fifty = await dsQuery(Array.from({ length: 50 }, (_, i) => ({ refId: `q${i}`, queryType: 'sloStatus', slo: sloIds[i % sloIds.length] })));
    return { big: big.status, bigBody, fifty: fifty.status, fiftyBody: (await fifty.json()) as { results: object } };
  });
  assert.equal(w.value.big, 422);
  assert.match(w.value.bigBody.error, /1000 queries .*limits\.queriesPerRequest \(50\)/);
  assert.equal(w.value.fifty, 200);
  assert.equal(Object.keys(w.value.fiftyBody.results).length, 50);
  assertHealthy(w);
});

test('finding 4: a 100-year investigation is refused; maxDataPoints 1e9 is clamped and answered', async () => {
  const t = Math.floor(now / 1000);
  const w = await underWatch(async () => {
    const inv = await fetch(`${url}/api/rca/investigations`, { method: 'POST', headers: json, body: JSON.stringify({ incidentTime: t, from: t - 100 * 365 * 86400, to: t }) });
    const invBody = (await inv.json()) as { error: string };
    const hist = await dsQuery([{ refId: 'A', queryType: 'budgetHistory', slo: sloIds[0] }], { from: now - 30 * 86400_000, to: now }, 1e9);
    const old = await dsQuery([{ refId: 'A', queryType: 'sloStatus' }], { from: now - 100 * 365 * 86400_000, to: now });
    return { inv: inv.status, invBody, hist: hist.status, histText: await hist.text(), old: old.status, oldBody: (await old.json()) as { error: string } };
  });
  assert.equal(w.value.inv, 422);
  assert.match(w.value.invBody.error, /limits\.investigationWindowHours/);
  assert.equal(w.value.hist, 200, w.value.histText);
  assert.equal(w.value.old, 422);
  assert.match(w.value.oldBody.error, /limits\.lookbackDays/);
  assertHealthy(w);
});

async function gauge(name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

test('a client that goes away cancels its Prometheus work: the queue it filled drains', async (t) => {
  const ctrl = new AbortController();
  // 50 wide budget histories (the most one request may ask for): far more Prometheus work than 4 slots.
  const req = fetch(`${url}/api/ds/query`, {
    method: 'POST',
    headers: json,
    signal: ctrl.signal,
    body: JSON.stringify({
      range: { from: now - 90 * 86400_000, to: now },
      maxDataPoints: 11000,
      queries: Array.from({ length: 50 }, (_, i) => ({ refId: `h${i}`, queryType: 'budgetHistory', slo: sloIds[i % sloIds.length] })),
    }),
  }).catch(() => undefined);
  const deadline = Date.now() + 30_000;
  let queued = 0;
  while (Date.now() < deadline && queued < 10) {
    queued = await gauge('foresight_prometheus_queued');
    await new Promise((r) => setTimeout(r, 50));
  }
  ctrl.abort();
  await req;
  t.diagnostic(`queued when the client left: ${queued}`);
  if (queued < 10) return void assert.ok(true, 'the request finished before it queued enough to tell (machine fast); nothing to cancel');
  let after = queued;
  while (Date.now() < deadline + 30_000 && after > 2) {
    after = await gauge('foresight_prometheus_queued');
    await new Promise((r) => setTimeout(r, 100));
  }
  t.diagnostic(`queued after: ${after}`);
  assert.ok(after <= 2, `the queue stayed at ${after} after the client went away (was ${queued})`);
});

test('finding 5: limits that hold: body size per route, webhook caps, YAML alias bomb, audit actor', async () => {
  const w = await underWatch(async () => {
    const out: Record<string, number | string> = {};
    // 3 MB to the datasource route, whose limit is 1 MB.
    const pad = 'x'.repeat(3 * 1024 * 1024);
    out.bigQuery = (await fetch(`${url}/api/ds/query`, { method: 'POST', headers: json, body: JSON.stringify({ range: { from: 0, to: 1 }, queries: [{ refId: 'A', queryType: 'sloStatus', service: pad }] }) })).status;
    const alert = (i: number, labels: Record<string, string> = {}) => ({
      status: 'firing',
      labels: { alertname: 'Abuse', service: `svc-${i}`, severity: 'critical', ...labels },
      annotations: {},
      startsAt: new Date(now).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint: `abuse-${i}-${Object.keys(labels).length}`,
    });
    const payload = (alerts: object[]) => ({ version: '4', groupKey: `{}:{alertname="Abuse"}-${alerts.length}`, status: 'firing', receiver: 'foresight', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: '', alerts });
    const incidents = async () => ((await (await fetch(`${url}/api/alerting/incidents?limit=1000`, { headers: auth })).json()) as unknown[]).length;
    const before = await incidents();
    const many = await fetch(`${url}/api/alerting/webhook`, { method: 'POST', headers: json, body: JSON.stringify(payload(Array.from({ length: 3000 }, (_, i) => alert(i)))) });
    out.manyAlerts = many.status;
    out.manyAlertsError = ((await many.json()) as { error: string }).error;
    const labels = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`l${i}`, 'v']));
    out.manyLabels = (await fetch(`${url}/api/alerting/webhook`, { method: 'POST', headers: json, body: JSON.stringify(payload([alert(1, labels)])) })).status;
    out.longLabel = (await fetch(`${url}/api/alerting/webhook`, { method: 'POST', headers: json, body: JSON.stringify(payload([alert(2, { note: 'y'.repeat(10_000) })])) })).status;
    out.incidentsAdded = (await incidents()) - before;
    // A YAML alias bomb (a billion laughs) to the SLO validator.
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`)].join('\n');
    const y = await fetch(`${url}/api/slo/validate`, { method: 'POST', headers: { ...auth, 'content-type': 'application/yaml' }, body: bomb });
    out.aliasBomb = y.status;
    out.aliasBombError = ((await y.json()) as { error: string }).error;
    // The audit actor: the authenticated identity, never a body field or a free header.
    const ok = await fetch(`${url}/api/alerting/webhook`, { method: 'POST', headers: json, body: JSON.stringify(payload([alert(9000)])) });
    const opened = ((await ok.json()) as { opened: number[] }).opened;
    out.opened = opened.length;
    const ack = await fetch(`${url}/api/alerting/incidents/${opened[0]}/ack`, { method: 'POST', headers: { ...json, 'x-foresight-user': 'mallory' }, body: JSON.stringify({ by: 'mallory' }) });
    out.ackedBy = ((await ack.json()) as { acknowledgedBy: string }).acknowledgedBy;
    const res = await fetch(`${url}/api/alerting/incidents/${opened[0]}/resolve`, { method: 'POST', headers: { ...json, 'x-grafana-user': 'alice' }, body: '{}' });
    out.resolvedBy = ((await res.json()) as { resolvedBy: string }).resolvedBy;
    return out;
  });
  const o = w.value;
  assert.equal(o.bigQuery, 413);
  assert.equal(o.manyAlerts, 413);
  assert.match(String(o.manyAlertsError), /limits\.webhook\.alertsPerPayload/);
  assert.equal(o.manyLabels, 422);
  assert.equal(o.longLabel, 422);
  assert.equal(o.incidentsAdded, 0, 'a refused payload opened incidents');
  assert.equal(o.aliasBomb, 400);
  assert.match(String(o.aliasBombError), /alias/i);
  assert.equal(o.opened, 1);
  assert.equal(o.ackedBy, 'api-token');
  assert.equal(o.resolvedBy, 'grafana:alice');
  assertHealthy(w);
});
