// `foresight slo …` in-process: exit codes, messages, files written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';

const EX = join(import.meta.dirname, '../../../examples/slo');

const BACKEND = join(import.meta.dirname, '../..');
const ENTRY = `import(${JSON.stringify(join(BACKEND, 'src/cli/commands/slo.ts'))}).then((m) => m.run(process.argv.slice(1))).then((c) => { process.exitCode = c; })`;

/** Runs the command in a child process (the test runner owns this process' stdout). */
function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '-e', ENTRY, ...argv], { cwd: BACKEND }, (e, out, err) => {
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

test('validate: exit 0 with counts; exit 1 naming file, SLO and field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ok = await cli(['validate', '--input', join(EX, 'sloth.yml')]);
  assert.equal(ok.code, 0);
  assert.match(ok.out, /2 SLO\(s\), 0 error\(s\), 1 warning\(s\)/);
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, 'version: foresight/v1\nslos:\n  - { service: s, name: n, objective: 99, window: 2x, sli: { raw: { errorRatio: "e[{{.window}}]" } } }\n');
  const r = await cli(['validate', '-i', bad]);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`error: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: slo 'n': field 'window': '2x' is not a Prometheus duration`));
});

test('generate --out --tests writes checked rule files and suites', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await cli(['generate', '-i', join(EX, 'openslo-v1alpha.yml'), '--out', dir, '--tests']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readdirSync(dir).sort(), [
    'foresight-slo-payments-payments-success-0.alerts.yml',
    'foresight-slo-payments-payments-success-0.test.yml',
    'foresight-slo-payments-payments-success-0.yml',
  ]);
});

test('test runs promtool check + test; usage errors exit 2', async () => {
  const r = await cli(['test', join(EX, 'sloth-k8s.yml')]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /1 SLO suite\(s\) passed/);
  assert.equal((await cli(['frobnicate', '-i', 'x'])).code, 2);
  assert.equal((await cli(['validate'])).code, 2);
  assert.equal((await cli(['apply', '-i', join(EX, 'sloth-k8s.yml')])).code, 2);
});
