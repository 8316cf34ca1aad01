// Every plugin.json (app, nested datasource and panels) against the subset of Grafana's plugin.json
// schema in .config/plugin-schema.subset.json, plus the nesting rules Grafana applies to apps.
import fs from 'fs';
import path from 'path';
import Ajv from 'ajv';

const root = path.resolve(__dirname, '..');
const schema = JSON.parse(fs.readFileSync(path.join(root, '.config/plugin-schema.subset.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(schema);

function findPluginJsons(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? findPluginJsons(p) : e.name === 'plugin.json' ? [p] : [];
  });
}
const files = findPluginJsons(__dirname);
const read = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'));

describe('plugin.json files', () => {
  test('there is an app, a datasource and four panels', () => {
    expect(files.map((f) => read(f).id).sort()).toEqual([
      'foresight-capacity-panel',
      'foresight-companion-datasource',
      'foresight-foresight-app',
      'foresight-health-panel',
      'foresight-rootcause-panel',
      'foresight-slo-panel',
    ]);
  });

  test.each(files.map((f) => [path.relative(root, f), f]))('%s matches the schema', (_name, file) => {
    const ok = validate(read(file));
    expect(ok ? [] : validate.errors?.map((e) => `${e.dataPath} ${e.message}`)).toEqual([]);
  });

  test('the schema rejects what Grafana would reject', () => {
    const app = read(path.join(__dirname, 'plugin.json'));
    expect(validate({ ...app, id: 'Foresight_App' })).toBe(false);
    expect(validate({ ...app, type: 'widget' })).toBe(false);
    expect(validate({ ...app, unknownField: 1 })).toBe(false);
    const { info: _info, ...noInfo } = app;
    expect(validate(noInfo)).toBe(false);
    expect(validate({ ...app, includes: [{ type: 'page', role: 'Superuser' }] })).toBe(false);
    expect(validate({ ...app, routes: [{ path: 'x', url: 'y', headers: [{ name: 'Authorization' }] }] })).toBe(false);
  });

  test('the app includes every nested plugin by path, and each has its module', () => {
    const app = read(path.join(__dirname, 'plugin.json'));
    const nested = files.filter((f) => f !== path.join(__dirname, 'plugin.json'));
    for (const f of nested) {
      const rel = path.relative(__dirname, f);
      const inc = app.includes.find((i: { path?: string }) => i.path === rel);
      expect(inc?.type).toBe(read(f).type);
      expect(fs.readdirSync(path.dirname(f)).some((n) => /^module\.tsx?$/.test(n))).toBe(true);
    }
  });

  test('proxy routes take the token from secureJsonData so it never reaches the browser', () => {
    for (const f of [path.join(__dirname, 'plugin.json'), path.join(__dirname, 'datasource/plugin.json')]) {
      const route = read(f).routes.find((r: { path: string }) => r.path === 'companion');
      expect(route.url).toBe('{{ .JsonData.companionUrl }}');
      expect(route.headers).toEqual([{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' }]);
    }
  });
});
