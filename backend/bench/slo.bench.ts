// `npm run bench slo`: generate and promtool-check rules for 1,000 SLOs (a mix of every SLI kind and window).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promtoolCheckRules } from '../src/rules/promtool.js';
import { generateRuleFiles } from '../src/slo/generate.js';
import { loadSpecsOrThrow } from '../src/slo/load.js';
import { ruleTestFiles } from '../src/slo/rule-tests.js';

const N = 1000;

function spec(n: number): string {
  const kinds = [
    (i: number) => `      ratio:\n        errors: sum(rate(http_requests_total{svc="s${i}",code=~"5.."}[{{.window}}]))\n        total: sum(rate(http_requests_total{svc="s${i}"}[{{.window}}]))`,
    (i: number) => `      latency:\n        metric: http_request_duration_seconds\n        selector: '{svc="s${i}"}'\n        threshold: 0.25`,
    (i: number) => `      availability:\n        metric: up\n        selector: '{job="s${i}"}'`,
    (i: number) => `      raw:\n        errorRatio: 1 - avg(rate(ok_total{svc="s${i}"}[{{.window}}]))`,
  ];
  const windows = ['window: 30d', 'window: 28d', 'window: 7d', 'calendar: month'];
  let out = 'version: foresight/v1\nslos:\n';
  for (let i = 0; i < n; i++) {
    out += `  - service: svc-${i % 100}\n    name: slo-${i}\n    objective: ${[99.9, 99.5, 99, 95][i % 4]}\n    ${windows[(i >> 2) % 4]}\n    alerting:\n      minEvents: ${i % 3 === 0 ? 10 : 0}\n    sli:\n${kinds[i % 4]!(i)}\n`;
  }
  return out;
}

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
}
