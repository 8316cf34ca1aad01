// `npm run bench slo`: generate and promtool-check rules for 1,000 SLOs (a mix of every SLI kind and window), step by
// step in this process; then the streamed CLI path (`slo generate --out`) for 1,000 and 5,000 SLOs, each in a fresh
// process, with wall time and peak RSS (targets for 5,000: < 15 s, < 500 MB).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promtoolCheckRules } from '../src/rules/promtool.js';
import { generateRuleFiles } from '../src/slo/generate.js';
import { loadSpecsOrThrow } from '../src/slo/load.js';
import { ruleTestFiles } from '../src/slo/rule-tests.js';
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { benchSpec } from './slo-spec.js';

const N = 1000;

const spec = (n: number): string => benchSpec(n);

export default async function (): Promise<void> {
  const text = spec(N);
  const t0 = performance.now();
  const { slos } = loadSpecsOrThrow([{ file: 'bench.yml', text }]);
  const t1 = performance.now();
  const files = generateRuleFiles(slos);
  const t2 = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'slo-bench-'));
  try {
    const paths = await Promise.all(Object.entries(files).map(async ([n, y]) => (await writeFile(join(dir, n), y), join(dir, n))));
    const t3 = performance.now();
    // One promtool process per 250 files keeps argv short and uses both cores.
    const chunks: string[][] = [];
    for (let i = 0; i < paths.length; i += 250) chunks.push(paths.slice(i, i + 250));
    const results = await Promise.all(chunks.map((c) => promtoolCheckRules(c)));
    const t4 = performance.now();
    const ok = results.every((r) => r.ok);
    const rules = results.reduce((a, r) => a + [...r.output.matchAll(/SUCCESS: (\d+) rules found/g)].reduce((x, m) => x + Number(m[1]), 0), 0);
    const t5 = performance.now();
    for (const s of slos) ruleTestFiles(s);
    const t6 = performance.now();
    const bytes = Object.values(files).reduce((a, y) => a + y.length, 0);
    const row = (step: string, ms: number) => `| ${step.padEnd(38)} | ${ms.toFixed(0).padStart(8)} | ${((ms * 1000) / N).toFixed(1).padStart(10)} |`;
    console.log(`${N} SLOs → ${Object.keys(files).length} files, ${rules} rules, ${(bytes / 1e6).toFixed(1)} MB; promtool check ${ok ? 'OK' : 'FAILED'}\n`);
    console.log(`| ${'step'.padEnd(38)} | ${'ms'.padStart(8)} | ${'µs per SLO'.padStart(10)} |`);
    console.log(`|${'-'.repeat(40)}|${'-'.repeat(10)}|${'-'.repeat(12)}|`);
    console.log(row('parse + validate (lezer PromQL)', t1 - t0));
    console.log(row('generate rule YAML', t2 - t1));
    console.log(row('write files', t3 - t2));
    console.log(row(`promtool check rules (${chunks.length} procs)`, t4 - t3));
    console.log(row('generate promtool test suites', t6 - t5));
    console.log(row('total generate + check', t4 - t0));
    if (!ok) console.log(results.map((r) => r.output).join('\n').slice(0, 2000));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await streamed();
}

/** The CLI's streamed generate (chunks of 500, promtool-checked, written to --out), one fresh process per size. */
async function streamed(): Promise<void> {
  const child = fileURLToPath(new URL('./slo-generate-child.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
  const bin = existsSync(tsx) ? tsx : fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  console.log(`\nStreamed CLI path: foresight slo generate --out (load average ${loadavg()[0]!.toFixed(1)} at start)\n`);
  // The wall time depends on what else the machine runs; CPU seconds (this process, and its promtool children) less so.
  console.log('| SLOs | exit | wall s | node CPU s | promtool CPU s | peak RSS MB | target |');
  console.log('|------|------|--------|------------|----------------|-------------|--------|');
  for (const n of [1000, 5000]) {
    const { stdout } = await promisify(execFile)(bin, [child, String(n)], { maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { code: number; ms: number; cpuMs: number; promtoolCpuMs: number | null; maxRssMb: number };
    const target = n === 5000 ? `< 15 s, < 500 MB: ${r.ms < 15000 && r.maxRssMb < 500 ? 'met' : 'NOT met'}` : '';
    const promtool = r.promtoolCpuMs === null ? 'n/a' : (r.promtoolCpuMs / 1000).toFixed(1); // null: no /proc (JSON has no NaN)
    console.log(`| ${n} | ${r.code} | ${(r.ms / 1000).toFixed(1)} | ${(r.cpuMs / 1000).toFixed(1)} | ${promtool} | ${r.maxRssMb.toFixed(0)} | ${target} |`);
  }
}
