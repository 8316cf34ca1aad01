// The rules writer against a real Prometheus: apply → loaded; failed verification → rolled back and reloaded;
// promtool rejection → nothing written.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrometheus } from '../../src/stack/prometheus.js';
import { PromClient } from '../../src/prom/client.js';
import { applyRuleFiles, removeRuleFiles } from '../../src/rules/writer.js';

const group = (name: string, record: string) => `groups:\n  - name: ${name}\n    rules:\n      - record: ${record}\n        expr: vector(1)\n`;

let prom: Awaited<ReturnType<typeof startPrometheus>> | undefined;
let rulesDir = '';
before(async () => {
  rulesDir = mkdtempSync(join(tmpdir(), 'rules-writer-'));
  prom = await startPrometheus({
    configYaml: `global:\n  evaluation_interval: 1s\nrule_files:\n  - ${rulesDir}/*.yml\n`,
  });
});
after(async () => {
  await prom?.stop();
  rmSync(rulesDir, { recursive: true, force: true });
});

test('applies a file, reloads, and sees the group loaded', async () => {
  const api = new PromClient({ url: prom!.url });
  const r = await applyRuleFiles({ rulesDir, files: { 'a.yml': group('ga', 'foresight:test:one') }, prom: api, expectGroups: ['ga'] });
  assert.deepEqual(r.applied, ['a.yml']);
  assert.ok((await api.rules()).some((g) => g.name === 'ga'));
  assert.deepEqual(readdirSync(rulesDir), ['a.yml']); // no temp files left behind
});

test('failed verification rolls back the changed file and removes the new one, then reloads', async () => {
  const api = new PromClient({ url: prom!.url });
  const before = readFileSync(join(rulesDir, 'a.yml'), 'utf8');
  await assert.rejects(
    applyRuleFiles({
      rulesDir,
      files: { 'a.yml': group('ga2', 'foresight:test:two'), 'b.yml': group('gb', 'foresight:test:three') },
      prom: api,
      expectGroups: ['ga2', 'gb', 'group-that-never-loads'],
      timeoutMs: 1500,
    }),
    /groups not loaded: group-that-never-loads[\s\S]*previous files restored/,
  );
  assert.equal(readFileSync(join(rulesDir, 'a.yml'), 'utf8'), before);
  assert.equal(existsSync(join(rulesDir, 'b.yml')), false);
  const names = (await api.rules()).map((g) => g.name).sort();
  assert.deepEqual(names, ['ga']);
});

test('promtool rejection writes nothing', async () => {
  const api = new PromClient({ url: prom!.url });
  await assert.rejects(
    applyRuleFiles({ rulesDir, files: { 'c.yml': 'groups:\n  - name: gc\n    rules:\n      - record: x\n        expr: sum(\n' }, prom: api, expectGroups: ['gc'] }),
    /promtool check rules rejected the new files, nothing written/,
  );
  assert.equal(existsSync(join(rulesDir, 'c.yml')), false);
});

test('rejects file names that would escape the rules dir', async () => {
  await assert.rejects(
    applyRuleFiles({ rulesDir, files: { '../x.yml': group('gx', 'x') }, prom: new PromClient({ url: prom!.url }), expectGroups: [] }),
    /must be a plain \*\.yml/,
  );
});

test('removeRuleFiles unloads the groups', async () => {
  const api = new PromClient({ url: prom!.url });
  await removeRuleFiles({ rulesDir, names: ['a.yml'], prom: api, goneGroups: ['ga'] });
  assert.deepEqual((await api.rules()).map((g) => g.name), []);
});
