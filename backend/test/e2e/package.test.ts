// The zip `npm run package` makes, unpacked and checked the way Grafana's plugin validator
// (grafana/plugin-validator) checks a submission. The validator itself downloads a Go binary at first run,
// which our machines cannot, so its analyzers that apply to a frontend app are restated here:
//   archive      one top-level folder named after the plugin id; nothing outside it; no symlinks,
//                executables, node_modules or TypeScript sources
//   metadata     plugin.json at the root, valid against Grafana's plugin.json schema (the subset in
//                .config/plugin-schema.subset.json); no unreplaced %VERSION%/%TODAY% placeholders
//   pluginname   ids are <org>-<name>-<type> (app / panel / datasource suffix)
//   version      info.version is semver and equals package.json's version and CHANGELOG's latest entry
//   grafanadependency  declared, a >= range no lower than the @grafana/* the plugin is built against
//   modulejs     module.js for the app and for every nested plugin the app includes
//   jsMap        a source map beside every module.js, naming its sources
//   readme       README.md present, not the create-plugin template, no HTML script
//   changelog / license  CHANGELOG.md and LICENSE present
//   logos        every plugin's logos exist; SVGs carry no script or event handlers (unsafesvg); and, for
//                this project, a different logo per plugin
//   screenshots  at least one, each an existing PNG/JPEG/GIF/WebP file
//   discoverability  keywords and a description
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
let work = '';
let root = '';
let zipFile = '';

type PluginJson = {
  id: string;
  type: string;
  info: { version: string; keywords?: string[]; description?: string; logos: { small: string; large: string }; screenshots?: Array<{ name: string; path: string }> };
  includes?: Array<{ type: string; path?: string }>;
  dependencies: { grafanaDependency?: string };
};

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return lstatSync(p).isDirectory() ? [p, ...walk(p)] : [p];
  });
const read = (p: string) => readFileSync(p, 'utf8');
const json = (p: string) => JSON.parse(read(p)) as PluginJson;

before(() => {
  if (!existsSync(join(repo, 'dist', 'module.js'))) execFileSync('npm', ['run', 'build:plugin'], { cwd: repo, stdio: 'inherit' });
  work = mkdtempSync(join(tmpdir(), 'foresight-pkg-test-'));
  zipFile = execFileSync(process.execPath, [join(repo, 'scripts', 'package.mjs'), '--out', join(work, 'out')], { encoding: 'utf8' }).trim();
  execFileSync('unzip', ['-q', zipFile, '-d', join(work, 'unpacked')]);
  root = join(work, 'unpacked');
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('archive: named <id>-<version>.zip, one top-level folder named after the plugin id, nothing unsafe inside', () => {
  const top = readdirSync(root);
  assert.deepEqual(top, ['foresight-foresight-app']);
  assert.equal(zipFile.split('/').pop(), `foresight-foresight-app-${pkg.version}.zip`);
  assert.equal(read(`${zipFile}.sha1`).trim(), createHash('sha1').update(readFileSync(zipFile)).digest('hex'));
  for (const p of walk(join(root, top[0]!))) {
    const st = lstatSync(p);
    const rel = relative(root, p);
    assert.ok(!st.isSymbolicLink(), `symlink in the archive: ${rel}`);
    if (st.isFile()) assert.equal(st.mode & 0o111, 0, `executable file in the archive: ${rel}`);
    assert.doesNotMatch(rel, /node_modules|\.DS_Store|\.tsx?$/, `does not belong in a plugin archive: ${rel}`);
  }
});

test('metadata, names, versions and Grafana dependency of every plugin.json', () => {
  const dir = join(root, 'foresight-foresight-app');
  const schema = JSON.parse(read(join(repo, '.config', 'plugin-schema.subset.json')));
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const files = walk(dir).filter((p) => p.endsWith('/plugin.json'));
  assert.equal(files.length, 6, `app, datasource and four panels: ${files.map((f) => relative(dir, f))}`);
  const built = (pkg.dependencies['@grafana/ui'] ?? '').replace(/^[^\d]*/, '');
  const changelogVersion = /^## \[?(\d+\.\d+\.\d+[^\s\]]*)/m.exec(read(join(dir, 'CHANGELOG.md')))?.[1];
  assert.equal(changelogVersion, pkg.version, 'CHANGELOG latest entry is the package version');
  for (const f of files) {
    const text = read(f);
    const p = JSON.parse(text) as PluginJson;
    const rel = relative(dir, f);
    assert.ok(validate(p), `${rel}: ${JSON.stringify(validate.errors)}`);
    assert.doesNotMatch(text, /%VERSION%|%TODAY%|%PLUGIN_ID%/, `${rel}: unreplaced placeholder`);
    const suffix = p.type === 'app' ? 'app' : p.type;
    assert.match(p.id, new RegExp(`^[a-z0-9]+-[a-z0-9]+-${suffix}$`), `${rel}: id ${p.id} is <org>-<name>-${suffix}`);
    assert.match(p.info.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, `${rel}: semver version`);
    assert.equal(p.info.version, pkg.version, `${rel}: version matches package.json`);
    const dep = p.dependencies.grafanaDependency ?? '';
    const min = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(dep);
    assert.ok(min, `${rel}: grafanaDependency '${dep}' is a >= range`);
    const [bMaj, bMin] = built.split('.').map(Number);
    assert.ok(
      Number(min[1]) > bMaj! || (Number(min[1]) === bMaj && Number(min[2]) >= bMin!),
      `${rel}: claims Grafana ${dep} but is built against @grafana/ui ${built}`
    );
    assert.ok((p.info.keywords ?? []).length > 0 && (p.info.description ?? '').length > 10, `${rel}: keywords and description`);
  }
});

test('modules and source maps: the app and every included plugin', () => {
  const dir = join(root, 'foresight-foresight-app');
  const app = json(join(dir, 'plugin.json'));
  const nested = (app.includes ?? []).filter((i) => i.path?.endsWith('plugin.json')).map((i) => dirname(i.path!));
  assert.equal(nested.length, 5);
  for (const d of ['.', ...nested]) {
    const mod = join(dir, d, 'module.js');
    assert.ok(existsSync(mod), `${d}/module.js`);
    assert.ok(existsSync(join(dir, d, 'plugin.json')), `${d}/plugin.json`);
    const map = JSON.parse(read(`${mod}.map`)) as { sources?: string[]; mappings?: string };
    assert.ok((map.sources ?? []).length > 0 && (map.mappings ?? '').length > 0, `${d}/module.js.map names its sources`);
    assert.match(read(mod), /sourceMappingURL=module\.js\.map/, `${d}/module.js points at its map`);
  }
});

test('README, CHANGELOG and LICENSE', () => {
  const dir = join(root, 'foresight-foresight-app');
  const readme = read(join(dir, 'README.md'));
  assert.ok(readme.length > 500, 'README has content');
  assert.doesNotMatch(readme, /<script|This template is a starting point/i, 'README is not the template and has no script');
  assert.ok(read(join(dir, 'CHANGELOG.md')).length > 20);
  assert.match(read(join(dir, 'LICENSE')), /Apache License/);
});

test('logos exist, are safe SVGs, and differ per plugin; screenshots exist and are images', () => {
  const dir = join(root, 'foresight-foresight-app');
  const files = walk(dir).filter((p) => p.endsWith('/plugin.json'));
  const hashes = new Map<string, string>();
  for (const f of files) {
    const p = json(f);
    for (const logo of new Set([p.info.logos.small, p.info.logos.large])) {
      const file = join(dirname(f), logo);
      assert.ok(existsSync(file), `${p.id}: logo ${logo}`);
      const svg = read(file);
      assert.doesNotMatch(svg, /<script|\son\w+\s*=|javascript:/i, `${p.id}: unsafe SVG`);
      const h = createHash('sha1').update(svg).digest('hex');
      assert.ok(!hashes.has(h) || hashes.get(h) === p.id, `${p.id} shares its logo with ${hashes.get(h)}`);
      hashes.set(h, p.id);
    }
  }
  const app = json(join(dir, 'plugin.json'));
  const shots = app.info.screenshots ?? [];
  assert.ok(shots.length > 0, 'the app lists screenshots');
  for (const s of shots) {
    const buf = readFileSync(join(dir, s.path));
    const png = buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const jpeg = buf[0] === 0xff && buf[1] === 0xd8;
    assert.ok(s.name.length > 0 && (png || jpeg) && buf.length > 5000, `screenshot ${s.path} is a real image`);
  }
});
