// Runs one suite of the companion's tests with Node's test runner (Node 20 takes no globs):
// `node test/run.mjs unit|integration|e2e [filter]`. Files are test/<suite>/**/*.test.ts.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const [suite = 'unit', filter] = process.argv.slice(2);
const root = join(import.meta.dirname, suite);
const walk = (dir) =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : n.endsWith('.test.ts') ? [p] : [];
  });
const files = walk(root)
  .map((p) => relative(process.cwd(), p))
  .filter((p) => !filter || p.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no ${suite} tests${filter ? ` matching '${filter}'` : ''}`);
  process.exit(1);
}
// Integration files spend most of their time waiting on real time (scrapes, baselines, alert 'for'), so two
// run at once; they take free ports and their own directories. The e2e drives Chromium: one at a time.
const concurrency = suite === 'e2e' ? '1' : '2';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files],
  { stdio: 'inherit', env: { ...process.env, FORESIGHT_FROM_SOURCE: '1' } },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 1));
