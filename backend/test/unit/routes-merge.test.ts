// Merging Foresight's routes into a user's alertmanager.yml never takes a user's alert and never reduces
// delivery. Proven with the real `amtool config routes test` on three user configs (Debian's sample config and
// two of ours): every alert of the user's own tree reaches exactly the receivers it reached before; Foresight's
// alerts keep every receiver they had and also reach the companion. The in-process evaluator used by the
// apply-time delivery check must agree with amtool on all of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import YAML from 'yaml';
import { parseAlertingConfig, type AlertingConfig } from '../../src/alerting/config.js';
import { generateAlertmanager } from '../../src/alerting/routes/generate.js';
import { mergeAlertmanagerConfig } from '../../src/alerting/merge.js';
import { amtoolCheckConfig, amtoolRoutesTest } from '../../src/alerting/amtool.js';
import { assertDelivery, DeliveryError, labelMatrix, routeAlert, routingTree, type Labels } from '../../src/alerting/routing.js';
import { policyProblems } from '../../src/alerting/routes/validate.js';

const FIX = new URL('../fixtures/alertmanager/', import.meta.url);
const debianSample = ['/etc/prometheus/alertmanager.yml', '/usr/share/doc/prometheus-alertmanager/examples/simple.yml'].find((p) => existsSync(p));
const configs: [string, () => Promise<string>][] = [
  ['Debian sample', () => readFile(debianSample!, 'utf8')],
  ['teams with continue', () => readFile(new URL('teams-continue.yml', FIX), 'utf8')],
  ['single webhook (demo shape)', () => readFile(new URL('single-webhook.yml', FIX), 'utf8')],
];

let dir = '';
let policy: AlertingConfig;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-merge-'));
  policy = parseAlertingConfig(YAML.parse(await readFile(new URL('../../../examples/alerting.yaml', import.meta.url), 'utf8')));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Alerts Foresight's SLO rules generate (labels as in backend/src/slo/generate.ts). */
const foresightAlerts: Labels[] = [
  { alertname: 'CheckoutAvailabilityBurn', foresight_source: 'slo', foresight_tier: 'page', severity: 'critical', service: 'database', slo: 'requests' },
  { alertname: 'CheckoutAvailabilityBurn', foresight_source: 'slo', foresight_tier: 'ticket', severity: 'warning', service: 'foo1', slo: 'requests' },
  { alertname: 'FilesLatency', foresight_source: 'slo', foresight_tier: 'page', severity: 'pageteam', service: 'files', team: 'infra' },
  { alertname: 'PaymentsBurn', foresight_source: 'slo', foresight_tier: 'ticket', severity: 'info', service: 'payments', env: 'prod' },
];

/** A bounded, deterministic sample of the matrix for amtool (one process per label set). */
function sample(all: Labels[], n: number): Labels[] {
  const step = Math.max(1, Math.floor(all.length / n));
  return all.filter((_, i) => i % step === 0).slice(0, n);
}

async function withFile(name: string, text: string): Promise<string> {
  const f = join(dir, name);
  await writeFile(f, text);
  return f;
}

for (const [name, load] of configs) {
  test(`merge into ${name}: user alerts route exactly as before, Foresight alerts lose nothing (amtool)`, { skip: name === 'Debian sample' && !debianSample }, async () => {
    const user = await load();
    const merged = mergeAlertmanagerConfig(user, generateAlertmanager(policy).fragment);
    const slug = name.replace(/\W+/g, '-');
    const beforeFile = await withFile(`${slug}-before.yml`, user);
    const afterFile = await withFile(`${slug}-after.yml`, merged);
    const check = await amtoolCheckConfig(afterFile);
    assert.ok(check.ok, check.output);

    const bt = routingTree(user);
    const at = routingTree(merged);
    const userVocab = labelMatrix([bt], []).filter((l) => !('foresight_source' in l));
    const amtoolSets = [...sample(userVocab, 16), ...foresightAlerts];
    for (const labels of amtoolSets) {
      const b = await amtoolRoutesTest(beforeFile, labels);
      const a = await amtoolRoutesTest(afterFile, labels);
      const show = JSON.stringify(labels);
      assert.deepEqual(routeAlert(bt, labels), b, `evaluator vs amtool (before) for ${show}`);
      assert.deepEqual(routeAlert(at, labels), a, `evaluator vs amtool (after) for ${show}`);
      if (labels.foresight_source === undefined) assert.deepEqual(a, b, `user alert ${show} must route exactly as before`);
      else {
        for (const r of b) assert.ok(a.includes(r), `Foresight alert ${show} lost ${r} (before ${b}, after ${a})`);
        assert.equal(a[0], 'foresight-companion', `Foresight alert ${show} reaches the companion`);
      }
    }
    // The full matrix (thousands of label sets) with the evaluator: no user alert changes at all.
    for (const labels of labelMatrix([bt, at], foresightAlerts)) {
      if (labels.foresight_source === undefined) assert.deepEqual(routeAlert(at, labels), routeAlert(bt, labels), JSON.stringify(labels));
    }
    assert.doesNotThrow(() => assertDelivery(user, merged, foresightAlerts));
    // Idempotent: a second apply changes nothing (one subtree, one comment).
    const again = mergeAlertmanagerConfig(merged, generateAlertmanager(policy).fragment);
    assert.equal(again, merged);
    assert.equal(merged.match(/Managed by Foresight/g)?.length, 1);
  });
}

test('the delivery check refuses a tree that takes alerts away (the old first-match, no-continue merge)', async () => {
  const user = debianSample ? await readFile(debianSample, 'utf8') : await readFile(new URL('teams-continue.yml', FIX), 'utf8');
  const old = YAML.parse(mergeAlertmanagerConfig(user, generateAlertmanager({ ...policy, selector: ['severity=~".+"'] }).fragment)) as { route: { routes: Record<string, unknown>[] } };
  // The pre-fix merge: our subtree first, catching every alert with a severity, without continue.
  old.route.routes = old.route.routes.filter((r) => !String(r.matchers ?? '').includes('foresight_managed'));
  delete old.route.routes[0]!.continue;
  const bad = YAML.stringify(old);
  assert.throws(() => assertDelivery(user, bad, foresightAlerts), (e: unknown) => {
    assert.ok(e instanceof DeliveryError);
    assert.match(e.message, /no longer reaches the user's receiver|now reaches no notifying receiver/);
    return true;
  });
});

test('a tree where an alert reaching a receiver now reaches none is refused, naming the labels', () => {
  const user = 'route:\n  receiver: mail\nreceivers:\n  - name: mail\n    email_configs: [{ to: a@example.com }]\n  - name: nobody\n';
  const worse = 'route:\n  receiver: mail\n  routes:\n    - receiver: nobody\n      matchers: [\'severity="critical"\']\nreceivers:\n  - name: mail\n    email_configs: [{ to: a@example.com }]\n  - name: nobody\n';
  assert.throws(() => assertDelivery(user, worse), /severity="critical"\}: reached mail before, now reaches no notifying receiver/);
});

test('selector accepts matchers on any label', () => {
  assert.deepEqual(policyProblems({ ...policy, selector: ['team="sre"', 'foresight_source=~".+"'] }), []);
  assert.match(policyProblems({ ...policy, selector: ['severity="critical"'] }).join('\n'), /severity 'high' is rejected by alerting\.selector/);
});

test('standalone generate has no root matchers and passes amtool check-config', async () => {
  const { standaloneText } = await import('../../src/cli/commands/alerting.js');
  const f = await withFile('standalone.yml', standaloneText(policy));
  const r = await amtoolCheckConfig(f);
  assert.ok(r.ok, r.output);
});
