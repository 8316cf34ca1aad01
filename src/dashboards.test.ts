// The provisioned dashboards and provisioning files: panels use our plugin ids or core panels, datasources
// point at the provisioned uids, companion queries are valid contract queries, and every $variable exists.
import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import { querySchema } from '@foresight/contract';

const root = path.resolve(__dirname, '..');
const dashDir = path.join(root, 'dashboards');
const dashboards = fs.readdirSync(dashDir).filter((f) => f.endsWith('.json'));
const OUR_PANELS = [
  'foresight-slo-panel',
  'foresight-health-panel',
  'foresight-capacity-panel',
  'foresight-rootcause-panel',
];
const CORE_PANELS = ['timeseries', 'stat', 'table', 'gauge', 'bargauge', 'text'];

const provisionedDs = YAML.parse(fs.readFileSync(path.join(root, 'provisioning/datasources/foresight.yaml'), 'utf8'))
  .datasources as Array<{
  uid: string;
  type: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, unknown>;
}>;

test('the three dashboards exist with unique uids', () => {
  expect(dashboards.sort()).toEqual(['capacity.json', 'overview.json', 'slo-detail.json']);
  const uids = dashboards.map((f) => JSON.parse(fs.readFileSync(path.join(dashDir, f), 'utf8')).uid);
  expect(new Set(uids).size).toBe(3);
});

test.each(dashboards)('%s: panels, datasources, queries and variables are consistent', (file) => {
  const d = JSON.parse(fs.readFileSync(path.join(dashDir, file), 'utf8'));
  const vars = new Set<string>(d.templating.list.map((v: { name: string }) => v.name));
  const uids = new Map(provisionedDs.map((ds) => [ds.uid, ds.type]));
  for (const v of d.templating.list) {
    expect(uids.get(v.datasource.uid)).toBe(v.datasource.type);
  }
  const text = JSON.stringify(d.panels);
  for (const m of text.matchAll(/\$(\w+)/g)) {
    expect(vars).toContain(m[1]);
  }
  for (const p of d.panels) {
    expect([...OUR_PANELS, ...CORE_PANELS]).toContain(p.type);
    expect(uids.get(p.datasource.uid)).toBe(p.datasource.type);
    expect(p.gridPos.w).toBeGreaterThan(0);
    for (const t of p.targets) {
      if (t.datasource.uid === 'foresight') {
        const { datasource: _d, ...q } = t;
        const parsed = querySchema.safeParse(JSON.parse(JSON.stringify(q).replace(/\$\w+/g, 'x')));
        expect(parsed.success ? '' : `${file} panel ${p.id}: ${parsed.error.message}`).toBe('');
      } else {
        expect(t.expr).toMatch(/foresight_|slo:/);
      }
    }
  }
});

test('provisioning wires the app and the companion datasource with the demo URL and token', () => {
  const fsDs = provisionedDs.find((d) => d.uid === 'foresight');
  expect(fsDs).toMatchObject({
    type: 'foresight-companion-datasource',
    jsonData: { companionUrl: 'http://companion:8787' },
    secureJsonData: { apiToken: 'foresight-demo-token' },
  });
  expect(provisionedDs.find((d) => d.uid === 'prometheus')?.type).toBe('prometheus');
  const apps = YAML.parse(fs.readFileSync(path.join(root, 'provisioning/plugins/apps.yaml'), 'utf8')).apps;
  expect(apps[0]).toMatchObject({
    type: 'foresight-foresight-app',
    jsonData: { companionUrl: 'http://companion:8787' },
  });
  const dash = YAML.parse(fs.readFileSync(path.join(root, 'provisioning/dashboards/foresight.yaml'), 'utf8'));
  expect(dash.providers[0].type).toBe('file');
});
