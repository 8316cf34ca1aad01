// Deleting an SLO's rules when Prometheus cannot reload (a broken rule file of someone else in the directory):
// the removal fails, the removed rule files are restored, and the real Prometheus still has the SLO's groups.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrometheus } from '../../src/stack/prometheus.js';
import { PromClient } from '../../src/prom/client.js';
import { groupNames, ruleFileName } from '../../src/slo/generate.js';
import { applyAndRemove, applyGenerated, generateFromSources } from '../../src/slo/service.js';

const spec = (names: string[]) =>
  `version: foresight/v1\nservice: shop\nslos:\n${names
    .map((n) => `  - name: ${n}\n    objective: 99\n    sli:\n      ratio:\n        errors: sum(rate(e_total{n="${n}"}[{{.window}}]))\n        total: sum(rate(t_total{n="${n}"}[{{.window}}]))\n`)
    .join('')}`;

let prom: Awaited<ReturnType<typeof startPrometheus>> | undefined;
let rulesDir = '';
before(async () => {
  rulesDir = mkdtempSync(join(tmpdir(), 'slo-delete-rollback-'));
  prom = await startPrometheus({ configYaml: `global:\n  evaluation_interval: 1s\nrule_files:\n  - ${rulesDir}/*.yml\n` });
});
after(async () => {
  await prom?.stop();
  rmSync(rulesDir, { recursive: true, force: true });
});

test('a delete whose reload fails leaves the previous rules in place, on disk and loaded in Prometheus', async () => {
  const api = new PromClient({ url: prom!.url });
  const target = { kind: 'files', rulesDir, prom: api, timeoutMs: 5000 } as const;
  await applyGenerated(generateFromSources([{ file: 's.yml', text: spec(['a', 'b']) }], { tests: false }), target);
  const loaded = async () => new Set((await api.rules()).map((g) => g.name));
  for (const id of ['shop-a', 'shop-b']) assert.ok((await loaded()).has(groupNames(id).sli), id);
  const before = readFileSync(join(rulesDir, ruleFileName('shop-b')), 'utf8');

  // Someone else's broken rule file: every reload fails from now on.
  writeFileSync(join(rulesDir, 'zz-broken.yml'), 'groups:\n  - name: broken\n    rules:\n      - record: x\n        expr: sum(\n');
  const onlyA = generateFromSources([{ file: 's.yml', text: spec(['a']) }], { tests: false });
  await assert.rejects(applyAndRemove(onlyA, ['shop-a', 'shop-b'], target), (e: Error) => {
    assert.match(e.message, /removed rule files restored; Prometheus kept the previous rules \(its reload failed/);
    return true;
  });
  assert.equal(readFileSync(join(rulesDir, ruleFileName('shop-b')), 'utf8'), before, 'the removed file is back, unchanged');
  const now = await loaded();
  for (const g of Object.values(groupNames('shop-b'))) assert.ok(now.has(g), `${g} still loaded`);
  assert.ok(now.has(groupNames('shop-a').sli));

  // With the broken file gone, the same delete goes through and is verified.
  rmSync(join(rulesDir, 'zz-broken.yml'));
  const r = await applyAndRemove(onlyA, ['shop-a', 'shop-b'], target);
  assert.deepEqual(r.removed, [ruleFileName('shop-b')]);
  assert.deepEqual(readdirSync(rulesDir), [ruleFileName('shop-a')]);
  assert.equal((await loaded()).has(groupNames('shop-b').sli), false);
});
