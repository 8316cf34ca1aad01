// Child process of `npm run bench slo`: runs `foresight slo generate --input SPEC --out DIR` (the streamed path) on
// N generated SLOs in a fresh process, and prints its wall time and peak RSS as JSON (the parent cannot see them).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '../src/cli/commands/slo.js';
import { benchSpec } from './slo-spec.js';

const n = Number(process.argv[2] ?? '1000');
const dir = await mkdtemp(join(tmpdir(), 'slo-bench-cli-'));
try {
  const spec = join(dir, 'spec.yml');
  await writeFile(spec, benchSpec(n));
  // The CLI reports progress on stderr and the summary on stdout; keep them out of the bench's table.
  const out = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const code = await run(['generate', '--input', spec, '--out', join(dir, 'rules')]);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // CPU seconds of this process (promtool's run in its own processes): the figure a loaded machine does not inflate.
  out(`${JSON.stringify({ n, code, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
