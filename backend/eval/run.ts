// `npm run eval [name…]`: runs every backend/eval/*.eval.ts (each default-exports an async function that
// prints its tables), alphabetically, or only those whose names are given.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.eval.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
if (files.length === 0) {
  process.stderr.write('no eval suites matched\n');
  process.exit(2);
}
for (const f of files) {
  process.stdout.write(`\n## ${f.replace('.eval.ts', '')}\n\n`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<void> };
  await mod.default();
}
