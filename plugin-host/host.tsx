// The plugin host page: loads the BUILT plugin (dist/) the way Grafana does — AMD modules whose
// externals (react, @grafana/*, …) are supplied from their npm packages — and renders each panel with
// data from the real datasource's query(), each app page, and the datasource's editors.
// Paths as in Grafana: /a/<app-id>/<page…> (app pages, under a router on locationService's browser
// history), /plugins/<app-id> (app configuration), /d/<uid> (a provisioned dashboard from dashboards/*.json).
// Views: ?view=index | panel/<slo|health|capacity|rootcause> | datasource/<config|query>, and the shorthands
//        page/<overview|slos|slo-new|capacity|anomalies|incidents|experiments|config> and dashboard/<uid>,
//        which are replaced by the Grafana path.      &theme=dark|light  &from=&to= (unix ms)  &timezone=
import React, { Suspense, useEffect, useLayoutEffect, useState, type ComponentType } from 'react';
import * as ReactAll from 'react';
import * as ReactDOMAll from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import * as JsxRuntime from 'react/jsx-runtime';
import * as GrafanaData from '@grafana/data';
import * as GrafanaUi from '@grafana/ui';
import * as GrafanaRuntime from '@grafana/runtime';
import * as EmotionCss from '@emotion/css';
import * as Rxjs from 'rxjs';
import * as ReactRouter from 'react-router';
import { Route, Router, Routes, useLocation, type Navigator } from 'react-router-dom';
import {
  LoadingState,
  PluginType,
  createTheme,
  dateTime,
  type AppPlugin,
  type DataQueryRequest,
  type DataSourceApi,
  type DataSourcePlugin,
  type DataSourceInstanceSettings,
  type PanelData,
  type PanelPlugin,
  type PanelProps,
} from '@grafana/data';
import { locationService, setBackendSrv, setTemplateSrv } from '@grafana/runtime';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import uplotCss from 'uplot/dist/uPlot.min.css';
import { loadAmdModule } from './amd';
import { backendSrv, templateSrv, type HostVariable } from './services';
import { DashboardView, type DashboardEnv } from './dashboard';

const APP_ID = 'foresight-foresight-app';
const BASE = `/public/plugins/${APP_ID}`;
const DS_UID = 'foresight';
const shared: Record<string, unknown> = {
  react: ReactAll,
  'react-dom': ReactDOMAll,
  'react/jsx-runtime': JsxRuntime,
  '@grafana/data': GrafanaData,
  '@grafana/ui': GrafanaUi,
  '@grafana/runtime': GrafanaRuntime,
  '@emotion/css': EmotionCss,
  rxjs: Rxjs,
  'react-router': ReactRouter,
};

type Json = Record<string, unknown>;
const params = new URLSearchParams(window.location.search);
const variables = new Map<string, HostVariable>();
const mode = params.get('theme') === 'light' ? 'light' : 'dark';
const theme = createTheme({ colors: { mode } });
// Grafana's URL convention: `from`/`to` in unix ms fix the dashboard's time range (the e2e asks about one
// instant); without them the range is the last 3 hours. `timezone` is the dashboard's zone (default utc).
const fromParam = Number(params.get('from'));
const toParam = Number(params.get('to'));
const fixed = Number.isFinite(fromParam) && Number.isFinite(toParam) && fromParam > 0 && toParam > fromParam;
const range = fixed
  ? { from: dateTime(fromParam), to: dateTime(toParam), raw: { from: dateTime(fromParam), to: dateTime(toParam) } }
  : { from: dateTime(Date.now() - 3 * 3600_000), to: dateTime(), raw: { from: 'now-3h', to: 'now' } };
const timeZone = params.get('timezone') ?? 'utc';

/** Errors the page hit, shown on the page and picked up by the e2e test. */
function report(err: unknown) {
  console.error('[plugin-host]', err);
}

async function loadDatasource(): Promise<DataSourceApi> {
  const mod = await loadAmdModule(`${BASE}/datasource/module.js`, shared);
  const plugin = mod.plugin as DataSourcePlugin<DataSourceApi>;
  const settings = {
    id: 1,
    uid: DS_UID,
    type: 'foresight-companion-datasource',
    name: 'Foresight',
    url: `/api/datasources/proxy/uid/${DS_UID}`,
    access: 'proxy',
    jsonData: {},
    meta: { id: 'foresight-companion-datasource' },
    readOnly: false,
  } as unknown as DataSourceInstanceSettings;
  return new plugin.DataSourceClass(settings);
}

/** The queries each panel is shown with (template variables first resolved through the datasource). */
async function panelQueries(name: string, ds: DataSourceApi): Promise<Json[]> {
  const first = async (kind: string) =>
    ((await ds.metricFindQuery?.(kind)) ?? []).map((v) => String(v.value ?? v.text));
  switch (name) {
    case 'slo': {
      const slos = await first('slos');
      return [
        { refId: 'A', queryType: 'sloStatus' },
        ...(slos[0]
          ? [
              { refId: 'B', queryType: 'budgetHistory', slo: slos[0] },
              { refId: 'C', queryType: 'burnRates', slo: slos[0] },
            ]
          : []),
      ];
    }
    case 'health':
      return [{ refId: 'A', queryType: 'healthScore' }];
    case 'capacity': {
      const targets = await first('targets');
      return targets.slice(0, 2).map((t, i) => ({ refId: `F${i}`, queryType: 'forecast', target: t }));
    }
    case 'rootcause':
      return [{ refId: 'A', queryType: 'rootCause' }];
    default:
      throw new Error(`unknown panel '${name}'`);
  }
}

async function runPanel(name: string, ds: DataSourceApi): Promise<PanelData> {
  const targets = await panelQueries(name, ds);
  const req = {
    targets,
    range,
    scopedVars: {},
    maxDataPoints: 500,
    interval: '1m',
    intervalMs: 60_000,
    timezone: timeZone,
    app: 'panel-host',
    requestId: name,
    startTime: Date.now(),
  } as unknown as DataQueryRequest;
  const res = await ds.query(req);
  const resolved = res instanceof Rxjs.Observable ? await Rxjs.lastValueFrom(res) : await res;
  return {
    state: resolved.errors?.length ? LoadingState.Error : LoadingState.Done,
    series: resolved.data,
    errors: resolved.errors,
    timeRange: range,
  };
}

function PanelView({ name }: { name: string }) {
  const [state, setState] = useState<
    { Panel: ComponentType<PanelProps>; options: Json; data: PanelData } | { error: string } | null
  >(null);
  useEffect(() => {
    (async () => {
      const mod = await loadAmdModule(`${BASE}/panels/${name}/module.js`, shared);
      const plugin = mod.plugin as PanelPlugin;
      const ds = await loadDatasource();
      const data = await runPanel(name, ds);
      if (!plugin.panel) throw new Error(`panel ${name} has no component`);
      setState({ Panel: plugin.panel as ComponentType<PanelProps>, options: plugin.defaults as Json, data });
    })().catch((err) => (report(err), setState({ error: String(err) })));
  }, [name]);
  if (!state) return <div>Loading panel {name}…</div>;
  if ('error' in state) return <div data-host-error>{state.error}</div>;
  const { Panel, options, data } = state;
  const width = 900;
  const height = name === 'capacity' ? 560 : 440;
  const props = {
    data,
    options,
    width,
    height,
    id: 1,
    title: name,
    timeRange: range,
    timeZone,
    transparent: false,
    renderCounter: 1,
    fieldConfig: { defaults: {}, overrides: [] },
    replaceVariables: (v: string) => v,
    onOptionsChange: () => undefined,
    onFieldConfigChange: () => undefined,
    onChangeTimeRange: () => undefined,
    eventBus: undefined,
  } as unknown as PanelProps;
  return (
    <div
      className="host-panel"
      data-host-ready
      data-panel={name}
      style={{
        width,
        height,
        border: `1px solid ${theme.colors.border.weak}`,
        background: theme.colors.background.primary,
        padding: 8,
      }}
    >
      <Panel {...props} />
    </div>
  );
}

const PAGE_PATHS: Record<string, string> = {
  overview: 'overview',
  slos: 'slos',
  'slo-new': 'slos/new',
  capacity: 'capacity',
  anomalies: 'anomalies',
  incidents: 'incidents',
  experiments: 'experiments',
};

/** Grafana's app router: react-router on locationService's browser history, so links and navigate() move the real URL. */
function GrafanaRouter({ children }: { children: React.ReactNode }) {
  const history = locationService.getHistory();
  const [location, setLocation] = useState(history.location);
  useLayoutEffect(() => history.listen((l: typeof location) => setLocation(l)), [history]);
  return (
    <Router navigator={history as unknown as Navigator} location={location}>
      {children}
    </Router>
  );
}

/** The app page a path under /a/<app-id>/ shows (its first segment; the root is the Overview). */
function pageOf(pathname: string): string {
  const rest = pathname.slice(`/a/${APP_ID}`.length).replace(/^\/+/, '');
  return rest.split('/')[0] || 'overview';
}

/** The app's root component with the props Grafana gives it, re-rendered on every navigation. */
function AppRoot({ Root, meta }: { Root: ComponentType<Json>; meta: GrafanaData.AppPluginMeta }) {
  const location = useLocation();
  return (
    <div data-host-ready data-page={pageOf(location.pathname)}>
      <Root
        meta={meta}
        basename={`/a/${APP_ID}`}
        path={location.pathname}
        query={locationService.getSearchObject()}
        onNavChanged={() => undefined}
      />
    </div>
  );
}

function PageView({ name }: { name: string }) {
  const [plugin, setPlugin] = useState<AppPlugin | { error: string } | null>(null);
  useEffect(() => {
    loadAmdModule(`${BASE}/module.js`, shared)
      .then((mod) => setPlugin(mod.plugin as AppPlugin))
      .catch((err) => (report(err), setPlugin({ error: String(err) })));
  }, []);
  if (!plugin) return <div>Loading app…</div>;
  if ('error' in plugin) return <div data-host-error>{plugin.error}</div>;
  const meta = {
    id: APP_ID,
    name: 'Foresight',
    type: PluginType.app,
    enabled: true,
    pinned: true,
    jsonData: { companionUrl: (window as unknown as { __hostConfig?: Json }).__hostConfig?.companionUrl ?? '' },
    secureJsonFields: { apiToken: true },
    info: {},
    module: `${BASE}/module.js`,
    baseUrl: BASE,
  } as unknown as GrafanaData.AppPluginMeta;
  if (name === 'config') {
    const Body = plugin.configPages?.[0]?.body as ComponentType<{ plugin: AppPlugin; query: Json }> | undefined;
    if (!Body) return <div data-host-error>the app has no configuration page</div>;
    plugin.meta = meta;
    return (
      <div data-host-ready data-page="config">
        <Body plugin={plugin} query={{}} />
      </div>
    );
  }
  const Root = plugin.root as ComponentType<Json> | undefined;
  if (!Root) return <div data-host-error>the app has no root page</div>;
  // As Grafana's AppRootPage: the app's root under `/a/<app-id>/*`, its own <Routes> relative to that.
  return (
    <GrafanaRouter>
      <Routes>
        <Route
          path={`/a/${APP_ID}/*`}
          element={<AppRoot Root={Root} meta={meta} />}
        />
      </Routes>
    </GrafanaRouter>
  );
}

function DatasourceEditorView({ name }: { name: string }) {
  const [st, setSt] = useState<
    { plugin: DataSourcePlugin<DataSourceApi>; ds: DataSourceApi } | { error: string } | null
  >(null);
  const [options, setOptions] = useState<Json>({
    jsonData: { companionUrl: 'http://companion:8787' },
    secureJsonFields: { apiToken: true },
    secureJsonData: {},
  });
  const [query, setQuery] = useState<Json>({ refId: 'A', queryType: 'forecast', target: 'disk', horizon: '7d' });
  useEffect(() => {
    (async () => {
      const mod = await loadAmdModule(`${BASE}/datasource/module.js`, shared);
      setSt({ plugin: mod.plugin as DataSourcePlugin<DataSourceApi>, ds: await loadDatasource() });
    })().catch((err) => (report(err), setSt({ error: String(err) })));
  }, []);
  if (!st) return <div>Loading datasource…</div>;
  if ('error' in st) return <div data-host-error>{st.error}</div>;
  const Config = st.plugin.components.ConfigEditor as ComponentType<Json> | undefined;
  const Query = st.plugin.components.QueryEditor as ComponentType<Json> | undefined;
  return (
    <div data-host-ready data-page={`datasource-${name}`} style={{ padding: 16 }}>
      {name === 'config' && Config && <Config options={options} onOptionsChange={setOptions} />}
      {name === 'query' && Query && (
        <Query datasource={st.ds} query={query} onChange={setQuery} onRunQuery={() => undefined} />
      )}
      <pre data-testid="editor-state">{JSON.stringify(name === 'config' ? options : query)}</pre>
    </div>
  );
}

function Index() {
  // Links keep the fixed time range and zone.
  const keep = ['from', 'to', 'timezone']
    .filter((k) => params.has(k))
    .map((k) => `&${k}=${encodeURIComponent(params.get(k)!)}`)
    .join('');
  const [dashboards, setDashboards] = useState<Array<{ uid: string; title: string }>>([]);
  useEffect(() => {
    fetch('/api/search?type=dash-db')
      .then((r) => r.json())
      .then(setDashboards)
      .catch(report);
  }, []);
  const links = [
    ...['slo', 'health', 'capacity', 'rootcause'].map((p) => [`panel/${p}`, `${p} panel`]),
    ...['overview', 'slos', 'slo-new', 'capacity', 'anomalies', 'incidents', 'experiments', 'config'].map((p) => [
      `page/${p}`,
      `${p} page`,
    ]),
    ...dashboards.map((d) => [`dashboard/${d.uid}`, `dashboard ${d.title}`]),
    ['datasource/config', 'datasource config editor'],
    ['datasource/query', 'datasource query editor'],
  ];
  return (
    <div data-host-ready style={{ padding: 16 }}>
      <h2>Foresight plugin host</h2>
      <p>The built plugin from dist/, rendered without Grafana against the companion. Theme: {mode}.</p>
      <ul>
        {links.map(([v, label]) => (
          <li key={v}>
            <a href={`?view=${v}&theme=${mode}${keep}`}>{label}</a> (
            <a href={`?view=${v}&theme=${mode === 'dark' ? 'light' : 'dark'}${keep}`}>{mode === 'dark' ? 'light' : 'dark'}</a>)
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Grafana's paths first; `?view=` for the host's own views. */
function viewOf(pathname: string): [string, string] {
  if (pathname === `/a/${APP_ID}` || pathname.startsWith(`/a/${APP_ID}/`)) {
    return ['app', pageOf(pathname)];
  }
  if (pathname === `/plugins/${APP_ID}`) {
    return ['page', 'config'];
  }
  const d = /^\/d\/([^/]+)/.exec(pathname);
  if (d) {
    return ['dashboard', decodeURIComponent(d[1]!)];
  }
  const [kind = 'index', name = ''] = (params.get('view') ?? 'index').split('/');
  return [kind, name];
}

const datasourceOnce: { ds?: Promise<DataSourceApi> } = {};
const panelTypes: { list?: Promise<Record<string, string>> } = {};
const dashboardEnv: DashboardEnv = {
  datasources: { [DS_UID]: () => (datasourceOnce.ds ??= loadDatasource()) },
  // The app's plugin.json `includes` name each nested panel's plugin.json, whose `id` is the panel type.
  panelPlugin: (type) => {
    panelTypes.list ??= (async () => {
      const app = (await (await fetch(`${BASE}/plugin.json`)).json()) as { includes?: Array<{ type: string; path?: string }> };
      const out: Record<string, string> = {};
      for (const inc of app.includes ?? []) {
        if (inc.type !== 'panel' || !inc.path) {
          continue;
        }
        const meta = (await (await fetch(`${BASE}/${inc.path}`)).json()) as { id: string };
        out[meta.id] = `${BASE}/${inc.path.replace(/plugin\.json$/, 'module.js')}`;
      }
      return out;
    })();
    if (!type.startsWith('foresight-')) {
      return null;
    }
    return panelTypes.list.then(async (l) => {
      if (!l[type]) {
        throw new Error(`panel type '${type}' is not one of the app's panels (${Object.keys(l).join(', ')})`);
      }
      return (await loadAmdModule(l[type]!, shared)).plugin as PanelPlugin;
    });
  },
  variables,
  fixedRange: fixed ? range : null,
  urlTimeZone: params.get('timezone'),
  report,
};

function Host() {
  const [kind, name = ''] = viewOf(window.location.pathname);
  return (
    <ThemeContext.Provider value={theme}>
      {/* Grafana's global theme CSS (body font and colours, fonts, form elements, uPlot): portals such as
          tooltips render under <body>, outside this div, and inherit from it as in Grafana. */}
      <GlobalStyles />
      <div
        style={{
          padding: 12,
          minHeight: '100vh',
          background: theme.colors.background.canvas,
          color: theme.colors.text.primary,
          fontFamily: theme.typography.fontFamily,
          fontSize: theme.typography.fontSize,
        }}
      >
        <Suspense fallback={<div>Loading…</div>}>
          {kind === 'panel' ? (
            <PanelView name={name} />
          ) : kind === 'app' ? (
            <PageView name={name} />
          ) : kind === 'dashboard' ? (
            <DashboardView uid={name} env={dashboardEnv} />
          ) : kind === 'page' ? (
            <PageView name={name} />
          ) : kind === 'datasource' ? (
            <DatasourceEditorView name={name} />
          ) : (
            <Index />
          )}
        </Suspense>
      </div>
    </ThemeContext.Provider>
  );
}

(window as unknown as { __grafana_public_path__: string }).__grafana_public_path__ = '/grafana-public/';
// Grafana's page carries uPlot's stylesheet (charts, cursor, legend); plugins rely on it being there.
const uplotStyle = document.createElement('style');
uplotStyle.textContent = uplotCss;
document.head.appendChild(uplotStyle);
// Grafana registers its option editors at startup; panel option builders look them up by id. The host
// never shows option editors, so each id gets an empty editor.
GrafanaData.standardEditorsRegistry.setInit(() =>
  [
    'boolean',
    'color',
    'dashboard-uid',
    'field-name',
    'multi-select',
    'number',
    'radio',
    'select',
    'slider',
    'strings',
    'text',
    'timezone',
    'unit',
  ].map((id) => ({ id, name: id, editor: () => null }))
);
setBackendSrv(backendSrv);
setTemplateSrv(templateSrv(variables));
// The shorthand views of app pages and dashboards go to their Grafana paths (the query string is kept).
{
  const [kind, name = ''] = (params.get('view') ?? '').split('/');
  const rest = new URLSearchParams(params);
  rest.delete('view');
  const q = rest.toString() ? `?${rest.toString()}` : '';
  if (kind === 'page' && name !== 'config' && window.location.pathname === '/') {
    locationService.replace(`/a/${APP_ID}/${PAGE_PATHS[name] ?? name}${q}`);
  } else if (kind === 'dashboard' && window.location.pathname === '/') {
    locationService.replace(`/d/${encodeURIComponent(name)}${q}`);
  }
}
window.addEventListener('unhandledrejection', (e) => report(e.reason));
fetch('/host-config.json')
  .then((r) => r.json())
  .then((cfg: Json) => {
    (window as unknown as { __hostConfig: Json }).__hostConfig = cfg;
    ReactDOMClient.createRoot(document.getElementById('root')!).render(<Host />);
  })
  .catch(report);
