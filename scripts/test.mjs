#!/usr/bin/env node
// `npm test`: every test, in the order that fails fastest — typecheck, unit (companion, plugin), build,
// integration against real Prometheus/Alertmanager, then end-to-end in Chromium. Prints one summary line
// `N passed, N failed` summed over every runner. `npm test -- unit` runs only the steps named.
import { spawn } from 'node:child_process';

const steps = [
  { name: 'typecheck', cmd: 'npm', args: ['run', 'typecheck'] },
  { name: 'unit', cmd: 'npm', args: ['run', 'test:unit', '-w', 'backend'] },
  { name: 'plugin', cmd: 'npm', args: ['run', 'test:plugin'] },
  { name: 'build', cmd: 'npm', args: ['run', 'build'] },
  { name: 'integration', cmd: 'npm', args: ['run', 'test:integration', '-w', 'backend'] },
  { name: 'e2e', cmd: 'npm', args: ['run', 'test:e2e', '-w', 'backend'] },
];
const only = process.argv.slice(2);
const chosen = only.length ? steps.filter((s) => only.includes(s.name)) : steps;

// Counts from Node's test runner (TAP `# pass N` / spec `ℹ pass N`) and jest (`Tests: N failed, N passed`).
function count(text) {
  let passed = 0;
  let failed = 0;
  for (const m of text.matchAll(/^(?:#|ℹ) (pass|fail) (\d+)$/gm)) {
    if (m[1] === 'pass') passed += Number(m[2]);
    else failed += Number(m[2]);
  }
  for (const m of text.matchAll(/^Tests:\s+(.*)$/gm)) {
    const f = /(\d+) failed/.exec(m[1]);
    const p = /(\d+) passed/.exec(m[1]);
    if (f) failed += Number(f[1]);
    if (p) passed += Number(p[1]);
  }
  return { passed, failed };
}

function run(step) {
  return new Promise((resolve) => {
    const started = Date.now();
    process.stdout.write(`\n=== ${step.name}: ${step.cmd} ${step.args.join(' ')}\n`);
    const child = spawn(step.cmd, step.args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    const tee = (stream, sink) =>
      stream.on('data', (b) => {
        out += b.toString();
        sink.write(b);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code, signal) => resolve({ code: signal ? 1 : code ?? 1, out, seconds: (Date.now() - started) / 1000 }));
  });
}

let passed = 0;
let failed = 0;
const summary = [];
for (const step of chosen) {
  const r = await run(step);
  const c = count(r.out);
  passed += c.passed;
  failed += c.failed;
  summary.push(`${step.name.padEnd(12)} ${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.seconds.toFixed(0).padStart(4)}s  ${c.passed} passed, ${c.failed} failed`);
  if (r.code !== 0 && c.failed === 0) failed += 1; // a step that broke without a test count still fails the run
}
process.stdout.write(`\n=== summary\n${summary.join('\n')}\n\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
