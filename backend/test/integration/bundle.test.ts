// The built bundle (backend/dist/cli.mjs, what `npm run build -w backend` makes and `npm run demo`
// prefers) finds its data the way the source does: runbooks/ resolved from the package root, not from the
// bundle file's own location. Built here, then run as `node backend/dist/cli.mjs companion` against a
// real Prometheus, from a working directory far from the repository.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, startPrometheus, type Managed } from '../../src/stack/index.js';
import { spawnSupervised, waitReady } from '../../src/stack/children.js';
import { packageRoot, repoRoot } from '../../src/paths.js';

let dir = '';
const parts: Managed[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fs-bundle-'));
  execFileSync(process.execPath, [join(packageRoot(), 'build.mjs')], { cwd: packageRoot(), stdio: 'pipe' });
});

after(async () => {
  for (const m of parts.reverse()) await m.stop().catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the bundle serves the repository runbooks, whatever the working directory', async () => {
  const prom = await startPrometheus({ configYaml: stringify({ global: { scrape_interval: '15s' } }), dataDir: join(dir, 'prom') });
  parts.push(prom);
  const port = await freePort();
  const config = join(dir, 'companion.yml');
  await writeFile(config, stringify({ server: { host: '127.0.0.1', port }, prometheus: { url: prom.url }, alertmanager: { url: null }, store: { file: join(dir, 'f.db') }, rules: { dir: join(dir, 'rules') }, auth: { token: 'bundle-token' } }));
  const p = spawnSupervised({ name: 'bundled companion', cmd: process.execPath, args: [join(packageRoot(), 'dist', 'cli.mjs'), 'companion', '--config', config], cwd: dir });
  parts.push({ url: `http://127.0.0.1:${port}`, port, stop: () => p.stop(5000) });
  await waitReady(p, `http://127.0.0.1:${port}/healthz`, 60_000);
  const r = await fetch(`http://127.0.0.1:${port}/api/rca/runbooks`, { headers: { Authorization: 'Bearer bundle-token' } });
  assert.equal(r.status, 200, await r.clone().text());
  const { runbooks } = (await r.json()) as { runbooks: { id: string; file: string }[] };
  const expected = (await readdir(join(repoRoot(), 'runbooks'))).filter((n) => n.endsWith('.md') && n.toLowerCase() !== 'readme.md');
  assert.ok(expected.length > 0);
  assert.deepEqual(runbooks.map((b) => `${b.id}.md`).sort(), expected.sort());
  for (const b of runbooks) assert.ok(b.file.startsWith(join(repoRoot(), 'runbooks')), b.file);
});
