// Guarded remediation: each guardrail has a test that fails without it. The clock is injected and the
// executor is a controllable fake (except the last tests, which run a real allow-listed script).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/db.js';
import { mkdtemp, rm, symlink, writeFile, chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseAlertingConfig, type RemediationAction } from '../../src/alerting/config.js';
import { RemediationEngine, type RemediationEngineOptions } from '../../src/alerting/remediation/engine.js';
import type { ExecResult, Prepared } from '../../src/alerting/remediation/executor.js';
import type { AlertingStore } from '../../src/alerting/store.js';
import type { Store } from '../../src/store/db.js';

const memStore = (): AlertingStore => openStore(':memory:');

type ActionIn = Partial<Omit<RemediationAction, 'run'>> & { run?: RemediationAction['run'] | { kind: 'script'; script: string; args?: string[] } };
function setup(action: ActionIn = {}, rem: Record<string, unknown> = {}, opts: Partial<RemediationEngineOptions> = {}) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const calls: Prepared[] = [];
  const pending: ((r: ExecResult) => void)[] = [];
  let mode: 'ok' | 'fail' | 'hold' = 'ok';
  const cfg = parseAlertingConfig({
    remediation: {
      scriptDir: '/nonexistent',
      incidentCost: { critical: 1000 },
      ...rem,
      actions: [{ name: 'restart', match: ['alertname="HighErrors"'], run: { kind: 'http', url: 'http://127.0.0.1:9/restart/{service}' }, params: { service: { label: 'service', pattern: '[a-z]+' } }, cooldownSeconds: 0, mode: 'auto', ...action }],
    },
  });
  const engine = new RemediationEngine({
    config: cfg.remediation,
    store: memStore(),
    now: () => now,
    executor: (p) => {
      calls.push(p);
      if (mode === 'hold') return new Promise((res) => pending.push(res));
      return Promise.resolve({ ok: mode === 'ok', output: mode });
    },
    ...opts,
  });
  return {
    engine, calls, pending, cfg,
    clock: () => now,
    setMode: (m: typeof mode) => (mode = m),
    advance: (ms: number) => (now += ms),
  };
}
let fp = 0;
const alert = (service: string, extra: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({
  fingerprint: `f${++fp}`, labels: { alertname: 'HighErrors', service, ...extra }, annotations, generatorURL: 'http://prom:9090/graph?g0.expr=rate%28errors%5B5m%5D%29+%3E+1&g0.tab=1',
});

test('dry-run is the default: the action is audited, nothing is executed', async () => {
  const { engine, calls } = setup({ mode: undefined });
  const [d] = await engine.handleAlert(alert('cart'), 'critical');
  assert.equal(d!.outcome, 'dry_run');
  assert.match(d!.reason, /dry run: would POST http:\/\/127\.0\.0\.1:9\/restart\/cart/);
  assert.equal(calls.length, 0);
  assert.equal(engine.audit.list()[0]!.dryRun, true);
});

test('rate limit: the eleventh action in a minute is queued, and runs once the window moves', async () => {
  const { engine, calls, advance } = setup({}, { maxConcurrent: 50 });
  const targets = 'abcdefghijk'.split('').map((c) => `svc${c}`);
  const outcomes = [];
  for (const t of targets) outcomes.push((await engine.handleAlert(alert(t), 'critical'))[0]!.outcome);
  await engine.settle();
  assert.deepEqual(outcomes, [...Array(10).fill('executed'), 'queued']);
  assert.equal(calls.length, 10);
  advance(30_000);
  await engine.tick();
  assert.equal(calls.length, 10, 'still inside the minute');
  advance(30_001);
  await engine.tick();
  await engine.settle();
  assert.equal(calls.length, 11);
  assert.equal(engine.queued, 0);
});

test('concurrency: at most N run at once, the rest wait in the queue', async () => {
  const { engine, calls, pending, setMode } = setup({}, { maxConcurrent: 2 });
  setMode('hold');
  for (const t of ['a', 'b', 'c']) await engine.handleAlert(alert(t), 'critical');
  assert.equal(calls.length, 2);
  assert.equal(engine.queued, 1);
  pending[0]!({ ok: true, output: '' });
  await new Promise((r) => setImmediate(r));
  await engine.tick();
  assert.equal(calls.length, 3);
  assert.equal((calls[2] as { url: string }).url, 'http://127.0.0.1:9/restart/c');
});

test('lock: a target with a running action is not touched twice', async () => {
  const { engine, calls, setMode, pending } = setup({ cooldownSeconds: 0 });
  setMode('hold');
  assert.equal((await engine.handleAlert(alert('cart'), 'critical'))[0]!.outcome, 'executed');
  const second = (await engine.handleAlert(alert('cart'), 'critical'))[0]!;
  assert.equal(second.outcome, 'skipped');
  assert.match(second.reason, /target 'cart' is locked by running action 'restart'/);
  assert.equal(calls.length, 1);
  pending[0]!({ ok: true, output: '' });
  await engine.settle();
  assert.equal((await engine.handleAlert(alert('cart'), 'critical'))[0]!.outcome, 'executed', 'unlocked after it finished');
});

test('cooldown: a target acted on is left alone until its cooldown has passed', async () => {
  const { engine, calls, advance } = setup({ cooldownSeconds: 300 });
  await engine.handleAlert(alert('cart'), 'critical');
  await engine.settle();
  advance(299_000);
  const d = (await engine.handleAlert(alert('cart'), 'critical'))[0]!;
  assert.equal(d.outcome, 'skipped');
  assert.match(d.reason, /cooling down for another 1 s/);
  advance(1_000);
  assert.equal((await engine.handleAlert(alert('cart'), 'critical'))[0]!.outcome, 'executed');
  await engine.settle();
  assert.equal(calls.length, 2);
});

test('circuit breaker: K consecutive failures open it; it half-opens after the timeout; success closes it', async () => {
  const { engine, calls, setMode, advance } = setup({}, { breaker: { failures: 3, resetSeconds: 600 } });
  setMode('fail');
  for (const t of ['a', 'b', 'c']) {
    await engine.handleAlert(alert(t), 'critical');
    await engine.settle();
  }
  assert.equal(engine.breakerState('restart'), 'open');
  const d = (await engine.handleAlert(alert('d'), 'critical'))[0]!;
  assert.equal(d.outcome, 'skipped');
  assert.match(d.reason, /circuit breaker open for action 'restart' after 3 consecutive failures/);
  assert.equal(calls.length, 3);
  advance(600_000);
  assert.equal(engine.breakerState('restart'), 'half-open');
  setMode('ok');
  assert.equal((await engine.handleAlert(alert('e'), 'critical'))[0]!.outcome, 'executed');
  await engine.settle();
  assert.equal(engine.breakerState('restart'), 'closed');
});

test('risk/benefit: an action costing more than the incident is skipped', async () => {
  const { engine, calls } = setup({ cost: 5000 });
  const d = (await engine.handleAlert(alert('cart'), 'critical'))[0]!;
  assert.equal(d.outcome, 'skipped');
  assert.match(d.reason, /declared cost 5000 exceeds the estimated incident cost 1000/);
  // The alert itself may declare a higher cost.
  assert.equal((await engine.handleAlert(alert('cart', {}, { foresight_incident_cost: '10000' }), 'critical'))[0]!.outcome, 'executed');
  await engine.settle();
  assert.equal(calls.length, 1);
});

test('approval mode: nothing runs until an operator approves; the operator is recorded', async () => {
  const { engine, calls } = setup({ mode: 'approval' });
  const d = (await engine.handleAlert(alert('cart'), 'critical'))[0]!;
  assert.equal(d.outcome, 'awaiting_approval');
  assert.equal(calls.length, 0);
  assert.equal(engine.pendingApprovals().length, 1);
  const ok = await engine.decideApproval(d.approvalId!, true, 'alice');
  assert.equal(ok.outcome, 'executed');
  await engine.settle();
  assert.equal(calls.length, 1);
  assert.ok(engine.audit.list().some((e) => e.actor === 'alice' && e.outcome === 'executed'));
  await assert.rejects(engine.decideApproval(d.approvalId!, true, 'bob'), /already approved/);
  const d2 = (await engine.handleAlert(alert('cat'), 'critical'))[0]!;
  assert.equal((await engine.decideApproval(d2.approvalId!, false, 'bob')).outcome, 'rejected');
  assert.equal(calls.length, 1);
});

test('verification: the alert expression is re-checked; still firing escalates', async () => {
  const queries: string[] = [];
  let stillFiring = true;
  const escalations: string[] = [];
  const { engine, advance } = setup({ verify: { afterSeconds: 120 } }, {}, {
    query: async (e) => (queries.push(e), stillFiring ? [{ value: 2 }] : []),
    onEscalate: (i) => void escalations.push(i.target),
  });
  await engine.handleAlert(alert('cart'), 'critical');
  await engine.settle();
  advance(119_000);
  await engine.tick();
  assert.equal(queries.length, 0, 'not before verify.afterSeconds');
  advance(1_000);
  await engine.tick();
  assert.deepEqual(queries, ['rate(errors[5m]) > 1']);
  assert.deepEqual(escalations, ['cart']);
  assert.equal(engine.audit.list()[0]!.outcome, 'verify_failed');
  stillFiring = false;
  await engine.handleAlert(alert('dog'), 'critical');
  await engine.settle();
  advance(120_000);
  await engine.tick();
  assert.equal(engine.audit.list()[0]!.outcome, 'verified');
  assert.deepEqual(escalations, ['cart']);
});

test('parameters are validated: a label value outside the pattern never reaches the action', async () => {
  const { engine, calls } = setup();
  const d = (await engine.handleAlert(alert('cart; rm -rf /'), 'critical'))[0]!;
  assert.equal(d.outcome, 'rejected');
  assert.match(d.reason, /parameter 'service': value "cart; rm -rf \/" of label 'service' does not match/);
  assert.equal(calls.length, 0);
});

test('audit trail has who, what, when, why and result', async () => {
  const { engine } = setup();
  await engine.handleAlert(alert('cart'), 'critical');
  await engine.settle();
  const [end, start] = engine.audit.list();
  assert.equal(start!.actor, 'foresight');
  assert.equal(start!.action, 'restart');
  assert.equal(start!.target, 'cart');
  assert.match(start!.alert, /^HighErrors f\d+$/);
  assert.equal(start!.at, '2026-01-01T00:00:00.000Z');
  assert.equal(end!.outcome, 'executed');
  assert.equal(end!.reason, 'finished successfully');
});

test('real script: runs from the allow-list without a shell; argv and env carry the parameters', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fs-rem-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const allowed = join(dir, 'allowed');
  await mkdir(allowed);
  const out = join(dir, 'out.txt');
  await writeFile(join(allowed, 'echo.sh'), `#!/bin/sh\nprintf '%s|' "$@" > ${out}\nprintf '%s' "$FORESIGHT_PARAM_SERVICE" >> ${out}\n`);
  await chmod(join(allowed, 'echo.sh'), 0o755);
  await writeFile(join(dir, 'evil.sh'), '#!/bin/sh\nexit 0\n');
  await chmod(join(dir, 'evil.sh'), 0o755);
  await symlink(join(dir, 'evil.sh'), join(allowed, 'link.sh'));
  const { readFile } = await import('node:fs/promises');

  const cfg = parseAlertingConfig({
    remediation: {
      scriptDir: allowed,
      actions: [
        { name: 'echo', match: ['alertname="HighErrors"'], run: { kind: 'script', script: 'echo.sh', args: ['--service', '{service}'] }, params: { service: { label: 'service', pattern: '.+' } }, mode: 'auto' },
        { name: 'link', match: ['alertname="Other"'], run: { kind: 'script', script: 'link.sh' }, mode: 'auto' },
      ],
    },
  });
  const engine = new RemediationEngine({ config: cfg.remediation, store: memStore() });
  await engine.handleAlert(alert('$(touch pwned);x'), 'critical');
  await engine.settle();
  assert.equal(await readFile(out, 'utf8'), '--service|$(touch pwned);x|$(touch pwned);x');
  const d = (await engine.handleAlert({ ...alert('x'), labels: { alertname: 'Other', service: 'x' } }))[0]!;
  assert.equal(d.outcome, 'rejected');
  assert.match(d.reason, /resolves to .*evil\.sh, outside the allow-listed directory/);
});

// A "restart": the first engine's store file is closed and reopened, and a new engine is built on it with
// the same config; it must find what the first one left behind.
async function restartable(t: { after(f: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'fs-rem-restart-'));
  const file = join(dir, 'foresight.db');
  const stores: Store[] = [openStore(file)];
  t.after(async () => {
    for (const st of stores) st.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    first: stores[0]!,
    reopen: (): Store => {
      stores.shift()!.close();
      stores.push(openStore(file));
      return stores[0]!;
    },
  };
}
const restartEngine = (s: ReturnType<typeof setup>, store: AlertingStore, executor?: RemediationEngineOptions['executor']) =>
  new RemediationEngine({ config: s.cfg.remediation, store, now: s.clock, executor: executor ?? (() => Promise.resolve({ ok: true, output: '' })) });

test('restart: a circuit breaker opened before a restart is still open after it, and half-opens on time', async (t) => {
  const st = await restartable(t);
  const s = setup({}, { breaker: { failures: 3, resetSeconds: 600 } }, { store: st.first });
  s.setMode('fail');
  for (const x of ['a', 'b', 'c']) {
    await s.engine.handleAlert(alert(x), 'critical');
    await s.engine.settle();
  }
  assert.equal(s.engine.breakerState('restart'), 'open');
  s.advance(60_000);

  const calls: Prepared[] = [];
  const engine2 = restartEngine(s, st.reopen(), (p) => (calls.push(p), Promise.resolve({ ok: true, output: '' })));
  assert.equal(engine2.breakerState('restart'), 'open');
  const d = (await engine2.handleAlert(alert('d'), 'critical'))[0]!;
  assert.equal(d.outcome, 'skipped');
  assert.match(d.reason, /circuit breaker open for action 'restart' after 3 consecutive failures; half-opens at 2026-01-01T00:10:00\.000Z/);
  assert.equal(calls.length, 0);
  s.advance(540_000); // opened at 00:00:00 (before the restart); reset 600 s after that, not after the restart
  assert.equal(engine2.breakerState('restart'), 'half-open');
  assert.equal((await engine2.handleAlert(alert('e'), 'critical'))[0]!.outcome, 'executed');
  await engine2.settle();
  assert.equal(engine2.breakerState('restart'), 'closed');
  // ...and the closing is persisted too.
  assert.equal(restartEngine(s, st.reopen()).breakerState('restart'), 'closed');
});

test('restart: a target cooling down stays left alone after a restart', async (t) => {
  const st = await restartable(t);
  const s = setup({ cooldownSeconds: 300 }, {}, { store: st.first });
  await s.engine.handleAlert(alert('cart'), 'critical');
  await s.engine.settle();
  s.advance(100_000);
  const engine2 = restartEngine(s, st.reopen());
  const d = (await engine2.handleAlert(alert('cart'), 'critical'))[0]!;
  assert.equal(d.outcome, 'skipped');
  assert.match(d.reason, /target 'cart' is cooling down for another 200 s/);
  s.advance(200_000);
  assert.equal((await engine2.handleAlert(alert('cart'), 'critical'))[0]!.outcome, 'executed');
  await engine2.settle();
});

test('restart: queued actions and pending approvals survive; the rate window is rebuilt from the audit trail', async (t) => {
  const st = await restartable(t);
  const s = setup({}, { rateLimitPerMinute: 2, maxConcurrent: 50 }, { store: st.first });
  for (const x of ['a', 'b', 'c']) await s.engine.handleAlert(alert(x), 'critical');
  await s.engine.settle();
  assert.equal(s.engine.queued, 1);
  assert.equal(s.calls.length, 2);

  const calls: Prepared[] = [];
  const engine2 = restartEngine(s, st.reopen(), (p) => (calls.push(p), Promise.resolve({ ok: true, output: '' })));
  assert.equal(engine2.queued, 1, 'the queue was restored');
  await engine2.tick();
  assert.equal(calls.length, 0, 'the two starts before the restart still fill the minute');
  s.advance(60_001);
  await engine2.tick();
  await engine2.settle();
  assert.deepEqual(calls.map((c) => (c as { url: string }).url), ['http://127.0.0.1:9/restart/c']);
  assert.equal(engine2.queued, 0);
  assert.equal(restartEngine(s, st.reopen()).queued, 0, 'a drained queue stays drained');

  const a = setup({ mode: 'approval' }, {}, { store: st.reopen() });
  const pending = (await a.engine.handleAlert(alert('dog'), 'critical'))[0]!;
  const engine3 = restartEngine(a, st.reopen());
  assert.deepEqual(engine3.pendingApprovals().map((p) => p.id), [pending.approvalId]);
  assert.equal((await engine3.decideApproval(pending.approvalId!, true, 'alice')).outcome, 'executed');
  await engine3.settle();
});
