// Child process of `npm run bench slo`: runs `foresight slo generate --input SPEC --out DIR` (the streamed path) on
// N generated SLOs in a fresh process, and prints its wall time and peak RSS as JSON (the parent cannot see them).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '../src/cli/commands/slo.js';
import { benchSpec } from './slo-spec.js';

const n = Number(process.argv[2] ?? '1000');

/** CPU seconds of this process's finished children (promtool), from /proc (Linux); NaN elsewhere. */
function childrenCpuMs(): number {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th (clock ticks, 100 per second on Linux).
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return NaN;
  }
}

const dir = await mkdtemp(join(tmpdir(), 'slo-bench-cli-'));
try {
  const spec = join(dir, 'spec.yml');
  await writeFile(spec, benchSpec(n));
  // The CLI reports progress on stderr and the summary on stdout; keep them out of the bench's table.
  const out = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const cpu0 = process.cpuUsage();
  const child0 = childrenCpuMs();
  const t0 = performance.now();
  const code = await run(['generate', '--input', spec, '--out', join(dir, 'rules')]);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const promtoolCpuMs = childrenCpuMs() - child0;
  // CPU seconds of this process (promtool's run in its own processes): the figure a loaded machine does not inflate.
  out(`${JSON.stringify({ n, code, ms, cpuMs: (cpu.user + cpu.system) / 1000, promtoolCpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
