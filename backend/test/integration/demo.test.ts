// `npm run demo` end to end: scripts/demo.mjs brings the stack up on free ports, prints every URL and
// `Foresight demo is up`; SIGINT stops it with exit code 0, every printed port closed, no process left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPortOpen } from '../../src/stack/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Pids of processes whose command line mentions `needle`. */
async function processesMentioning(needle: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = (await readFile(`/proc/${name}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      if (cmd.includes(needle)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

test('scripts/demo.mjs comes up, prints its URLs, and stops cleanly on SIGINT', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'foresight-demo-test-'));
  const child = spawn(process.execPath, [join(root, 'scripts', 'demo.mjs'), '--no-install', '--no-build', '--ports-free', '--time-scale', '60', '--dir', dir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    for (const pid of await processesMentioning(dir)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo not up within 45 s; stdout:\n${out}\nstderr:\n${err}`)), 45_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Foresight demo is up')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`demo exited (${code}) before it was up; stdout:\n${out}\nstderr:\n${err}`));
    });
  });

  const ports = [...new Set([...out.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))];
  const parts = ['Prometheus', 'Alertmanager', 'Demo workload', 'Fault API'];
  // The companion runs whenever this checkout has it (demo.mjs says so otherwise).
  if (existsSync(join(root, 'backend', 'src', 'cli', 'commands', 'companion.ts'))) parts.push('Companion');
  for (const part of parts) assert.match(out, new RegExp(`^  ${part} `, 'm'));
  assert.ok(ports.length >= 3, `ports printed: ${ports}`);
  for (const p of ports) assert.equal(await isPortOpen(p), true, `port ${p} printed but not open`);
  assert.ok((await processesMentioning(dir)).length >= 2, 'prometheus and alertmanager run with configs in the state dir');
  const metrics = await fetch(`http://127.0.0.1:${ports.find((p) => out.includes(`${p}/metrics`))}/metrics`);
  assert.equal(metrics.status, 200);

  child.kill('SIGINT');
  const { code, signal } = await exited;
  assert.equal(signal, null);
  assert.equal(code, 0, `exit code; stderr:\n${err}`);
  assert.match(out, /Foresight demo stopped/);
  for (const p of ports) assert.equal(await isPortOpen(p), false, `port ${p} still open after stop`);
  assert.deepEqual(await processesMentioning(dir), [], 'no process left behind');
});

test('scripts/demo.mjs rejects a bad flag with one clear line and exit code 1', async () => {
  const child = spawn(process.execPath, [join(root, 'scripts', 'demo.mjs'), '--no-install', '--no-build', '--time-scale', 'fast'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 1);
  assert.equal(err.trim(), 'demo: --time-scale must be a number > 0; got "fast"');
});

test('scripts/demo.mjs without the Prometheus binaries prints the apt line and exits 1', async () => {
  // An empty PATH hides /usr/bin/prometheus; node itself is started by absolute path.
  const child = spawn(process.execPath, [join(root, 'scripts', 'demo.mjs'), '--no-install', '--no-build', '--ports-free'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: '/nonexistent' },
  });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 1);
  assert.match(err, /^demo: prometheus and prometheus-alertmanager are needed; run: sudo apt-get install -y prometheus prometheus-alertmanager\n$/);
});
