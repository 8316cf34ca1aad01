#!/usr/bin/env node
// Packs the built plugin (dist/) the way Grafana's plugin tooling does: a zip named
// <plugin-id>-<version>.zip whose single top-level folder is the plugin id, holding module.js,
// plugin.json, README, CHANGELOG, LICENSE, logos, screenshots, nested plugins and source maps;
// plus a .sha1 next to it. `npm run package` builds first; `node scripts/package.mjs` packs dist/ as is.
//   node scripts/package.mjs [--dist dist] [--out artifacts]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : dflt;
};
const dist = arg('dist', join(root, 'dist'));
const out = arg('out', join(root, 'artifacts'));

function fail(msg) {
  process.stderr.write(`package: ${msg}\n`);
  process.exit(1);
}

if (!existsSync(join(dist, 'plugin.json'))) fail(`${dist}/plugin.json not found: build the plugin first (npm run build:plugin)`);
const plugin = JSON.parse(readFileSync(join(dist, 'plugin.json'), 'utf8'));
const version = plugin.info?.version;
if (!plugin.id || !version || version.includes('%')) fail(`dist/plugin.json has no resolved id/version (id ${plugin.id}, version ${version})`);
const pkgVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
if (version !== pkgVersion) fail(`dist/plugin.json version ${version} differs from package.json ${pkgVersion}: rebuild`);

const stage = mkdtempSync(join(tmpdir(), 'foresight-package-'));
try {
  cpSync(dist, join(stage, plugin.id), { recursive: true, dereference: true });
  mkdirSync(out, { recursive: true });
  const zip = join(out, `${plugin.id}-${version}.zip`);
  rmSync(zip, { force: true });
  // -X: no extra file attributes (uid/gid); -r: the folder; entries are relative to the stage dir.
  execFileSync('zip', ['-q', '-X', '-r', zip, plugin.id], { cwd: stage, stdio: 'inherit' });
  const sha1 = createHash('sha1').update(readFileSync(zip)).digest('hex');
  writeFileSync(`${zip}.sha1`, `${sha1}\n`);
  process.stdout.write(`${zip}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
