// A provisioned dashboard (dashboards/*.json, served as Grafana's /api/dashboards/uid/<uid>) rendered the
// way Grafana renders it: the template variables resolved first (query variables through their datasource's
// metricFindQuery, `var-<name>` in the URL wins), each panel laid out on Grafana's 24-column grid, each
// panel's own targets sent through its datasource's query() (which interpolates the variables itself, via
// templateSrv), its saved options over the plugin's defaults and its own fieldConfig.
// Core panels on another datasource (Prometheus `timeseries`) are shown as a named placeholder.
import React, { useEffect, useState, type ComponentType } from 'react';
import { lastValueFrom, Observable } from 'rxjs';
import {
  LoadingState,
  dateTime,
  rangeUtil,
  type DataQuery,
  type DataQueryRequest,
  type DataSourceApi,
  type FieldConfigSource,
  type PanelData,
  type PanelPlugin,
  type PanelProps,
  type TimeRange,
} from '@grafana/data';
import { getTemplateSrv, locationService } from '@grafana/runtime';
import { useTheme2 } from '@grafana/ui';
import type { HostVariable } from './services';

type Json = Record<string, unknown>;
interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface DashPanel {
  id: number;
  type: string;
  title?: string;
  gridPos: GridPos;
  datasource?: { type?: string; uid?: string } | null;
  targets?: Array<DataQuery & Json>;
  options?: Json;
  fieldConfig?: FieldConfigSource;
}
interface DashVariable {
  name: string;
  label?: string;
  type: string;
  datasource?: { type?: string; uid?: string } | null;
  query?: unknown;
  current?: { value?: unknown };
  sort?: number;
}
export interface Dashboard {
  uid: string;
  title: string;
  timezone?: string;
  time?: { from: string; to: string };
  templating?: { list?: DashVariable[] };
  panels: DashPanel[];
}

export interface DashboardEnv {
  /** the datasources by uid the host can query (ours: `foresight`) */
  datasources: Record<string, () => Promise<DataSourceApi>>;
  /** panel plugin id → a loader of its module's `plugin` */
  panelPlugin: (type: string) => Promise<PanelPlugin> | null;
  /** the template variables templateSrv reads (filled here) */
  variables: Map<string, HostVariable>;
  /** the URL's fixed range (Grafana's `from`/`to`), else the dashboard's own */
  fixedRange: TimeRange | null;
  /** the URL's `timezone`, else the dashboard's */
  urlTimeZone: string | null;
  report: (err: unknown) => void;
}

// Grafana's grid: 24 columns, 30 px rows, 8 px gaps.
const COLS = 24;
const ROW = 30;
const GAP = 8;
const HEADER = 32;

/** Grafana's variable `sort`: 1/2 alphabetical, 3/4 numerical, 5/6 alphabetical case-insensitive (odd ascending). */
function sortOptions(values: string[], sort = 0): string[] {
  if (!sort) {
    return values;
  }
  const cmp =
    sort === 3 || sort === 4
      ? (a: string, b: string) => Number.parseFloat(a) - Number.parseFloat(b)
      : sort === 5 || sort === 6
        ? (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())
        : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...values].sort(cmp);
  return sort % 2 === 0 ? sorted.reverse() : sorted;
}

const dsUid = (d: { uid?: string } | null | undefined) => d?.uid ?? 'foresight';

/** Resolves the dashboard's variables in order (a later one may use an earlier one in its query). */
async function resolveVariables(dash: Dashboard, env: DashboardEnv): Promise<void> {
  env.variables.clear();
  const search = locationService.getSearchObject();
  for (const v of dash.templating?.list ?? []) {
    let options: string[];
    if (v.type === 'query') {
      const load = env.datasources[dsUid(v.datasource)];
      if (!load) {
        throw new Error(`variable '${v.name}': datasource '${dsUid(v.datasource)}' is not available in the plugin host`);
      }
      const ds = await load();
      const raw = typeof v.query === 'object' && v.query !== null ? (v.query as Json).query ?? v.query : v.query;
      const found = (await ds.metricFindQuery?.(raw)) ?? [];
      options = sortOptions(
        found.map((o) => String(o.value ?? o.text)),
        v.sort
      );
    } else if (v.type === 'custom') {
      options = String(v.query ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (v.type === 'constant' || v.type === 'textbox') {
      options = [String(v.query ?? '')];
    } else {
      throw new Error(`variable '${v.name}': type '${v.type}' is not supported by the plugin host`);
    }
    const fromUrl = search[`var-${v.name}`];
    const saved = v.current?.value;
    const value =
      typeof fromUrl === 'string'
        ? fromUrl
        : typeof saved === 'string' && options.includes(saved)
          ? saved
          : options[0] ?? '';
    env.variables.set(v.name, { name: v.name, label: v.label, value, options });
  }
}

/** Where a panel sits on Grafana's grid, in px for a dashboard `width` px wide. */
export function gridBox(p: GridPos, width: number) {
  const col = (width - (COLS - 1) * GAP) / COLS;
  return {
    left: p.x * (col + GAP),
    top: p.y * (ROW + GAP),
    width: p.w * col + (p.w - 1) * GAP,
    height: p.h * ROW + (p.h - 1) * GAP,
  };
}

export function DashboardView({ uid, env }: { uid: string; env: DashboardEnv }) {
  const theme = useTheme2();
  const [state, setState] = useState<{ dash: Dashboard; range: TimeRange; timeZone: string } | { error: string } | null>(
    null
  );
  const [search, setSearch] = useState(() => locationService.getLocation().search);
  useEffect(() => {
    const sub = locationService.getLocationObservable().subscribe((l) => setSearch(l.search));
    return () => sub.unsubscribe();
  }, []);
  useEffect(() => {
    setState(null);
    (async () => {
      const res = await fetch(`/api/dashboards/uid/${encodeURIComponent(uid)}`);
      if (!res.ok) {
        throw new Error(`dashboard '${uid}': HTTP ${res.status} ${await res.text()}`);
      }
      const dash = ((await res.json()) as { dashboard: Dashboard }).dashboard;
      const timeZone = env.urlTimeZone ?? dash.timezone ?? 'browser';
      const range =
        env.fixedRange ??
        rangeUtil.convertRawToRange({ from: dash.time?.from ?? 'now-6h', to: dash.time?.to ?? 'now' }, timeZone);
      await resolveVariables(dash, env);
      setState({ dash, range, timeZone });
    })().catch((err) => (env.report(err), setState({ error: String(err) })));
  }, [uid, env, search]);
  if (!state) {
    return <div>Loading dashboard {uid}…</div>;
  }
  if ('error' in state) {
    return <div data-host-error>{state.error}</div>;
  }
  const { dash, range, timeZone } = state;
  const width = Math.max(900, window.innerWidth - 40);
  const bottom = Math.max(0, ...dash.panels.map((p) => gridBox(p.gridPos, width)).map((b) => b.top + b.height));
  return (
    <div data-dashboard={dash.uid} data-host-ready>
      <h2 style={{ margin: '0 0 8px' }}>{dash.title}</h2>
      <div style={{ display: 'flex', gap: 16, marginBottom: 12, alignItems: 'center' }}>
        {[...env.variables.values()].map((v) => (
          <label key={v.name} style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
            <span>{v.label ?? v.name}</span>
            <select
              data-testid={`var-${v.name}`}
              value={v.value}
              onChange={(e) => locationService.partial({ [`var-${v.name}`]: e.target.value }, true)}
              style={{
                background: theme.colors.background.primary,
                color: theme.colors.text.primary,
                border: `1px solid ${theme.colors.border.medium}`,
                borderRadius: theme.shape.radius.default,
                padding: '0 8px',
                height: theme.spacing.gridSize * 4,
                minWidth: 160,
                font: 'inherit',
              }}
            >
              {v.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
        ))}
        <span style={{ color: theme.colors.text.secondary }}>
          {range.from.toISOString()} → {range.to.toISOString()} ({timeZone})
        </span>
      </div>
      <div style={{ position: 'relative', width, height: bottom }}>
        {dash.panels.map((p) => (
          <DashboardPanel
            key={`${p.id}:${search}`}
            panel={p}
            box={gridBox(p.gridPos, width)}
            range={range}
            timeZone={timeZone}
            dashboardUid={dash.uid}
            env={env}
          />
        ))}
      </div>
    </div>
  );
}

type Loaded =
  | { kind: 'plugin'; Panel: ComponentType<PanelProps>; options: Json; data: PanelData }
  | { kind: 'core'; datasource: string; queries: string[] }
  | { kind: 'error'; message: string };

function DashboardPanel(props: {
  panel: DashPanel;
  box: ReturnType<typeof gridBox>;
  range: TimeRange;
  timeZone: string;
  dashboardUid: string;
  env: DashboardEnv;
}) {
  const { panel, box, range, timeZone, dashboardUid, env } = props;
  const theme = useTheme2();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const bodyW = box.width - 2 * GAP;
  const bodyH = box.height - HEADER - GAP;
  // Titles and placeholders are interpolated by the same templateSrv the datasource uses.
  const replace = (s: string) => getTemplateSrv().replace(s);
  useEffect(() => {
    (async (): Promise<Loaded> => {
      const pluginLoad = env.panelPlugin(panel.type);
      const uid = dsUid(panel.datasource);
      const loadDs = env.datasources[uid];
      if (!pluginLoad || !loadDs) {
        // Grafana would render its own panel from its own datasource; the host has neither.
        return {
          kind: 'core',
          datasource: panel.datasource?.type ?? uid,
          queries: (panel.targets ?? []).map((t) => replace(String(t.expr ?? t.query ?? JSON.stringify(t)))),
        };
      }
      const [plugin, ds] = await Promise.all([pluginLoad, loadDs()]);
      if (!plugin.panel) {
        throw new Error(`panel plugin '${panel.type}' has no component`);
      }
      // As Grafana's query runner: the saved targets (hidden ones filtered by the datasource), the panel's
      // width as maxDataPoints, the interval that range and width give, and no interpolation here: the
      // datasource interpolates its own targets through templateSrv.
      const targets = (panel.targets ?? []).filter((t) => ds.filterQuery?.(t) ?? true);
      const { interval, intervalMs } = rangeUtil.calculateInterval(range, Math.round(bodyW));
      const req = {
        app: 'dashboard',
        requestId: `Q${panel.id}`,
        dashboardUID: dashboardUid,
        panelId: panel.id,
        targets,
        range,
        rangeRaw: range.raw,
        timezone: timeZone,
        interval,
        intervalMs,
        maxDataPoints: Math.round(bodyW),
        scopedVars: {
          __interval: { text: interval, value: interval },
          __interval_ms: { text: String(intervalMs), value: intervalMs },
        },
        startTime: Date.now(),
      } as unknown as DataQueryRequest;
      const res = ds.query(req);
      const r = res instanceof Observable ? await lastValueFrom(res) : await res;
      return {
        kind: 'plugin',
        Panel: plugin.panel as ComponentType<PanelProps>,
        options: { ...(plugin.defaults as Json), ...(panel.options ?? {}) },
        data: {
          state: r.errors?.length ? LoadingState.Error : LoadingState.Done,
          series: r.data,
          errors: r.errors,
          timeRange: range,
          request: req,
        },
      };
    })()
      .then(setLoaded)
      .catch((err) => (env.report(err), setLoaded({ kind: 'error', message: String(err) })));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one load per mount (the key changes with the URL)
  }, []);
  const title = replace(panel.title ?? '');
  return (
    <section
      data-panel-id={panel.id}
      data-panel-type={panel.type}
      data-panel-state={loaded?.kind ?? 'loading'}
      style={{
        position: 'absolute',
        ...box,
        background: theme.colors.background.primary,
        border: `1px solid ${theme.colors.border.weak}`,
        borderRadius: theme.shape.radius.default,
        overflow: 'hidden',
      }}
    >
      <header
        data-testid="panel-title"
        style={{ height: HEADER, lineHeight: `${HEADER}px`, padding: `0 ${GAP}px`, fontWeight: theme.typography.fontWeightMedium }}
      >
        {title}
      </header>
      <div style={{ padding: `0 ${GAP}px`, width: bodyW, height: bodyH }}>
        {!loaded ? (
          <span>Loading…</span>
        ) : loaded.kind === 'error' ? (
          <span data-host-error>{loaded.message}</span>
        ) : loaded.kind === 'core' ? (
          <div data-testid="core-panel" style={{ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }}>
            Grafana&apos;s core <code>{panel.type}</code> panel on the <code>{loaded.datasource}</code> datasource: not
            rendered by the plugin host. Queries:
            {loaded.queries.map((q, i) => (
              <pre key={i} data-testid="core-panel-query" style={{ margin: '4px 0', whiteSpace: 'pre-wrap' }}>
                {q}
              </pre>
            ))}
          </div>
        ) : (
          <loaded.Panel
            {...({
              id: panel.id,
              data: loaded.data,
              options: loaded.options,
              fieldConfig: panel.fieldConfig ?? { defaults: {}, overrides: [] },
              width: bodyW,
              height: bodyH,
              title,
              timeRange: range,
              timeZone,
              transparent: false,
              renderCounter: 1,
              replaceVariables: replace,
              onOptionsChange: () => undefined,
              onFieldConfigChange: () => undefined,
              onChangeTimeRange: () => undefined,
              eventBus: undefined,
            } as unknown as PanelProps)}
          />
        )}
      </div>
    </section>
  );
}

export const absoluteRange = (from: number, to: number): TimeRange => ({
  from: dateTime(from),
  to: dateTime(to),
  raw: { from: dateTime(from), to: dateTime(to) },
});
