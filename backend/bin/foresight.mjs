#!/usr/bin/env node
// The `foresight` CLI. Runs the built bundle when present, else the TypeScript source through tsx
// (a fresh clone works before `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '..', 'dist', 'cli.mjs');
// FORESIGHT_FROM_SOURCE=1 (set by the test runner) always runs the source, so a stale bundle never hides a change.
if (existsSync(built) && process.env.FORESIGHT_FROM_SOURCE !== '1') {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(here, '..', 'src', 'cli', 'main.ts')).href);
}
