// The routing policy → alertmanager.yml: amtool accepts it, and `amtool config routes test` proves each
// sample alert reaches the intended receiver. Bad policies fail with the offending field named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import YAML from 'yaml';
import { parseAlertingConfig } from '../../src/alerting/config.js';
import { generateAlertmanager } from '../../src/alerting/routes/generate.js';
import { mergeAlertmanagerConfig } from '../../src/alerting/merge.js';
import { amtoolCheckConfig, amtoolRoutesTest } from '../../src/alerting/amtool.js';

const example = new URL('../../../examples/alerting.yaml', import.meta.url);
let dir = '';
let file = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-routes-'));
  const policy = YAML.parse(await readFile(example, 'utf8')) as Record<string, unknown>;
  // Secret files must exist for amtool; point the env-sourced ones into the temp dir.
  policy.secretsDir = join(dir, 'secrets');
  const cfg = parseAlertingConfig(policy);
  for (const r of cfg.receivers)
    for (const v of Object.values(r)) if (v && typeof v === 'object' && 'file' in v) (v as { file: string }).file = join(dir, 'f-' + r.name);
  const gen = generateAlertmanager(cfg);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'secrets'));
  for (const s of gen.secrets) await writeFile(s.path, 'x');
  for (const r of cfg.receivers) await writeFile(join(dir, 'f-' + r.name), 'x');
  const user = 'route:\n  receiver: theirs\n  routes:\n    - matchers: [\'team="legacy"\']\n      receiver: legacy\nreceivers:\n  - name: theirs\n  - name: legacy\n';
  file = join(dir, 'alertmanager.yml');
  await writeFile(file, mergeAlertmanagerConfig(user, gen.fragment));
});
after(() => rm(dir, { recursive: true, force: true }));

test('generated config passes amtool check-config', async () => {
  const r = await amtoolCheckConfig(file);
  assert.equal(r.ok, true, r.output);
});

// Foresight's alerts carry foresight_source; they reach the companion, their tier, and (continue) the user's tree.
const F = { foresight_source: 'slo' };
const ours = (r: string) => ['foresight-companion', r, 'theirs'];
const cases: [string, Record<string, string>, string[]][] = [
  ['critical SLO page → pager', { ...F, alertname: 'FrontendAvailabilitySLOBurn', severity: 'critical', foresight_tier: 'page', service: 'frontend' }, ours('foresight-critical')],
  ['critical of a payments service → team pager', { ...F, alertname: 'X', severity: 'critical', service: 'checkout' }, ours('foresight-critical-team-payments')],
  ['escalated critical → escalation receiver', { ...F, alertname: 'X', severity: 'critical', service: 'cart', escalate: 'true' }, ours('foresight-critical-escalation')],
  ['high → chat + email receiver', { ...F, alertname: 'X', severity: 'high', service: 'cart' }, ours('foresight-high')],
  ['SLO ticket (warning) → medium', { ...F, alertname: 'X', severity: 'warning', foresight_tier: 'ticket', service: 'cart' }, ours('foresight-medium')],
  ['medium by team label → team receiver', { ...F, alertname: 'X', severity: 'medium', team: 'payments' }, ['foresight-companion', 'foresight-medium-team-payments', 'theirs']],
  ['low → dashboard only (and still the user tree)', { ...F, alertname: 'X', severity: 'info' }, ours('foresight-null')],
  ['Foresight alert the user routes itself keeps that route', { ...F, alertname: 'X', severity: 'critical', team: 'legacy' }, ['foresight-companion', 'foresight-critical', 'legacy']],
  ['user alert with a severity → user routes only', { alertname: 'X', severity: 'critical', team: 'legacy' }, ['legacy']],
  ['no severity → user routes kept', { alertname: 'X', team: 'legacy' }, ['legacy']],
  ['no severity, no match → user root', { alertname: 'X' }, ['theirs']],
];
for (const [name, labels, want] of cases)
  test(`amtool routes: ${name}`, async () => {
    assert.deepEqual(await amtoolRoutesTest(file, labels), want);
  });

test('generated tree has per-tier timing, inhibit rules and maintenance mute', async () => {
  const doc = YAML.parse(await readFile(file, 'utf8')) as { route: { routes: Record<string, unknown>[] }; inhibit_rules: { source_matchers: string[]; target_matchers: string[] }[]; time_intervals: { name: string }[] };
  const sub = doc.route.routes[0] as { routes: { matchers?: string[]; group_wait?: string; repeat_interval?: string; mute_time_intervals?: string[]; routes?: unknown[] }[] };
  assert.deepEqual(sub.routes[0], { receiver: 'foresight-companion', continue: true });
  const maint = sub.routes[1]!;
  assert.deepEqual(maint.matchers, ['service="db"']);
  const critical = sub.routes.find((r) => r.matchers?.[0] === 'severity=~"critical|page"' && !r.mute_time_intervals)!;
  assert.equal(critical.group_wait, '30s');
  assert.equal(critical.repeat_interval, '1h');
  assert.deepEqual(doc.time_intervals.map((t) => t.name), ['foresight-maint-db-patching']);
  const down = doc.inhibit_rules.find((r) => r.source_matchers.includes('service="db"'))!;
  assert.ok(down, 'db-down inhibit rule');
  assert.ok(down.target_matchers.includes('service=~"cart|catalogue|checkout|frontend|payments"'), down.target_matchers.join(' '));
  assert.ok(doc.inhibit_rules.some((r) => r.source_matchers.includes('foresight_tier="page"') && r.target_matchers.includes('foresight_tier="ticket"')));
});

test('maintenance route for db is muted by the window', async () => {
  // amtool reports the receiver regardless of time; the mute must be on the matching route itself.
  assert.deepEqual(await amtoolRoutesTest(file, { alertname: 'X', foresight_source: 'slo', severity: 'critical', service: 'db' }), ['foresight-companion', 'foresight-critical', 'theirs']);
  const doc = YAML.parse(await readFile(file, 'utf8')) as { route: { routes: { routes: { routes: { mute_time_intervals?: string[] }[] }[] }[] } };
  const dbCritical = doc.route.routes[0]!.routes[1]!.routes[0]!;
  assert.deepEqual(dbCritical.mute_time_intervals, ['foresight-maint-db-patching']);
});

test('no secret value is written into the generated config', async () => {
  process.env.SLACK_WEBHOOK_URL = 'https://hooks.slack.example/SECRET-VALUE';
  const policy = YAML.parse(await readFile(example, 'utf8')) as Record<string, unknown>;
  const text = YAML.stringify(generateAlertmanager(parseAlertingConfig(policy)).fragment);
  assert.ok(!text.includes('SECRET-VALUE'));
  assert.match(text, /api_url_file: .*chat-api-url/);
});

const bad = (patch: (p: Record<string, any>) => void): Promise<string> => // eslint-disable-line @typescript-eslint/no-explicit-any -- test-only free-form patching of YAML
  readFile(example, 'utf8').then((t) => {
    const p = YAML.parse(t) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    patch(p);
    try {
      generateAlertmanager(parseAlertingConfig(p));
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  });

test('unknown receiver is rejected naming the field', async () => {
  const msg = await bad((p) => (p.tiers.high.receivers = ['chat', 'nope']));
  assert.match(msg, /alerting\.tiers\.high\.receivers\[1\]: unknown receiver 'nope'/);
});
test('a tier severity the selector rejects can never match', async () => {
  const msg = await bad((p) => (p.selector = ['severity=~"critical|warning"']));
  assert.match(msg, /alerting\.tiers\.high\.severities\[0\]: severity 'high' is rejected by alerting\.selector/);
});
test('a service claimed by two teams can never match the second', async () => {
  const msg = await bad((p) => p.teams.push({ name: 'shop', services: ['checkout'], receivers: { high: ['chat'] } }));
  assert.match(msg, /alerting\.teams\[1\]\.services\[0\]: service 'checkout' is already routed to team 'payments'/);
});
test('contradictory selector can never match', async () => {
  const msg = await bad((p) => (p.selector = ['env="prod"', 'env="dev"']));
  assert.match(msg, /alerting\.selector: .*cannot both hold/);
});
test('schema errors name the field', async () => {
  const msg = await bad((p) => (p.tiers.critical.groupWait = 'soon'));
  assert.match(msg, /alerting\.tiers\.critical\.groupWait: must be a duration/);
});
test('script outside the allow-list is rejected', async () => {
  const msg = await bad((p) => (p.remediation.actions[0].run.script = '../../bin/rm'));
  assert.match(msg, /alerting\.remediation\.actions\[0\]\.run\.script: .* outside the allow-listed directory/);
});
