// Spawns and supervises the stack's child processes. Every child is tracked so that a process-exit
// hook (and SIGINT/SIGTERM/SIGHUP when nobody else handles them) kills what is left: no orphans
// even when a test fails half-way. Each child leads its own process group (so its own children go with
// it), and a small watchdog process kills those groups when this process dies without running any hook
// (SIGKILL, OOM). A child can be kept alive: restarted with backoff when it dies, saying so.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, type WriteStream } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

const live = new Set<ChildProcess>();
let hooked = false;

/** Signals a child's whole process group (it was spawned detached, so its pid is the group id). */
function killGroup(c: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (c.pid) process.kill(-c.pid, sig);
    else c.kill(sig);
  } catch {
    try {
      c.kill(sig);
    } catch {
      // already gone
    }
  }
}

function killAllSync(): void {
  for (const c of live) killGroup(c, 'SIGKILL');
  live.clear();
}

// The watchdog: a detached node process that learns our children's pids on its stdin ("+pid" / "-pid")
// and, when that pipe closes (we exited or were SIGKILLed), sends their process groups SIGTERM, then SIGKILL.
const WATCHDOG = `
const groups = new Set(); let buf = '';
const kill = (sig) => { for (const g of groups) { try { process.kill(-g, sig); } catch {} } };
const end = () => { kill('SIGTERM'); setTimeout(() => { kill('SIGKILL'); process.exit(0); }, 3000); };
process.stdin.on('data', (d) => { buf += d; let i; while ((i = buf.indexOf('\\n')) >= 0) { const l = buf.slice(0, i); buf = buf.slice(i + 1);
  const pid = Number(l.slice(1)); if (pid > 1) { if (l[0] === '+') groups.add(pid); else groups.delete(pid); } } });
process.stdin.on('end', end); process.stdin.on('error', end);
`;
let watchdog: ChildProcess | undefined;

function tellWatchdog(line: string): void {
  if (process.env.FORESIGHT_NO_WATCHDOG === '1') return;
  if (!watchdog) {
    watchdog = spawn(process.execPath, ['-e', WATCHDOG], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    watchdog.on('error', () => (watchdog = undefined));
    watchdog.unref();
    // The pipe must not keep this process alive either.
    (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    watchdog.stdin?.on('error', () => undefined);
  }
  watchdog.stdin?.write(`${line}\n`);
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
  /** the current process (a new one after a restart) */
  readonly child: ChildProcess;
  /** last few KB of stderr+stdout, for error messages */
  tail(): string;
  exited(): boolean;
  /** resolves when the process has exited */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, wait up to graceMs, then SIGKILL; resolves once exited */
  stop(graceMs?: number): Promise<void>;
  /**
   * From now on, restart the child when it dies (1 s backoff, doubling to 30 s; reset after a minute up),
   * telling `report` each time. `ready` (optional) is awaited after each restart before it counts as up.
   */
  keepAlive(report: (line: string) => void, ready?: () => Promise<void>): void;
  /** 'running', or how and when it ended ('exited with code 1 at 12:03:04') */
  state(): string;
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

const hhmmss = (d: Date): string => d.toTimeString().slice(0, 8);
const describeExit = (r: { code: number | null; signal: NodeJS.Signals | null }): string =>
  r.signal ? `killed by ${r.signal}` : `exited with code ${r.code}`;

export function spawnSupervised(o: SpawnOptions): Supervised {
  installHooks();
  let tail = '';
  let log: WriteStream | undefined = o.logFile ? createWriteStream(o.logFile, { flags: 'a' }) : undefined;
  const onData = (b: Buffer): void => {
    tail = (tail + b.toString()).slice(-TAIL_BYTES);
    log?.write(b);
  };
  let stopping = false;
  let done = false;
  let ended = '';
  let keep: { report: (line: string) => void; ready?: () => Promise<void> } | undefined;
  let backoffMs = 1000;
  let resolveExit!: (r: { code: number | null; signal: NodeJS.Signals | null }) => void;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => (resolveExit = r));
  let current: { child: ChildProcess; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

  const launch = (): void => {
    // detached: the child leads its own process group, so stopping it also stops what it started.
    const child = spawn(o.cmd, o.args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    live.add(child);
    if (child.pid) tellWatchdog(`+${child.pid}`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const startedAt = Date.now();
    let finished = false;
    const childExit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (finished) return;
        finished = true;
        live.delete(child);
        if (child.pid) tellWatchdog(`-${child.pid}`);
        resolve({ code, signal });
      };
      child.on('exit', finish);
      child.on('error', (err: NodeJS.ErrnoException) => {
        tail += `\n[spawn ${o.cmd}: ${err.message}]`;
        finish(null, null);
      });
    });
    current = { child, exit: childExit };
    void childExit.then((r) => {
      if (current.child !== child) return;
      const how = describeExit(r);
      if (keep && !stopping) {
        if (Date.now() - startedAt > 60_000) backoffMs = 1000;
        const wait = backoffMs;
        backoffMs = Math.min(backoffMs * 2, 30_000);
        keep.report(`${o.name} ${how} at ${hhmmss(new Date())}; restarting in ${wait / 1000} s`);
        const k = keep;
        setTimeout(() => {
          if (stopping) return finalise(r, how);
          launch();
          void (k.ready ? k.ready() : Promise.resolve()).then(
            () => k.report(`${o.name} restarted and ready`),
            (err: unknown) => k.report(`${o.name} restarted but not ready: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`),
          );
        }, wait).unref();
        return;
      }
      finalise(r, how);
    });
  };
  const finalise = (r: { code: number | null; signal: NodeJS.Signals | null }, how: string): void => {
    if (done) return;
    done = true;
    ended = `${how} at ${hhmmss(new Date())}`;
    log?.end();
    log = undefined;
    resolveExit(r);
  };
  launch();
  return {
    name: o.name,
    get child() {
      return current.child;
    },
    tail: () => tail,
    exited: () => done,
    exit,
    state: () => (done ? ended : 'running'),
    keepAlive(report, ready) {
      keep = { report, ready };
    },
    async stop(graceMs = 8000): Promise<void> {
      stopping = true;
      if (done) return;
      const { child, exit: childExit } = current;
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
        const r = await childExit;
        clearTimeout(timer);
        finalise(r, describeExit(r));
      } else {
        // between a death and its restart: nothing to signal
        finalise(await childExit, 'stopped');
      }
      await exit;
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
