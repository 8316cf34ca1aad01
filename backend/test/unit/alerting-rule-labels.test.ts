// The apply-time delivery check also tests the label sets our generated rules' alerts will carry: a loss that only
// an alert with all of its labels reveals (a nested team → severity → slo pager route) is caught through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { ruleFileLabelSets, ruleTextLabelSets } from '../../src/alerting/rule-labels.js';
import { assertDelivery, DeliveryError } from '../../src/alerting/routing.js';
import { generateRuleFiles } from '../../src/slo/generate.js';
import { loadSpecsOrThrow } from '../../src/slo/load.js';

const SPEC = `version: foresight/v1
service: checkout
labels: { team: shop }
slos:
  - name: availability
    objective: 99.9
    sli:
      ratio:
        errors: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total: sum(rate(http_requests_total[{{.window}}]))
`;
const rules = () => generateRuleFiles(loadSpecsOrThrow([{ file: 's.yml', text: SPEC }]).slos);

// The user pages on the checkout SLO's critical alerts through three nested routes; the edited tree lost the last one.
const route = (inner: string) => `route:
  receiver: nobody
  routes:
    - matchers: ['team="shop"']
      receiver: nobody
      routes:
        - matchers: ['severity="critical"']
          receiver: nobody
          routes:
${inner}receivers:
  - name: nobody
  - name: pager
    webhook_configs: [{ url: 'http://127.0.0.1:9/page' }]
`;
const BEFORE = route(`            - matchers: ['slo="availability"']\n              receiver: pager\n`);
const AFTER = route(`            - matchers: ['slo="latency"']\n              receiver: pager\n`);

test('generated SLO rules give alertname, severity, team, foresight_source and service/slo label sets', () => {
  const sets = ruleTextLabelSets(Object.values(rules())[0]!);
  const page = sets.find((l) => l.severity === 'critical')!;
  assert.equal(page.alertname, 'CheckoutAvailabilitySLOBurn');
  assert.equal(page.team, 'shop');
  assert.equal(page.foresight_source, 'slo');
  assert.equal(page.service, 'checkout');
  assert.equal(page.slo, 'availability');
  assert.deepEqual(sets.map((l) => l.alertname).sort(), ['CheckoutAvailabilitySLOBurn', 'CheckoutAvailabilitySLOBurn', 'CheckoutAvailabilitySLOBurnNoData']);
});

test('a loss only the generated alerts reveal: passes on matcher values alone, refused with the rule label sets', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rule-labels-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [n, y] of Object.entries(rules())) writeFileSync(join(dir, n), y);
  assert.doesNotThrow(() => assertDelivery(BEFORE, AFTER), 'matcher values singly and in pairs never reach the third route');
  const seen = await ruleFileLabelSets([dir, join(dir, 'missing.yml')]);
  assert.equal(seen.length, 3);
  assert.throws(() => assertDelivery(BEFORE, AFTER, seen), (e: unknown) => {
    assert.ok(e instanceof DeliveryError);
    assert.match(e.message, /alertname="CheckoutAvailabilitySLOBurn".*reached pager before, now reaches no notifying receiver/);
    return true;
  });
});

test('alerting apply --rules DIR feeds the rule label sets into the check (more label sets tested)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rule-labels-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [n, y] of Object.entries(rules())) writeFileSync(join(dir, n), y);
  // The default policy (no receivers, so no secrets to materialize).
  const policy = join(dir, 'policy.yml');
  writeFileSync(policy, 'alerting: {}\n');
  const am = join(dir, 'am.yml');
  const ENTRY = `import(${JSON.stringify(join(import.meta.dirname, '../../src/cli/commands/alerting.ts'))}).then((m) => m.run(process.argv.slice(1))).then((c) => { process.exitCode = c; })`;
  const cli = (args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', '-e', ENTRY, ...args], { cwd: join(import.meta.dirname, '../..') }, (e, out, err) =>
        resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out, err }),
      ),
    );
  const count = (out: string) => Number(/delivery checked on (\d+) label sets/.exec(out)?.[1]);
  writeFileSync(am, BEFORE);
  const plain = await cli(['apply', '--config', policy, '--alertmanager-config', am]);
  assert.equal(plain.code, 0, plain.err);
  writeFileSync(am, BEFORE);
  const withRules = await cli(['apply', '--config', policy, '--alertmanager-config', am, '--rules', dir]);
  assert.equal(withRules.code, 0, withRules.err);
  assert.ok(count(withRules.out) > count(plain.out), `${count(withRules.out)} > ${count(plain.out)}`);
  assert.match(readFileSync(am, 'utf8'), /receiver: pager/);
});
