// Supervision of the local stack (issue 12 finding 7, issue 10 item 5), with a real stack runner
// process: a child that dies is restarted with backoff and the runner says so; when the runner itself is
// SIGKILLed (no hook can run), its children, Prometheus and Alertmanager included, are gone shortly after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const stackIndex = fileURLToPath(new URL('../../src/stack/index.ts', import.meta.url));

/** Pids whose parent is `ppid`, with their command lines. */
async function childrenOf(ppid: number): Promise<{ pid: number; cmd: string }[]> {
  const out: { pid: number; cmd: string }[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // Field 4 (after the parenthesised command name, which may contain spaces) is the parent pid.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== ppid) continue;
      out.push({ pid: Number(name), cmd: (await readFile(`/proc/${name}/cmdline`, 'utf8')).replace(/\0/g, ' ') });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped by init) counts as gone.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number, detail: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`${what} within ${ms / 1000} s; ${detail()}`);
}

test('the stack runner restarts a dead child and says so; SIGKILLed, it leaves no process behind', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'foresight-supervise-'));
  const script = `
    const { startDemoStack } = await import(${JSON.stringify(stackIndex)});
    await startDemoStack({ dir: ${JSON.stringify(dir)}, withCompanion: false, timeScale: 60,
      onStatus: (p, s) => console.log('status', p, s),
      onRestart: (p, l) => console.log('restart', p, l) });
    console.log('STACK UP');
    setInterval(() => {}, 1000);`;
  const runner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  runner.stdout.on('data', (b: Buffer) => (out += b.toString()));
  runner.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const seen: number[] = [];
  t.after(async () => {
    if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
    for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  await until('the stack is up', () => out.includes('STACK UP'), 90_000, () => out);

  const kids = await childrenOf(runner.pid!);
  seen.push(...kids.map((k) => k.pid));
  const prom = kids.find((k) => /prometheus\s/.test(k.cmd) && k.cmd.includes('--storage.tsdb.path'));
  assert.ok(prom, `no prometheus child among: ${kids.map((k) => k.cmd).join(' | ')}`);
  assert.ok(kids.length >= 3, `expected workload, alertmanager and prometheus: ${kids.map((k) => k.cmd).join(' | ')}`);

  // A child that dies is restarted, and the runner says so.
  process.kill(prom.pid, 'SIGKILL');
  await until('prometheus is restarted and ready', () => /restart prometheus .*restarted and ready/.test(out), 60_000, () => out);
  assert.match(out, /restart prometheus .*killed by SIGKILL at \d\d:\d\d:\d\d; restarting in 1 s/);
  const after = await childrenOf(runner.pid!);
  seen.push(...after.map((k) => k.pid));
  assert.ok(after.some((k) => k.cmd.includes('--storage.tsdb.path') && k.pid !== prom.pid), 'no new prometheus process');

  // SIGKILL the runner: no hook of it runs, yet its children go.
  runner.kill('SIGKILL');
  const targets = after.map((k) => k.pid);
  await until('every child of the SIGKILLed runner is gone', () => targets.every((p) => !alive(p)), 30_000, () =>
    `still running: ${after.filter((k) => alive(k.pid)).map((k) => `${k.pid} ${k.cmd}`).join(' | ')}`,
  );
});

test('a child that died is reported as such (not "stopped"); stop() during a restart backoff ends it for good', async () => {
  const { spawnSupervised } = await import('../../src/stack/children.js');
  const p = spawnSupervised({ name: 'sleeper', cmd: 'sleep', args: ['600'] });
  assert.equal(p.state(), 'running');
  p.child.kill('SIGKILL');
  await p.exit;
  assert.match(p.state(), /^killed by SIGKILL at \d\d:\d\d:\d\d$/);
  await p.stop(); // a no-op on a dead child, and it keeps saying how it ended
  assert.match(p.state(), /^killed by SIGKILL/);

  const lines: string[] = [];
  const q = spawnSupervised({ name: 'sleeper2', cmd: 'sleep', args: ['600'] });
  q.keepAlive((l) => lines.push(l));
  const first = q.child.pid;
  q.child.kill('SIGKILL');
  await until('the death is reported', () => lines.length > 0, 30_000, () => lines.join('\n'));
  assert.match(lines[0]!, /^sleeper2 killed by SIGKILL at \d\d:\d\d:\d\d; restarting in 1 s$/);
  await q.stop(2000);
  assert.equal(q.exited(), true);
  await new Promise((r) => setTimeout(r, 1500)); // past the backoff: nothing may start again
  assert.equal(q.child.pid, first, 'restarted after stop()');
});
