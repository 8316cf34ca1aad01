// Golden files of generated rules, one per SLO per input format (foresight.yml covers every SLI kind).
// Regenerate with `UPDATE_GOLDEN=1 node test/run.mjs unit slo-golden` and review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateRuleFiles } from '../../src/slo/generate.js';
import { loadSpecsOrThrow } from '../../src/slo/load.js';

const EX = join(import.meta.dirname, '../../../examples/slo');
const GOLDEN = join(import.meta.dirname, '../golden/slo');
const update = process.env.UPDATE_GOLDEN === '1';

for (const input of readdirSync(EX).filter((f) => f.endsWith('.yml')).sort()) {
  test(`golden rules for ${input}`, () => {
    const { slos } = loadSpecsOrThrow([{ file: input, text: readFileSync(join(EX, input), 'utf8') }]);
    const files = generateRuleFiles(slos, { version: 'golden' });
    const dir = join(GOLDEN, input.replace(/\.yml$/, ''));
    if (update) mkdirSync(dir, { recursive: true });
    for (const [name, yaml] of Object.entries(files)) {
      const path = join(dir, name);
      if (update) writeFileSync(path, yaml);
      assert.ok(existsSync(path), `golden file ${path} is missing; run with UPDATE_GOLDEN=1`);
      assert.equal(yaml, readFileSync(path, 'utf8'), `${input} → ${name} differs from its golden file`);
    }
    if (!update) assert.deepEqual(readdirSync(dir).sort(), Object.keys(files).sort(), `stale golden files in ${dir}`);
  });
}
