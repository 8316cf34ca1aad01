#!/usr/bin/env node
// The `foresight` CLI. Runs the built bundle when present, else the TypeScript source through tsx
// (a fresh clone works before `npm run build`).
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '..', 'dist', 'cli.mjs');

// `foresight forecast` (a batch of many series) is CPU-bound and allocates a typed array after another,
// so it runs in a child process set up for throughput (2,000 series x 2,016 rows: about 15% less CPU than
// one plain process, and about the same wall time on two cores):
// - --single-threaded: V8 compiles and collects on the main thread. Its background compiler and GC
//   threads cost more CPU than they save here, and on one core they only take turns with the work.
// - --no-lazy-feedback-allocation: type feedback from a function's first call on. Without it a branch
//   taken only in the first calls (a scratch buffer growing) had none, and the large ensemble function
//   was deoptimised and compiled again for it.
// - glibc's malloc keeps freed memory instead of trimming it, and backs large blocks with huge pages:
//   typed arrays are malloc'd, and page faults (first touches of fresh memory) were 50,000 a run, about
//   a tenth of its CPU on a VM. (Other C libraries ignore GLIBC_TUNABLES.)
// A second process costs a Node start (0.1-0.15 s of CPU), so a regular file under 8 MiB (about 100
// series of 2,016 rows) is forecast in this one; standard input or a pipe may be long and gets the child.
// FORESIGHT_CLI_CHILD=1 marks the child; a user may set it to run in one plain process.
function batchInput(argv) {
  if (argv[0] !== 'forecast' || process.env.FORESIGHT_CLI_CHILD === '1') {
    return false;
  }
  const { values } = parseArgs({ args: argv.slice(1), options: { input: { type: 'string', short: 'i' } }, strict: false, allowPositionals: true });
  const input = typeof values.input === 'string' ? values.input : undefined;
  if (input === undefined) {
    return false; // a usage error: this process reports it
  }
  if (input === '-') {
    return true;
  }
  let st;
  try {
    st = statSync(input);
  } catch {
    return false; // missing or unreadable: this process reports it
  }
  if (st.isDirectory()) {
    return false; // reported by this process too
  }
  return !st.isFile() || st.size >= 8 * 2 ** 20; // a FIFO or device may be long
}

if (batchInput(process.argv.slice(2))) {
  const tunables = 'glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864:glibc.malloc.trim_threshold=268435456';
  // A user's own tunables come last, so they win over these.
  const env = { ...process.env, FORESIGHT_CLI_CHILD: '1', GLIBC_TUNABLES: process.env.GLIBC_TUNABLES ? `${tunables}:${process.env.GLIBC_TUNABLES}` : tunables };
  const flags = ['--single-threaded', '--no-lazy-feedback-allocation', ...process.execArgv];
  // The handlers go in before the spawn: a signal that came between the child's start and them killed
  // this process alone and left the child running (a unit test saw it with both cores busy). A signal
  // caught during the spawn runs its handler after it, when `child` is set.
  let child;
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, forward);
  }
  child = spawn(process.execPath, [...flags, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env });
  child.on('error', (err) => {
    process.stderr.write(`foresight: cannot start the forecast process: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, as the child did.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exitCode = code ?? 1;
    }
  });
} else if (existsSync(built) && process.env.FORESIGHT_FROM_SOURCE !== '1') {
  // FORESIGHT_FROM_SOURCE=1 (set by the test runner) always runs the source, so a stale bundle never hides a change.
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(here, '..', 'src', 'cli', 'main.ts')).href);
}
