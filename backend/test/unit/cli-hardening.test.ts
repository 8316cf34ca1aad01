// Issue 12 finding 8: `foresight detect … | head` ends quietly when the reader goes away (no EPIPE stack
// trace), and `--help` works on every command and subcommand (exit 0, usage on stdout).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../../src/cli/commands/index.js';

const bin = fileURLToPath(new URL('../../bin/foresight.mjs', import.meta.url));
let dir = '';
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a reader that closes the pipe early ends the CLI quietly', async () => {
  dir = await mkdtemp(join(tmpdir(), 'foresight-cli-'));
  const csv = join(dir, 'big.csv');
  const rows = ['timestamp,value'];
  for (let i = 0; i < 100_000; i++) rows.push(`${1_700_000_000 + i * 60},${Math.sin(i / 30) + (i % 7) / 10}`);
  await writeFile(csv, rows.join('\n'));
  const child = spawn(process.execPath, [bin, 'detect', '--input', csv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  // Like `head -1`: read the first chunk, then close our end.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.doesNotMatch(err, /EPIPE|Error|at /, `stderr: ${err}`);
  assert.equal(code, 0);
});

test('--help on every command and subcommand prints usage and exits 0', () => {
  const subs: Record<string, string[]> = { slo: ['validate', 'generate', 'test', 'apply', 'budget'], alerting: ['generate', 'check', 'apply', 'test'] };
  for (const name of Object.keys(commands)) {
    for (const argv of [[name, '--help'], [name, '-h'], ...(subs[name] ?? []).map((s) => [name, s, '--help'])]) {
      const r = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, `foresight ${argv.join(' ')}: exit ${r.status}; stderr: ${r.stderr}`);
      assert.match(r.stdout, /usage: foresight/, `foresight ${argv.join(' ')}: stdout: ${r.stdout}`);
    }
  }
});
