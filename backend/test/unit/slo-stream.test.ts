// Streamed generation for big inputs: chunked promtool checks with progress on stderr, a size limit with a clear
// error, and nothing written to --out when any chunk fails promtool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { loadSpecsOrThrow } from '../../src/slo/load.js';
import { generateToDir } from '../../src/slo/stream.js';
import { benchSpec } from '../../bench/slo-spec.js';

const BACKEND = join(import.meta.dirname, '../..');
const ENTRY = `import(${JSON.stringify(join(BACKEND, 'src/cli/commands/slo.ts'))}).then((m) => m.run(process.argv.slice(1))).then((c) => { process.exitCode = c; })`;
function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '-e', ENTRY, ...argv], { cwd: BACKEND, maxBuffer: 1 << 24 }, (e, out, err) => {
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

test('generate --out streams 600 SLOs in promtool-checked chunks with progress on stderr', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-stream-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'spec.yml'), benchSpec(600));
  const r = await cli(['generate', '-i', join(dir, 'spec.yml'), '--out', join(dir, 'rules'), '--chunk', '250']);
  assert.equal(r.code, 0, r.err);
  // One line per chunk (3 chunks), counts rising to 600 (chunks may finish in either order: two promtool processes).
  const done = [...r.err.matchAll(/(\d+)\/600 SLOs generated and checked/g)].map((m) => Number(m[1]));
  assert.equal(done.length, 3, r.err);
  assert.ok(done[0]! < done[1]! && done[1]! < done[2]!, String(done));
  assert.equal(done[2], 600);
  assert.match(r.out, /wrote 600 file\(s\)/);
  const files = readdirSync(join(dir, 'rules'));
  assert.equal(files.length, 600, 'one file per SLO, no staging directory left');
  assert.ok(files.every((f) => /^foresight-slo-svc-\d+-slo-\d+\.yml$/.test(f)));
});

test('inputs over --max-input-mb are refused with sizes and the limit named; nothing is written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-stream-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'spec.yml'), benchSpec(40));
  const r = await cli(['generate', '-i', join(dir, 'spec.yml'), '--out', join(dir, 'rules'), '--max-input-mb', '0.001']);
  assert.equal(r.code, 1);
  assert.match(r.err, /inputs are 0\.0 MB in all \(largest: .*spec\.yml, 0\.0 MB\), over the limit of 0\.001 MB; raise --max-input-mb/);
  assert.equal(existsSync(join(dir, 'rules')), false);
  const bad = await cli(['generate', '-i', join(dir, 'spec.yml'), '--max-input-mb', 'lots']);
  assert.equal(bad.code, 2);
});

test('a chunk promtool rejects leaves the output directory untouched (no half-written rule set)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-stream-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Parses (lezer is syntax-only) but promtool refuses it: rate() of an instant vector.
  const spec =
    benchSpec(3) +
    '  - service: svc-x\n    name: bad\n    objective: 99\n    window: 30d\n    sli:\n      raw:\n        errorRatio: rate(up{job="x"}) + 0 * rate(x[{{.window}}])\n';
  const { slos } = loadSpecsOrThrow([{ file: 'spec.yml', text: spec }]);
  const out = join(dir, 'rules');
  const seen: number[] = [];
  const r = await generateToDir(slos, out, { chunk: 2, progress: (d) => seen.push(d) });
  assert.equal(r.ok, false);
  assert.match(r.output, /range vector/);
  assert.deepEqual(readdirSync(out), [], 'neither the good chunk nor the staging directory remain');
  assert.deepEqual(seen.sort((a, b) => a - b), [2, 4]);
});

test('the chunk checks run promtool single-threaded with a larger GC target, unless the user set GOMAXPROCS / GOGC', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slo-stream-'));
  const saved = { FORESIGHT_PROMTOOL: process.env.FORESIGHT_PROMTOOL, GOGC: process.env.GOGC, GOMAXPROCS: process.env.GOMAXPROCS };
  t.after(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  });
  // A stand-in promtool that records the environment it was started with and accepts everything.
  const seen = join(dir, 'env.txt');
  writeFileSync(join(dir, 'promtool'), `#!/bin/sh\necho "$GOMAXPROCS $GOGC" >> ${JSON.stringify(seen)}\n`, { mode: 0o755 });
  process.env.FORESIGHT_PROMTOOL = join(dir, 'promtool');
  delete process.env.GOMAXPROCS;
  delete process.env.GOGC;
  const { slos } = loadSpecsOrThrow([{ file: 'spec.yml', text: benchSpec(2) }]);
  assert.equal((await generateToDir(slos, join(dir, 'a'))).ok, true);
  process.env.GOGC = '100';
  assert.equal((await generateToDir(slos, join(dir, 'b'))).ok, true);
  assert.equal(readFileSync(seen, 'utf8'), '1 400\n1 100\n');
});
