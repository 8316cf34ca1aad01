// Issue 12 finding 8: `foresight detect … | head` ends quietly when the reader goes away (no EPIPE stack
// trace), and `--help` works on every command and subcommand (exit 0, usage on stdout).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

test('foresight forecast on a pipe or a large file runs in a child set up for batch throughput, which gets the signals and gives the exit code; a small file runs in one process', async (t) => {
  if (process.platform !== 'linux') return t.skip('reads /proc');
  // Waits on stdin, so it is still running when looked at.
  const parent = spawn(process.execPath, [bin, 'forecast', '--input', '-'], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, FORESIGHT_CLI_CHILD: '' } });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => parent.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    let child = '';
    for (let i = 0; i < 600 && !child; i++) {
      child = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8').trim();
      if (!child) await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(child, /^\d+$/, 'one child process');
    // Between fork and exec the child still shows the launcher's command line and environment: wait for
    // the exec (its environment then marks the child).
    let env: string[] = [];
    for (let i = 0; i < 600 && !env.includes('FORESIGHT_CLI_CHILD=1'); i++) {
      env = readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
      if (!env.includes('FORESIGHT_CLI_CHILD=1')) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(env.includes('FORESIGHT_CLI_CHILD=1'), 'the child is marked');
    assert.ok(env.some((e) => e.startsWith('GLIBC_TUNABLES=') && e.includes('glibc.malloc.hugetlb=1')), 'malloc tunables');
    const argv = readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
    assert.ok(argv.includes('--single-threaded'), argv.join(' '));
    assert.deepEqual(argv.slice(argv.indexOf(bin)), [bin, 'forecast', '--input', '-'], 'the same arguments');
    parent.kill('SIGTERM');
    assert.deepEqual(await exited, { code: null, signal: 'SIGTERM' }, 'dies of the signal its child died of');
    assert.ok(!existsSync(`/proc/${child}`), 'the child is gone');
  } finally {
    parent.kill('SIGKILL');
  }
  // A small regular file is forecast in the first process (a second Node start would cost more than it
  // saves); the same rows on standard input go to the child. Every process marks its exit on stderr.
  dir ||= await mkdtemp(join(tmpdir(), 'foresight-cli-'));
  const small = join(dir, 'small.csv');
  await writeFile(small, Array.from({ length: 60 }, (_, i) => `a,${1_700_000_000 + 60 * i},${i % 7}`).join('\n'));
  const mark = ['--import', `data:text/javascript,process.on('exit',()=>process.stderr.write('EXIT_MARK\\n'))`];
  const processes = (input: string, stdin?: string): number => {
    const r = spawnSync(process.execPath, [...mark, bin, 'forecast', '--input', input, '--horizon', '3'], { encoding: 'utf8', input: stdin, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stderr.split('EXIT_MARK').length - 1;
  };
  assert.equal(processes(small), 1, 'a small file: one process');
  assert.equal(processes('-', readFileSync(small, 'utf8')), 2, 'standard input: the launcher and its child');
  // Exit codes and messages pass through: a usage error is exit 2, a missing file exit 1, named on stderr.
  const usage = spawnSync(process.execPath, [bin, 'forecast', '--input', '/nonexistent/long.csv'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(usage.status, 2, usage.stderr);
  assert.match(usage.stderr, /--horizon are required/);
  const missing = spawnSync(process.execPath, [bin, 'forecast', '--input', '/nonexistent/long.csv', '--horizon', '3'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(missing.status, 1, missing.stderr);
  assert.match(missing.stderr, /\/nonexistent\/long\.csv/);
});
