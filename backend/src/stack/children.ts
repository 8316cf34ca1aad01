// Spawns and supervises the stack's child processes. Every child is tracked so that a process-exit
// hook (and SIGINT/SIGTERM/SIGHUP when nobody else handles them) kills what is left: no orphans
// even when a test fails half-way.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, type WriteStream } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

const live = new Set<ChildProcess>();
let hooked = false;

function killAllSync(): void {
  for (const c of live) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function installHooks(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // Someone else (e.g. scripts/demo.mjs) handles this signal and stops us cleanly: leave it to them.
      if (process.listenerCount(sig) > 1) return;
      killAllSync();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig); // die the way the signal meant
    };
    process.on(sig, onSignal);
  }
}

/** Finds an executable on PATH (or an absolute path); undefined if missing. */
export function findBinary(name: string): string | undefined {
  const candidates = isAbsolute(name) ? [name] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export const APT_HINT = 'apt-get install -y prometheus prometheus-alertmanager prometheus-node-exporter';

/** The binary's path, or a clear Error telling how to install it. */
export function requireBinary(name: string, what: string): string {
  const found = findBinary(name);
  if (!found) throw new Error(`${what}: '${name}' not found on PATH; install it with: ${APT_HINT}`);
  return found;
}

export interface Supervised {
  name: string;
  child: ChildProcess;
  /** last few KB of stderr+stdout, for error messages */
  tail(): string;
  exited(): boolean;
  /** resolves when the process has exited */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, wait up to graceMs, then SIGKILL; resolves once exited */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  cmd: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** also append the output here */
  logFile?: string;
}

const TAIL_BYTES = 4000;

export function spawnSupervised(o: SpawnOptions): Supervised {
  installHooks();
  const child = spawn(o.cmd, o.args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let tail = '';
  let log: WriteStream | undefined = o.logFile ? createWriteStream(o.logFile, { flags: 'a' }) : undefined;
  const onData = (b: Buffer): void => {
    tail = (tail + b.toString()).slice(-TAIL_BYTES);
    log?.write(b);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let done = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      live.delete(child);
      log?.end();
      log = undefined;
      resolve({ code, signal });
    };
    child.on('exit', finish);
    child.on('error', (err: NodeJS.ErrnoException) => {
      tail += `\n[spawn ${o.cmd}: ${err.message}]`;
      finish(null, null);
    });
  });
  return {
    name: o.name,
    child,
    tail: () => tail,
    exited: () => done,
    exit,
    async stop(graceMs = 8000): Promise<void> {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!done) child.kill('SIGKILL');
      }, graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Polls url until it answers 2xx; throws with the child's output tail on timeout or early exit. */
export async function waitReady(p: Supervised, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (p.exited()) {
      const r = await p.exit;
      throw new Error(`${p.name} exited (code ${r.code}${r.signal ? `, signal ${r.signal}` : ''}) before it was ready; its output ends:\n${p.tail().trim()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await p.stop(2000);
  throw new Error(`${p.name} was not ready at ${url} within ${timeoutMs} ms (last: ${last}); its output ends:\n${p.tail().trim()}`);
}
