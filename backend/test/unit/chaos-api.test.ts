// /api/chaos through the whole app (auth, JSON errors): validation, a refused plan injects nothing, a run
// refused on an unreachable Prometheus is stored with its audit trail and reported; CLI validate.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config/index.js';
import { createApp } from '../../src/http/app.js';
import { openStore } from '../../src/store/db.js';
import { PromClient } from '../../src/prom/client.js';
import { freePort } from '../../src/stack/index.js';
import { chaosRouter, chaosServiceFor } from '../../src/api/chaos.js';
import { alertingServicesFor } from '../../src/api/alerting.js';
import type { AppContext } from '../../src/context.js';
import { run as cli } from '../../src/cli/commands/chaos.js';

// A workload stand-in that counts fault injections: nothing may reach it from a refused plan.
let injections = 0;
let ended = 0;
const workload: Server = createServer((req, res) => {
  if (req.method === 'POST') injections++;
  if (req.method === 'DELETE') ended++;
  const end = new Date(ended >= injections ? Date.now() - 1000 : Date.now() + 600_000).toISOString();
  const status = req.method === 'POST' ? 201 : 200;
  res.writeHead(status, { 'content-type': 'application/json' }).end(req.method === 'GET' ? JSON.stringify([{ id: 'x', end }]) : '{"id":"x"}');
});
await new Promise<void>((r) => workload.listen(0, '127.0.0.1', () => r()));
const wl = `http://127.0.0.1:${(workload.address() as AddressInfo).port}`;

const config = loadConfig(undefined, { FORESIGHT_PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}`, FORESIGHT_API_TOKEN: 'tok', FORESIGHT_ALERTMANAGER_URL: 'none' });
const store = openStore(':memory:');
const registry = new Registry();
const ctx: AppContext = { config, prom: new PromClient({ url: config.prometheus.url, retries: 0, timeoutMs: 1000 }), store, log: pino({ level: 'silent' }), registry };
const server = createServer(createApp(ctx, { chaos: chaosRouter(ctx) }));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const dir = await mkdtemp(join(tmpdir(), 'fs-chaos-api-'));
after(async () => {
  await chaosServiceFor(ctx).stop();
  alertingServicesFor(ctx).stop();
  server.closeAllConnections();
  workload.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => workload.close(r));
  store.close();
  await rm(dir, { recursive: true, force: true });
});

const plan = (type: string) => `version: foresight/chaos-v1
name: api
guards: { blastRadius: { targets: [payments] } }
experiments:
  - name: e1
    target: payments
    steadyState: { probes: [{ name: up, query: 'up', tolerance: { min: 1 } }] }
    method:
      - action: { kind: demo-fault, url: '${wl}', type: ${type}, service: payments, durationSeconds: 60 }
        rollback: { kind: demo-fault-end }
    expect: { recovery: { within: 5s } }
`;
const post = (path: string, body: unknown, token = 'tok') =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: 'Bearer tok' } });

test('validate and run refuse bad plans with file/experiment/field errors and inject nothing', async () => {
  assert.equal((await post('/api/chaos/validate', { text: plan('error_burst') }, 'wrong')).status, 401);
  let r = await post('/api/chaos/validate', { text: plan('cpu_melt'), file: 'gd.yml' });
  assert.equal(r.status, 200);
  const v = (await r.json()) as { valid: boolean; errors: string[] };
  assert.equal(v.valid, false);
  assert.match(v.errors[0]!, /^gd\.yml: experiments\[0\] \(e1\)\.method\[0\]\.action\.type: unknown fault type 'cpu_melt'/);
  r = await post('/api/chaos/runs', { text: plan('cpu_melt'), file: 'gd.yml' });
  assert.equal(r.status, 422);
  assert.match(((await r.json()) as { error: string }).error, /plan refused: gd\.yml: experiments\[0\] \(e1\)/);
  r = await post('/api/chaos/runs', {});
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as { error: string }).error, /body\.text: the plan as YAML or JSON text is required/);
  assert.equal((await get('/api/chaos/runs/999')).status, 404);
  assert.equal(injections, 0);
});

test('a run on an unhealthy (unreachable) system is refused before injection, stored, audited and reported', async () => {
  const r = await post('/api/chaos/runs', { text: plan('error_burst'), file: 'gd.yml' });
  assert.equal(r.status, 202);
  const { id } = (await r.json()) as { id: number };
  const run = await chaosServiceFor(ctx).settled(id);
  assert.equal(run!.status, 'done');
  assert.equal(run!.outcome, 'refused');
  const detail = (await (await get(`/api/chaos/runs/${id}`)).json()) as { events: { step: string; ok: boolean; message: string }[]; experiments: { judgement: { summary: string } }[] };
  assert.deepEqual(detail.events.map((e) => [e.step, e.ok]), [['preflight', true], ['steady-before', false], ['verdict', false]]);
  assert.match(detail.experiments[0]!.judgement.summary, /refused before injection: system not in steady state: probe up: query failed/);
  assert.equal(injections, 0);
  const md = await (await get(`/api/chaos/runs/${id}/report?format=md`)).text();
  assert.match(md, /^# Game day: api \(run \d+\)/);
  assert.match(md, /\| recovery \| steady state back within 5 s of the rollback \| refused: system not in steady state/);
  const html = await get(`/api/chaos/runs/${id}/report?format=html`);
  assert.match(html.headers.get('content-type')!, /text\/html/);
  assert.equal((await get(`/api/chaos/runs/${id}/report?format=pdf`)).status, 400);
  assert.equal((await post(`/api/chaos/runs/${id}/approve`, { by: 'me' })).status, 409);
  assert.match(await registry.metrics(), /foresight_chaos_runs_total\{outcome="refused"\} 1/);
});

test('foresight chaos validate exits 0 on a good plan and 1 naming the field on a bad one', async () => {
  await writeFile(join(dir, 'good.yml'), plan('latency_spike'));
  await writeFile(join(dir, 'bad.yml'), plan('latency_spike').replace('rollback: { kind: demo-fault-end }', 'pauseAfter: 1s'));
  const chunks: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  const origOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((s: string) => (chunks.push(s), true)) as typeof process.stderr.write;
  process.stdout.write = ((s: string) => (chunks.push(s), true)) as typeof process.stdout.write;
  try {
    assert.equal(await cli(['validate', join(dir, 'good.yml')]), 0);
    assert.equal(await cli(['validate', join(dir, 'bad.yml')]), 1);
  } finally {
    process.stderr.write = orig;
    process.stdout.write = origOut;
  }
  const out = chunks.join('');
  assert.match(out, /good\.yml: valid \(foresight\): e1 → payments/);
  // run: started in the companion, followed, the report written; exit 1 as the experiment was refused.
  assert.equal(await cli(['run', join(dir, 'good.yml'), '--companion', base, '--token', 'tok', '--output', join(dir, 'report.md')]), 1);
  const { readFile } = await import('node:fs/promises');
  assert.match(await readFile(join(dir, 'report.md'), 'utf8'), /^# Game day: api \(run \d+\)[\s\S]*⛔ refused/);
  assert.match(out, /error: .*bad\.yml: experiments\[0\] \(e1\)\.method\[0\]\.rollback: missing/);
});

test('approval holds the run (and its target lock) until approved; a second run on the target is refused as busy', async () => {
  const approvalPlan = `version: foresight/chaos-v1
name: gated
guards: { blastRadius: { targets: [payments] }, approval: true }
experiments:
  - name: gated-burst
    target: payments
    method:
      - action: { kind: demo-fault, url: '${wl}', type: error_burst, service: payments, durationSeconds: 60 }
        rollback: { kind: demo-fault-end }
`;
  const before = injections;
  const a = (await (await post('/api/chaos/runs', { text: approvalPlan, by: 'alice' })).json()) as { id: number; warnings: string[] };
  assert.match(a.warnings.join('\n'), /steadyState: empty/);
  const waiting = async () => ((await (await get(`/api/chaos/runs/${a.id}`)).json()) as { status: string; trigger: string });
  for (let i = 0; i < 200 && (await waiting()).status !== 'awaiting_approval'; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal((await waiting()).status, 'awaiting_approval');
  assert.equal((await waiting()).trigger, 'api (alice)');
  assert.equal(injections, before, 'nothing injected before approval');

  const b = (await (await post('/api/chaos/runs', { text: approvalPlan.replace('approval: true', 'approval: false') })).json()) as { id: number };
  const rb = await chaosServiceFor(ctx).settled(b.id);
  assert.equal(rb!.outcome, 'refused');
  assert.match(rb!.experiments[0]!.judgement.summary, new RegExp(`target payments is busy with run ${a.id}`));

  const ok = await post(`/api/chaos/runs/${a.id}/approve`, { by: 'bob' });
  assert.equal(ok.status, 200);
  const ra = await chaosServiceFor(ctx).settled(a.id);
  assert.equal(ra!.outcome, 'passed', ra!.experiments[0]!.judgement.summary);
  assert.equal(injections, before + 1);
  const steps = ((await (await get(`/api/chaos/runs/${a.id}`)).json()) as { events: { step: string; ok: boolean; message: string }[] }).events;
  assert.ok(steps.some((e) => e.step === 'approval' && e.message === 'approved by bob'));
  assert.ok(steps.some((e) => e.step === 'rollback' && e.ok && /fault x is over/.test(e.message)));
});
