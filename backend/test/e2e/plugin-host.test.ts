// The built Grafana plugin (dist/) in a real browser: the plugin host page loads each panel, app page and
// datasource editor the way Grafana does and renders them with data from the datasource's query() through
// a proxy that adds the token server-side, against the real companion (`foresight companion`, every feature
// wired) reading a real Prometheus. Saves a screenshot of each view (into docs/screenshots/ only with
// FORESIGHT_UPDATE_SCREENSHOTS=1) and fails on any console error.
// Deterministic: the demo workload's series (seeded, faults injected at fixed offsets) are written ahead
// into Prometheus blocks (recorded-stack.ts); every page is opened with a fixed time range ending at the
// anchor instant, and its numbers are compared with the companion's API asked about that same instant.
// Nothing waits for data to arrive, so a busy machine only makes the run slower, never different.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import {
  decodeAnomalies,
  decodeForecasts,
  decodeHealthScores,
  decodeRootCause,
  decodeSloStatus,
  dsQueryResponseSchema,
  type Query,
} from '@foresight/contract';
import { DEMO_API_TOKEN } from '../../src/config/schema.js';
import { startRecordedStack, type RecordedStack } from './recorded-stack.js';
import { DEMO_MODEL_TARGETS } from '../../src/stack/configs.js';
import { coverageText } from '../../../src/panels/slo/coverage.js';
import { startPluginHost, type PluginHost } from '../../../plugin-host/serve.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// `npm test` leaves the checkout as it was: screenshots go to a temporary directory, and refresh the
// README's (docs/screenshots/) only when asked with FORESIGHT_UPDATE_SCREENSHOTS=1.
const refreshDocs = process.env.FORESIGHT_UPDATE_SCREENSHOTS === '1';
const shots = refreshDocs ? join(repo, 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'foresight-e2e-shots-'));
const TOKEN = DEMO_API_TOKEN;

const STEP_MS = 15_000;
// The instant every page and API call is about: a whole step, so recorded samples fall on it.
const ANCHOR = Math.floor(Date.now() / STEP_MS) * STEP_MS;
const RANGE = { from: ANCHOR - 3 * 3600_000, to: ANCHOR };
const INCIDENT = ANCHOR - 10 * 60_000;
const TIME = `&from=${RANGE.from}&to=${RANGE.to}&timezone=utc`;

let stack: RecordedStack | undefined;
let companion: { url: string; stop(): Promise<void> } | undefined;
let host: PluginHost | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined; // one context: pages share the HTTP cache (the host bundle is ~8 MB)

async function companionQuery(queries: Query[]) {
  const res = await fetch(`${companion!.url}/api/ds/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ range: RANGE, queries }),
  });
  assert.equal(res.status, 200);
  const body = dsQueryResponseSchema.parse(await res.json());
  return Object.values(body.results).flatMap((r) => ('frames' in r ? r.frames : []));
}

/** The screenshot's file name for a view: `page/overview` → page-overview. */
function shotName(view: string): string | null {
  // Grafana paths open views the `?view=` shorthands already capture: no second copy.
  return view.startsWith('/') ? null : view.replace('/', '-');
}

/** Opens a host view, waits for it to render, saves a screenshot and returns the page (console errors fail the test). */
async function open(view: string, ready: string, theme: 'dark' | 'light' = 'dark', allow?: RegExp): Promise<Page> {
  const page = await context!.newPage();
  const errors: string[] = [];
  page.on(
    'console',
    (m) =>
      m.type() === 'error' &&
      !(allow && allow.test(`${m.text()} ${m.location().url}`)) &&
      errors.push(`${m.text()} (${m.location().url})`)
  );
  page.on('pageerror', (e) => errors.push(String(e)));
  // A view (`panel/slo`, `page/overview`, `dashboard/<uid>`) or a Grafana path (`/a/<app-id>/…`).
  await page.goto(
    view.startsWith('/')
      ? `${host!.url}${view}${view.includes('?') ? '&' : '?'}theme=${theme}${TIME}`
      : `${host!.url}/?view=${view}&theme=${theme}${TIME}`
  );
  await page.waitForSelector(ready, { timeout: 120_000 }).catch(async (err) => {
    throw new Error(
      `${view}: '${ready}' never appeared (${err.message}); console errors: ${errors.join(' | ')}; body: ${(await page.textContent('body'))?.slice(0, 500)}`
    );
  });
  await page.waitForTimeout(300); // let icons and late layout settle before the screenshot
  const shot = shotName(view);
  if (shot) await page.screenshot({ path: join(shots, `${shot}${theme === 'light' ? '-light' : ''}.png`), fullPage: true });
  assert.deepEqual(errors, [], `${view}: console errors`);
  return page;
}

/** A uPlot chart drew on its canvas: the canvas has a size and is not blank. */
async function assertChartDrawn(page: Page, sel: string) {
  const info = await page.$eval(`${sel} canvas`, (c) => {
    const canvas = c as unknown as { width: number; height: number; getContext(k: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }; // DOM types are not in the backend lib
    const ctx = canvas.getContext('2d')!;
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
    return { w: canvas.width, h: canvas.height, painted };
  });
  assert.ok(info.w > 50 && info.h > 20 && info.painted > 100, `${sel}: uPlot drew on its canvas: ${JSON.stringify(info)}`);
}

before(async () => {
  if (!existsSync(join(repo, 'dist', 'module.js')))
    execFileSync('npm', ['run', 'build:plugin'], { cwd: repo, stdio: 'inherit' });
  mkdirSync(shots, { recursive: true });
  stack = await startRecordedStack({
    seed: 7,
    anchorMs: ANCHOR,
    historyMs: 6 * 3600_000,
    // Data past the anchor too: the companion's background work asks about wall-clock "now".
    futureMs: 2 * 3600_000,
    stepMs: STEP_MS,
    faults: [
      // A disk filling on db and an error burst in payments: both true causes, the burst the louder.
      { type: 'disk_fill', service: 'db', durationSeconds: 3600, magnitude: 0.02, offsetMs: -15 * 60_000 },
      { type: 'error_burst', service: 'payments', durationSeconds: 3600, magnitude: 0.5, offsetMs: -10 * 60_000 },
    ],
    // Background work runs once at start (its results stay put while the test reads them); investigations
    // are asked for explicitly, never started by anomalies found at some wall time.
    companionConfig: {
      models: {
        intervalSeconds: 86_400,
        // The one models cycle reads two hours of each anomaly series (not just its warm-up span), so the
        // faults, minutes before the anchor, are scored against a warmed-up baseline as a live companion would.
        targets: DEMO_MODEL_TARGETS.targets.map((t) => (t.kind === 'anomaly' ? { ...t, lookback: 2 * 3600 } : t)),
      },
      health: { intervalSeconds: 86_400 },
      rca: { anomalies: { investigate: false } },
    },
  });
  companion = stack.companion;
  const api = (path: string, body: object) =>
    fetch(`${companion!.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
  // The companion serves the SLOs it manages: apply one through its SLO API first.
  const spec = [
    'version: foresight/v1',
    'service: checkout',
    'slos:',
    '  - name: availability',
    '    objective: 99',
    '    window: 30d',
    '    sli:',
    '      ratio:',
    '        errors: sum(rate(http_requests_total{service="checkout",code=~"5.."}[{{.window}}]))',
    '        total: sum(rate(http_requests_total{service="checkout"}[{{.window}}]))',
  ].join('\n');
  const applied = await api('/api/slo/apply', { sources: [{ file: 'e2e.yml', text: spec }] });
  assert.equal(applied.status, 200, `apply SLO: ${await applied.text()}`);
  const inv = await api('/api/rca/investigations', { incidentTime: INCIDENT, to: ANCHOR, title: 'e2e: errors at checkout' });
  assert.equal(inv.status, 201, `investigate: ${await inv.text()}`);
  host = await startPluginHost({ companion: companion.url, token: TOKEN, dist: join(repo, 'dist') });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // launch() gives Chromium a fresh temporary user-data-dir of its own (and removes it on close).
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  // Generous deadlines: on a loaded machine the 8 MB host bundle alone can take a minute to load and run.
  context.setDefaultTimeout(120_000);
  context.setDefaultNavigationTimeout(180_000);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await host?.stop().catch(() => undefined);
  await stack?.stop().catch(() => undefined);
  if (!refreshDocs) rmSync(shots, { recursive: true, force: true });
});

test('the proxy adds the token server-side: the page never sees it, and the companion refuses requests without it', async () => {
  const bare = await fetch(`${companion!.url}/api/info`);
  assert.equal(bare.status, 401);
  const viaHost = await fetch(`${host!.url}/api/datasources/proxy/uid/foresight/companion/api/info`);
  assert.equal(viaHost.status, 200);
  const page = await open('index', '[data-host-ready]');
  assert.equal((await page.content()).includes(TOKEN), false);
  await page.close();
});

test("the host answers Grafana's dashboard API from dashboards/*.json, its page paths and its fonts", async () => {
  const search = (await (await fetch(`${host!.url}/api/search?type=dash-db`)).json()) as Array<{ uid: string; url: string }>;
  const files = readdirSync(join(repo, 'dashboards')).filter((f) => f.endsWith('.json'));
  const uids = files.map((f) => (JSON.parse(readFileSync(join(repo, 'dashboards', f), 'utf8')) as { uid: string }).uid);
  assert.deepEqual(search.map((d) => d.uid).sort(), [...uids].sort());
  for (const uid of uids) {
    const res = await fetch(`${host!.url}/api/dashboards/uid/${uid}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { dashboard: { uid: string; panels: unknown[] } };
    assert.equal(body.dashboard.uid, uid);
    assert.ok(body.dashboard.panels.length > 0);
  }
  const missing = await fetch(`${host!.url}/api/dashboards/uid/nope`);
  assert.equal(missing.status, 404);
  assert.match(((await missing.json()) as { message: string }).message, /dashboard 'nope' not found/);
  // Grafana's page paths answer the host page, so they can be opened or reloaded directly.
  for (const path of ['/a/foresight-foresight-app', '/a/foresight-foresight-app/slos/x/edit', '/plugins/foresight-foresight-app', '/d/foresight-overview/slug']) {
    const res = await fetch(`${host!.url}${path}`);
    assert.equal(res.status, 200, path);
    assert.match(await res.text(), /<div id="root">/, path);
  }
  assert.equal((await fetch(`${host!.url}/a/other-app/x`)).status, 404);
  // The fonts Grafana's theme CSS names.
  for (const font of ['inter/Inter-Regular.woff2', 'inter/Inter-Medium.woff2', 'roboto/L0xTDF4xlVMF-BfR8bXMIhJHg45mwgGEFl0_3vrtSM1J-gEPT5Ese6hmHSh0mQ.woff2']) {
    const res = await fetch(`${host!.url}/grafana-public/fonts/${font}`);
    assert.equal(res.status, 200, font);
    assert.equal(res.headers.get('content-type'), 'font/woff2');
    assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 4).toString('latin1'), 'wOF2', `${font} is a WOFF2 file`);
  }
});

test('SLO panel shows each SLO with the SLI and budget the companion reports', async () => {
  const page = await open('panel/slo', '[data-testid="slo-card"]');
  const api = decodeSloStatus(await companionQuery([{ refId: 'A', queryType: 'sloStatus' }]));
  const names = await page.locator('[data-testid="slo-card"] header strong').allTextContents();
  assert.deepEqual(
    names,
    api.map((s) => s.name)
  );
  // Both asked about the same instant: the page shows the API's budget, rounded to a tenth of a percent.
  const shownBudget = await page.locator('[data-testid="slo-budget"]').allTextContents();
  assert.equal(shownBudget.length, api.length);
  shownBudget.forEach((txt, i) => {
    const want = api[i]!.budgetRemaining!;
    assert.ok(Number.isFinite(want), `API budget of ${api[i]!.name}`);
    assert.equal(Number.parseFloat(txt), Number((want * 100).toFixed(1)), `budget '${txt}' vs API ${want}`);
  });
  assert.ok((await page.locator('[data-testid="slo-burnrate-row"]').count()) >= 2);
  await assertChartDrawn(page, '[data-testid="slo-burndown"]');
  // Six hours of data in a 30-day window: the companion measures that coverage and the page says so
  // instead of calling the budget exhausted.
  const coverage = api[0]!.coverage!;
  assert.ok(coverage > 0.004 && coverage < 0.02, `coverage of 6 h in 30 d: ${coverage}`);
  assert.match((await page.textContent('[data-testid="slo-coverage"]')) ?? '', new RegExp(`data for ${coverageText(coverage).replace('.', '\\.')} of the window`));
  assert.equal(await page.textContent('[data-testid="slo-tte"]'), 'too little data');
  (await open('panel/slo', '[data-testid="slo-card"]', 'light')).close();
  await page.close();
});

test('Health panel shows a grade and scores matching the companion', async () => {
  const page = await open('panel/health', '[data-testid="health-card"]');
  const api = decodeHealthScores(await companionQuery([{ refId: 'A', queryType: 'healthScore' }]));
  const grades = await page.locator('[data-testid="health-grade"]').allTextContents();
  assert.ok(grades.length > 0 && grades.every((g) => /^[ABCDF]$/.test(g)), `grades ${grades}`);
  const cards = page.locator('[data-testid="health-card"]');
  for (let i = 0; i < (await cards.count()); i++) {
    const name = await cards.nth(i).locator('span').first().textContent();
    const score = Number(await cards.nth(i).locator('[data-testid="health-score"]').textContent());
    const ref = api.find((h) => h.component === name);
    assert.ok(ref, `component ${name} is in the API answer`);
    // One health snapshot answers both: the page shows the API's score, rounded.
    assert.equal(score, Number(ref.score.toFixed(0)), `${name}: shown ${score}, API ${ref.score}`);
  }
  // The worst component is shown first, as in the API's lowest score.
  const worst = [...api].sort((a, b) => a.score - b.score)[0]!;
  assert.equal(Number(await cards.first().locator('[data-testid="health-score"]').textContent()), Number(worst.score.toFixed(0)));
  await page.close();
  (await open('panel/health', '[data-testid="health-card"]', 'light')).close();
});

test('Capacity panel draws the forecast bands, threshold and crossing from the companion', async () => {
  const page = await open('panel/capacity', '[data-testid="capacity-forecast"]');
  const targets = (await (
    await fetch(`${companion!.url}/api/ds/options/targets`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).json()) as {
    options: Array<{ value: string }>;
  };
  const [api] = decodeForecasts(
    await companionQuery([{ refId: 'A', queryType: 'forecast', target: targets.options[0]!.value }])
  );
  assert.ok(api, 'the companion returns a forecast');
  await assertChartDrawn(page, '[data-testid="capacity-chart"]');
  // Facts under the chart come from the same forecast the API returns.
  const threshold = await page.locator('[data-testid="capacity-threshold-value"]').first().textContent();
  assert.equal(threshold === 'none', api.threshold === null || api.threshold === undefined, `threshold shown: ${threshold}`);
  assert.equal(
    await page.locator('[data-testid="capacity-headroom"]').first().textContent(),
    api.headroom === null ? '—' : `${(api.headroom * 100).toFixed(1)}%`
  );
  // Three hours of history: the day-ahead forecast is cut to what it supports, and no advice before a day.
  assert.match((await page.textContent('[data-testid="capacity-horizon-note"]')) ?? '', /more history is needed/);
  assert.match((await page.textContent('[data-testid="capacity-advice-gate"]')) ?? '', /one season/);
  // The model's notes reach the panel through the datasource, folded under the chart.
  assert.ok(api.notes && api.notes.length > 0, 'the companion sends the model notes');
  const notes = page.locator('[data-testid="capacity-notes"]').first();
  assert.match((await notes.locator('summary').textContent()) ?? '', /How this forecast was made/);
  assert.ok((await notes.locator('li').count()) >= 1, 'notes listed');
  // Grafana's tooltip: hovering the plot shows every series' value at that time.
  const over = page.locator('[data-testid="capacity-chart"] .u-over').first();
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await page.waitForSelector('[data-testid="chart-tooltip"]', { timeout: 60_000 });
  assert.match((await page.textContent('[data-testid="chart-tooltip"]')) ?? '', /History|Forecast/);
  // The tooltip is portalled under <body>: it takes the theme's font from Grafana's global CSS (not the
  // browser's serif default), and the Inter font files that CSS names are loaded.
  const font = await page.$eval('[data-testid="chart-tooltip"]', async (el) => {
    const w = globalThis as unknown as {
      getComputedStyle(e: unknown): { fontFamily: string };
      document: { fonts: { ready: Promise<unknown>; check(font: string): boolean } };
    }; // DOM types are not in the backend lib
    await w.document.fonts.ready;
    return { family: w.getComputedStyle(el).fontFamily, inter: w.document.fonts.check('14px Inter') };
  });
  assert.match(font.family, /^"?Inter"?,.*sans-serif/, `tooltip font-family: ${font.family}`);
  assert.equal(font.inter, true, 'the Inter font is loaded');
  // The viewport as it is (a full-page capture resizes the page, which moves the pointer off the plot).
  await page.screenshot({ path: join(shots, 'panel-capacity-tooltip.png') });
  await page.close();
  (await open('panel/capacity', '[data-testid="capacity-forecast"]', 'light')).close();
});

test('Root-cause panel ranks the faulty service with evidence and Explore links', async () => {
  const page = await open('panel/rootcause', '[data-testid="rootcause-row"], [data-testid="panel-empty"]');
  const rows = page.locator('[data-testid="rootcause-row"]');
  assert.ok((await rows.count()) > 0, `candidates shown: ${await page.textContent('body')}`);
  const api = decodeRootCause(await companionQuery([{ refId: 'A', queryType: 'rootCause' }]));
  const shown = await rows.locator('td:nth-child(2) b').allTextContents();
  assert.ok(api, 'the API has an investigation in range');
  // The same stored investigation: the same ranking, in order.
  assert.deepEqual(
    shown,
    api.candidates.slice(0, shown.length).map((c) => c.component)
  );
  // Both injected faults (disk_fill on db, error_burst on payments) are true causes: one of them leads.
  assert.ok(['payments', 'db'].includes(shown[0]!), `an injected fault's service ranks first: ${shown}`);
  // Explore links carry the candidate's own PromQL; a candidate without one gets no link.
  const top = api.candidates[0]!;
  if (top.series) {
    const href = (await rows.first().locator('a').getAttribute('href')) ?? '';
    assert.match(href, /^\/explore\?schemaVersion=1&orgId=1&panes=/);
    assert.ok(decodeURIComponent(href).includes(JSON.stringify(top.series).slice(1, -1)), `Explore shows ${top.series}: ${href}`);
  } else {
    assert.match((await rows.first().textContent()) ?? '', /no query/);
  }
  // Onsets are times in the dashboard zone, relative to the incident.
  assert.match((await rows.first().locator('[data-testid="rootcause-onset"]').textContent()) ?? '', /UTC.*(before|after|at) the incident/);
  (await open('panel/rootcause', '[data-testid="rootcause-row"]', 'light')).close();
  await page.close();
});

test('app pages render with live data', async () => {
  const overview = await open('page/overview', '[data-testid="overview-slos"] [data-testid="slo-card"]');
  await overview.waitForSelector('[data-testid="overview-health"] [data-testid="health-grade"]');
  await overview.waitForSelector(
    '[data-testid="overview-forecasts"] [data-testid="capacity-forecast"], [data-testid="overview-forecasts"] span'
  );
  await overview.screenshot({ path: join(shots, 'page-overview.png'), fullPage: true });
  await overview.close();
  for (const [view, sel] of [
    ['page/slos', '[data-testid="page-slos"] [data-testid="slo-card"]'],
    ['page/capacity', '[data-testid="page-capacity"] [data-testid="capacity-chart"] canvas'],
    [
      'page/anomalies',
      '[data-testid="page-anomalies"] table, [data-testid="page-anomalies"] [data-testid="panel-empty"]',
    ],
    ['page/incidents', '[data-testid="page-incidents"] [data-testid="rootcause-row"]'],
    ['page/config', '[data-testid="page-config"] input'],
    ['datasource/config', '[data-page="datasource-config"] input'],
  ] as const) {
    (await open(view, sel)).close();
  }
  // The query editor's fields sit side by side without overlapping (labels and inputs, as laid out).
  const query = await open('datasource/query', '[data-page="datasource-query"] input');
  const boxes = await query.$$eval(
    '[data-page="datasource-query"] label, [data-page="datasource-query"] input',
    (els) =>
      els
        .map((e) => ({
          name: e.textContent || e.getAttribute('aria-label') || e.tagName,
          r: e.getBoundingClientRect(),
        }))
        .filter((b) => b.r.width > 0 && b.r.height > 0)
        .map((b) => ({ name: b.name, left: b.r.left, right: b.r.right, top: b.r.top, bottom: b.r.bottom }))
  );
  assert.ok(boxes.length >= 4, `query editor fields laid out: ${JSON.stringify(boxes)}`);
  for (const [i, a] of boxes.entries())
    for (const b of boxes.slice(i + 1)) {
      const overlap =
        Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
      assert.ok(!overlap, `query editor: '${a.name}' overlaps '${b.name}': ${JSON.stringify([a, b])}`);
    }
  await query.close();
  // The SLO editor: the companion's real SLO API validates the template and previews the rules it writes.
  const editor = await open('page/slo-new', '[data-testid="page-slo-editor"] textarea');
  await editor.waitForSelector('[data-testid="slo-valid"]', { timeout: 60_000 });
  await editor.waitForSelector('[data-testid="slo-rules-preview"]', { timeout: 60_000 });
  assert.match((await editor.textContent('[data-testid="slo-rules-preview"]')) ?? '', /slo:sli_error:ratio_rate5m/);
  await editor.screenshot({ path: join(shots, 'page-slo-new-preview.png'), fullPage: true });
  // A broken objective is reported by the companion, naming the field; the page logs the 422 as a failed load.
  await editor.fill('textarea', (await editor.inputValue('textarea')).replace('objective: 99.9', 'objective: 250'));
  await editor.waitForSelector('[data-testid="slo-issues"]', { timeout: 60_000 });
  assert.match((await editor.textContent('[data-testid="slo-issues"]')) ?? '', /objective/);
  await editor.screenshot({ path: join(shots, 'page-slo-new.png'), fullPage: true });
  await editor.close();
  // Editing the applied SLO from the list opens its stored source (e2e.yml) in the same editor.
  const list = await open('page/slos', '[data-testid="page-slos"] [data-testid="slo-card"]');
  await list.click('button[aria-label="Edit checkout-availability"]');
  await list.waitForSelector('[data-testid="page-slo-editor"] textarea', { timeout: 60_000 });
  assert.match(await list.inputValue('textarea'), /objective: 99\n/);
  assert.match((await list.textContent('[data-testid="page-slo-editor"] label')) ?? '', /e2e\.yml/);
  await list.waitForSelector('[data-testid="slo-rules-preview"]', { timeout: 60_000 });
  await list.screenshot({ path: join(shots, 'page-slo-edit.png'), fullPage: true });
  await list.close();
});

const APP = '/a/foresight-foresight-app';

test('app pages in the light theme', async () => {
  for (const [view, sel] of [
    ['page/overview', '[data-testid="overview-slos"] [data-testid="slo-card"]'],
    ['page/slos', '[data-testid="page-slos"] [data-testid="slo-card"]'],
    ['page/capacity', '[data-testid="page-capacity"] [data-testid="capacity-chart"] canvas'],
    ['page/anomalies', '[data-testid="page-anomalies"] [data-testid="anomaly-row"]'],
    ['page/incidents', '[data-testid="page-incidents"] [data-testid="rootcause-row"]'],
    ['page/config', '[data-testid="page-config"] input'],
  ] as const) {
    const page = await open(view, sel, 'light');
    // The light theme is applied: the page background is light, not the dark theme's.
    const bg = await page.$eval('body', (b) => {
      const w = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }; // DOM types are not in the backend lib
      return w.getComputedStyle(b).backgroundColor;
    });
    const [r, g, bl] = (bg.match(/\d+/g) ?? []).map(Number);
    assert.ok(r! > 200 && g! > 200 && bl! > 200, `${view}: light background, got ${bg}`);
    await page.close();
  }
});

test('app pages live under /a/<app-id>/ on the browser history, as in Grafana', async () => {
  // A path opened directly, as a Grafana link would.
  const list = await open(`${APP}/slos`, '[data-testid="page-slos"] [data-testid="slo-card"]');
  assert.equal(await list.getAttribute('[data-host-ready]', 'data-page'), 'slos');
  // In-app navigation moves the real URL (react-router on locationService's history), keeping the range…
  await list.click('button[aria-label="Edit checkout-availability"]');
  await list.waitForSelector('[data-testid="page-slo-editor"] textarea');
  const url = new URL(list.url());
  assert.match(url.pathname, new RegExp(`^${APP}/slos/checkout-availability/edit$`));
  // …and the browser's back button returns to the list.
  await list.goBack();
  await list.waitForSelector('[data-testid="page-slos"] [data-testid="slo-card"]');
  assert.equal(new URL(list.url()).pathname, `${APP}/slos`);
  await list.close();
  // The app's root path shows the Overview (the app's catch-all route), as Grafana's default nav page does.
  (await open(APP, '[data-testid="page-overview"]')).close();
});

test('the Anomalies page shows the injected error burst within a minute of its start', async () => {
  // The demo's anomaly targets watch each service's latency and error ratio: the error burst on payments
  // (ANCHOR - 10 min) is in their scope; the disk filling on db is a capacity matter, not an anomaly target.
  const burstStart = ANCHOR - 10 * 60_000;
  // Zoomed on the fault, as a person would: five minutes before it to two after.
  const range = { from: burstStart - 5 * 60_000, to: burstStart + 2 * 60_000 };
  const ask = async () => {
    const res = await fetch(`${companion!.url}/api/ds/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ range, queries: [{ refId: 'A', queryType: 'anomalies' }] }),
    });
    const body = dsQueryResponseSchema.parse(await res.json());
    return decodeAnomalies(Object.values(body.results).flatMap((r) => ('frames' in r ? r.frames : [])));
  };
  // The companion's one models cycle runs at start; wait for its results (they then stay put).
  let api = await ask();
  for (const deadline = Date.now() + 180_000; api.length === 0 && Date.now() < deadline; api = await ask())
    await new Promise((r) => setTimeout(r, 1000));
  // The first payments flag from the burst's start on comes within a minute of it. (Before the burst the
  // workload's own noise may be flagged now and then: the simulated day follows the wall clock's time of day.)
  const payments = api.filter((a) => a.series.includes('"payments"') && a.time >= burstStart).sort((a, b) => a.time - b.time);
  assert.ok(payments.length > 0, `the companion flags payments after the burst started: ${JSON.stringify(api.slice(0, 5))}`);
  const first = payments[0]!;
  assert.ok(first.time - burstStart <= 60_000, `first flagged ${(first.time - burstStart) / 1000} s after the burst started`);

  const page = await context!.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${host!.url}${APP}/anomalies?from=${range.from}&to=${range.to}&timezone=utc`);
  await page.waitForSelector('[data-testid="page-anomalies"] [data-testid="anomaly-row"]');
  const rows = await page.$$eval('[data-testid="anomaly-row"]', (trs) =>
    trs.map((tr) => Array.from((tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children, (td) => td.textContent ?? '')) // DOM types are not in the backend lib
  );
  // The page lists what the API flags in that range, the payments burst's first minute among it (times in
  // the page's zone, UTC here, to the minute).
  assert.equal(rows.length, Math.min(api.length, 50), `rows on the page vs flagged by the API`);
  const shownAt = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const onPage = rows.filter((r) => r[2]!.includes('"payments"') && r[0] === shownAt(first.time));
  assert.ok(onPage.length > 0, `the page shows payments flagged at ${shownAt(first.time)}: ${JSON.stringify(rows.slice(0, 8))}`);
  await page.screenshot({ path: join(shots, 'page-anomalies-fault.png'), fullPage: true });
  assert.deepEqual(errors, [], 'console errors');
  await page.close();
});

test('dashboards render from dashboards/*.json with their own targets and variables', async () => {
  const dsRequests = (page: Page) => {
    const bodies: Array<{ queries: Array<Record<string, unknown>> }> = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/datasources/proxy/uid/foresight/companion/api/ds/query')) bodies.push(r.postDataJSON());
    });
    return bodies;
  };
  const targets = (
    (await (await fetch(`${companion!.url}/api/ds/options/targets`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      options: Array<{ value: string }>;
    }
  ).options.map((o) => o.value);
  // The variable's `sort: 1` (alphabetical): its first option is the value shown when the URL names none.
  const firstTarget = [...targets].sort()[0]!;
  for (const theme of ['dark', 'light'] as const) {
    const page = await context!.newPage();
    const bodies = dsRequests(page);
    const ready = '[data-panel-type="foresight-capacity-panel"] [data-testid="capacity-forecast"]';
    await page.goto(`${host!.url}/d/foresight-capacity?theme=${theme}${TIME}`);
    await page.waitForSelector(ready);
    await page.waitForSelector('[data-panel-type="timeseries"] [data-testid="core-panel"]');
    // The title and the query carry the variable's value, interpolated by the datasource through templateSrv.
    assert.equal(await page.textContent('[data-panel-id="1"] [data-testid="panel-title"]'), `Forecast: ${firstTarget}`);
    const sent = bodies.flatMap((b) => b.queries);
    assert.deepEqual(
      sent.map((q) => [q.queryType, q.target, q.horizon]),
      [['forecast', firstTarget, '7d']]
    );
    // Core panels on Prometheus are named with their interpolated PromQL.
    assert.match((await page.textContent('[data-panel-id="2"] [data-testid="core-panel-query"]')) ?? '', new RegExp(`target="${firstTarget}"`));
    await assertChartDrawn(page, '[data-panel-id="1"] [data-testid="capacity-chart"]');
    await page.screenshot({ path: join(shots, `dashboard-foresight-capacity${theme === 'light' ? '-light' : ''}.png`), fullPage: true });
    await page.close();
  }
  // `var-<name>` in the URL picks the value, as in Grafana.
  const other = targets.find((t) => t !== firstTarget) ?? firstTarget;
  const picked = await context!.newPage();
  const pickedBodies = dsRequests(picked);
  await picked.goto(`${host!.url}/d/foresight-capacity?var-target=${encodeURIComponent(other)}${TIME}`);
  await picked.waitForSelector('[data-panel-id="1"] [data-testid="capacity-forecast"]');
  assert.equal(await picked.textContent('[data-panel-id="1"] [data-testid="panel-title"]'), `Forecast: ${other}`);
  assert.deepEqual(pickedBodies.flatMap((b) => b.queries).map((q) => q.target), [other]);
  await picked.close();

  // The SLO detail dashboard: its panel's three targets for the SLO variable.
  const slos = (
    (await (await fetch(`${companion!.url}/api/ds/options/slos`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      options: Array<{ value: string }>;
    }
  ).options.map((o) => o.value);
  const slo = await open('dashboard/foresight-slo-detail', '[data-panel-id="1"] [data-testid="slo-card"]');
  const sloId = await slo.inputValue('[data-testid="var-slo"]');
  assert.equal(sloId, [...slos].sort()[0]);
  assert.equal(await slo.textContent('[data-panel-id="1"] [data-testid="panel-title"]'), `SLO ${sloId}`);
  await slo.close();
  // The overview dashboard: all four Foresight panels with data, the core ones named.
  const overview = await open('dashboard/foresight-overview', '[data-panel-type="foresight-health-panel"] [data-testid="health-card"]');
  await overview.waitForSelector('[data-panel-type="foresight-slo-panel"] [data-testid="slo-card"]');
  await overview.waitForSelector('[data-panel-type="foresight-rootcause-panel"] [data-testid="rootcause-row"]');
  await overview.waitForSelector('[data-panel-type="foresight-capacity-panel"] [data-testid="capacity-forecast"]');
  assert.equal(await overview.locator('[data-panel-state="error"]').count(), 0);
  await overview.screenshot({ path: join(shots, 'dashboard-foresight-overview.png'), fullPage: true });
  await overview.close();
});
