// Bundles the companion CLI (`src/cli/main.ts`) into one ESM file, `dist/cli.mjs`, for Node 20.
// Native and optional packages stay external (resolved from node_modules at run time). The banner
// defines `require`, `__filename` and `__dirname`, which CommonJS dependencies expect, inside ESM.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, 'dist', 'cli.mjs');

const external = [
  'better-sqlite3', // native addon
  'bindings',
  'playwright-core', // optional, large; only tests and e2e tools use it
  'chromium-bidi',
  'fsevents',
  'esbuild',
  'tsx',
  'pino-pretty', // optional pino transport
];

mkdirSync(dirname(outfile), { recursive: true });
const result = await build({
  entryPoints: [join(here, 'src', 'cli', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external,
  logLevel: 'warning',
  metafile: true,
  banner: {
    js: [
      "import { createRequire as __foresightCreateRequire } from 'node:module';",
      "import { fileURLToPath as __foresightFileURLToPath } from 'node:url';",
      "import { dirname as __foresightDirname } from 'node:path';",
      'const require = __foresightCreateRequire(import.meta.url);',
      'const __filename = __foresightFileURLToPath(import.meta.url);',
      'const __dirname = __foresightDirname(__filename);',
    ].join('\n'),
  },
});
const bytes = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
process.stdout.write(`built ${outfile} (${(bytes / 1024).toFixed(0)} KiB with source map)\n`);
