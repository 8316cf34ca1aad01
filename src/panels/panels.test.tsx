// Each panel's states (data, partial data, no data, error), rendered outside Grafana.
import React from 'react';
import { render, screen, within } from '@testing-library/react';
import { createTheme } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { anomaliesFrame, burnRateFrame, forecastFrame, sloStatusFrames } from '@foresight/contract';
import { SloPanel, defaultSloOptions } from './slo/SloPanel';
import { HealthPanel, defaultHealthOptions, trendOf } from './health/HealthPanel';
import { CapacityPanel, defaultCapacityOptions, firstCrossing } from './capacity/CapacityPanel';
import { RootCausePanel, defaultRootCauseOptions } from './rootcause/RootCausePanel';
import { explorePath, relativeToIncident } from './rootcause/explore';
import { bandPath, duration, pct } from './common/format';
import { fixtures, forecast, panelData, slo } from '../test/fixtures';

const size = { width: 800, height: 400 };
const failed = panelData([], [{ refId: 'A', message: 'HTTP 502: prometheus unreachable' }]);

describe('SLO panel', () => {
  test('an SLI whose query returned no series says "no data for <query>" (through the frames), not 100%', () => {
    const q = 'sum(rate(http_requests_totl[30d]))';
    const none = { ...slo, sli: null, budgetRemaining: null, coverage: 0, noDataQuery: q };
    render(<SloPanel data={panelData(sloStatusFrames([none]))} options={defaultSloOptions} {...size} />);
    expect(screen.getByTestId('slo-no-data')).toHaveTextContent(`no data for ${q}`);
    expect(screen.queryByTestId('slo-coverage-note')).toBeNull();
    expect(screen.getByTestId('slo-sli')).not.toHaveTextContent('100');
  });

  test('a window with little data says so instead of "exhausted"', () => {
    const thin = { ...slo, budgetRemaining: -3.04, coverage: 0.0008 };
    render(<SloPanel data={panelData(sloStatusFrames([thin]))} options={defaultSloOptions} {...size} />);
    expect(screen.getByTestId('slo-coverage')).toHaveTextContent('data for 0.08% of the window');
    expect(screen.getByTestId('slo-tte')).toHaveTextContent('too little data');
    expect(screen.getByTestId('slo-coverage-note')).toHaveTextContent('Only 0.08% of the 30d window has data');
  });
  test('shows SLI vs objective, budget, time to exhaustion, burn-down and burn rates against thresholds', () => {
    render(<SloPanel data={panelData(fixtures.sloFrames())} options={defaultSloOptions} {...size} />);
    expect(screen.getByText('Checkout availability')).toBeInTheDocument();
    expect(screen.getByTestId('slo-sli')).toHaveTextContent('99.812%');
    expect(screen.getByText('objective 99.900%')).toBeInTheDocument();
    expect(screen.getByText('below objective')).toBeInTheDocument();
    expect(screen.getByTestId('slo-budget')).toHaveTextContent('42.3%');
    expect(screen.getByTestId('slo-tte')).toHaveTextContent('1d 2h');
    expect(screen.getByTestId('slo-burndown')).toHaveAttribute('aria-label', 'error budget burn-down');
    const rows = screen.getAllByTestId('slo-burnrate-row');
    expect(rows.map((r) => r.textContent)).toEqual(['1h16.40×14.4×', '6h2.50×6.0×']);
  });

  test('burn rates alone (partial data) still render, with a note about the missing status', () => {
    render(
      <SloPanel
        data={panelData(
          [burnRateFrame([{ slo: 'x', window: '5m', rate: 1, threshold: 14.4 }])],
          [{ refId: 'B', message: 'status unavailable' }]
        )}
        options={defaultSloOptions}
        {...size}
      />
    );
    expect(screen.getByText(/No status for this SLO/)).toBeInTheDocument();
    expect(screen.getByTestId('panel-warnings')).toHaveTextContent('status unavailable');
    expect(screen.getAllByTestId('slo-burnrate-row')).toHaveLength(1);
  });

  test('no data and errors are explained', () => {
    const { unmount } = render(<SloPanel data={panelData([])} options={defaultSloOptions} {...size} />);
    expect(screen.getByTestId('panel-empty')).toHaveTextContent('No SLOs defined yet');
    unmount();
    render(<SloPanel data={failed} options={{ ...defaultSloOptions, slo: 'nope' }} {...size} />);
    expect(screen.getByRole('alert')).toHaveTextContent('HTTP 502: prometheus unreachable');
  });

  test('the SLO filter option picks one SLO (with template variables)', () => {
    render(
      <SloPanel
        data={panelData(fixtures.sloFrames())}
        options={{ ...defaultSloOptions, slo: '$slo' }}
        replaceVariables={() => 'other'}
        {...size}
      />
    );
    expect(screen.getByTestId('panel-empty')).toHaveTextContent("No SLO 'other' in the result");
  });
});

describe('Health panel', () => {
  test('shows score, grade, trend, sparkline and weighted categories', () => {
    render(<HealthPanel data={panelData(fixtures.healthFrames())} options={defaultHealthOptions} {...size} />);
    expect(screen.getByTestId('health-score')).toHaveTextContent('64');
    expect(screen.getByTestId('health-grade')).toHaveTextContent('D');
    expect(screen.getByTestId('health-trend-down')).toHaveTextContent('-7.5');
    expect(screen.getByTestId('health-sparkline')).toBeInTheDocument();
    const cats = within(screen.getByTestId('health-categories')).getAllByRole('row');
    expect(cats.map((r) => r.textContent)).toEqual([
      'uptime30%100',
      'performance25%40',
      'errors25%35',
      'resources20%88',
    ]);
    expect(trendOf(1, 2)).toBe('flat');
    expect(trendOf(3, 2)).toBe('up');
  });
  test('renders in the light theme too', () => {
    render(
      <ThemeContext.Provider value={createTheme({ colors: { mode: 'light' } })}>
        <HealthPanel data={panelData(fixtures.healthFrames())} options={defaultHealthOptions} {...size} />
      </ThemeContext.Provider>
    );
    expect(screen.getByTestId('health-grade')).toHaveTextContent('D');
  });
  test('no data and errors', () => {
    const { unmount } = render(
      <HealthPanel data={panelData([anomaliesFrame([])])} options={defaultHealthOptions} {...size} />
    );
    expect(screen.getByTestId('panel-empty')).toHaveTextContent('No health scores yet');
    unmount();
    render(<HealthPanel data={failed} options={defaultHealthOptions} {...size} />);
    expect(screen.getByRole('alert')).toHaveTextContent('prometheus unreachable');
  });
});

describe('Capacity panel', () => {
  test('charts history and forecast with Grafana uPlot; facts, horizon note and advice gate below', () => {
    render(<CapacityPanel data={panelData(fixtures.forecastFrames())} options={defaultCapacityOptions} {...size} />);
    // uPlot itself needs a real canvas and layout: the e2e checks it draws; here the chart is mounted.
    expect(screen.getByTestId('capacity-chart')).toHaveAttribute('aria-label', 'forecast chart for disk');
    expect(screen.getByTestId('capacity-threshold-value')).toHaveTextContent('95');
    expect(screen.getByTestId('capacity-crossing-time')).toHaveTextContent('2026-11-25 03:00 UTC');
    expect(screen.getByTestId('capacity-headroom')).toHaveTextContent('17.0%');
    // 9 h of history: the 10 h forecast is cut to 9 h, and no advice before a day of history.
    expect(screen.getByTestId('capacity-horizon-note')).toHaveTextContent('1 h more history');
    expect(screen.getByTestId('capacity-advice-gate')).toHaveTextContent('15 h more');
    expect(screen.queryByTestId('capacity-recommendation')).toBeNull();
  });
  test("the model's notes are listed, folded, when the companion sends them", () => {
    const { unmount } = render(
      <CapacityPanel data={panelData(fixtures.forecastFrames())} options={defaultCapacityOptions} {...size} />
    );
    expect(screen.queryByTestId('capacity-notes')).toBeNull();
    unmount();
    const notes = [
      '144 missing point(s) interpolated (1 gap(s) longer than 3 steps: filled, and not validated on)',
      'season 288 steps',
    ];
    render(
      <CapacityPanel
        data={panelData([forecastFrame({ ...forecast(), notes })])}
        options={defaultCapacityOptions}
        {...size}
      />
    );
    const box = screen.getByTestId('capacity-notes');
    expect(box.tagName).toBe('DETAILS');
    expect(box).toHaveTextContent('How this forecast was made');
    expect(Array.from(box.querySelectorAll('li'), (li) => li.textContent)).toEqual(notes);
  });
  test("the companion's warning notices are shown with the forecasts (series left out, and why)", () => {
    const text = '1 series left out: disk{instance="h1"}: no threshold';
    const frame = forecastFrame(forecast());
    const info = { severity: 'info' as const, text: 'an info notice is for the chrome only' };
    render(
      <CapacityPanel
        data={panelData([{ ...frame, meta: { ...frame.meta, notices: [{ severity: 'warning', text }, info] } }])}
        options={defaultCapacityOptions}
        {...size}
      />
    );
    expect(screen.getByTestId('panel-warnings')).toHaveTextContent(text);
    expect(screen.getByTestId('panel-warnings')).not.toHaveTextContent('info notice');
    expect(screen.getByTestId('capacity-chart')).toBeInTheDocument();
  });
  test('the dashboard time zone is used for times', () => {
    render(
      <CapacityPanel
        data={panelData(fixtures.forecastFrames())}
        options={defaultCapacityOptions}
        timeZone="Europe/Berlin"
        {...size}
      />
    );
    expect(screen.getByTestId('capacity-crossing-time')).toHaveTextContent('2026-11-25 04:00 GMT+1');
  });
  test('threshold override recomputes the crossing; bands can be hidden', () => {
    render(
      <CapacityPanel
        data={panelData(fixtures.forecastFrames())}
        options={{ showBands: false, thresholdOverride: 80 }}
        {...size}
      />
    );
    expect(screen.getByTestId('capacity-crossing-time')).toHaveTextContent('2026-11-24 22:00 UTC');
    expect(firstCrossing(forecast(), 1000)).toBeNull();
  });
  test('no data and errors', () => {
    const { unmount } = render(<CapacityPanel data={panelData([])} options={defaultCapacityOptions} {...size} />);
    expect(screen.getByTestId('panel-empty')).toHaveTextContent('No forecast in the result');
    unmount();
    render(<CapacityPanel data={failed} options={defaultCapacityOptions} {...size} />);
    expect(screen.getByRole('alert')).toHaveTextContent('HTTP 502');
  });
});

describe('Root-cause panel', () => {
  test('ranks candidates with score, evidence, Explore links and a timeline', () => {
    render(<RootCausePanel data={panelData(fixtures.rootCauseFrames())} options={defaultRootCauseOptions} {...size} />);
    const rows = screen.getAllByTestId('rootcause-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('payments');
    expect(rows[0]).toHaveTextContent('probe_success went 1 → 0');
    expect(within(rows[0]!).getByTestId('rootcause-score')).toHaveTextContent('0.91');
    const link = within(rows[0]!).getByText('Explore').closest('a');
    expect(decodeURIComponent(link?.getAttribute('href') ?? '')).toContain('"expr":"probe_success{service=\\"payments\\"}"');
    expect(screen.getByTestId('rootcause-timeline')).toHaveTextContent('checkout errors rose');
    expect(screen.getByText(/^Incident inc-42/)).toBeInTheDocument();
    expect(within(rows[0]!).getByTestId('rootcause-onset')).toHaveTextContent('2026-11-24 12:00 UTC');
  });
  test('no data and errors', () => {
    const { unmount } = render(<RootCausePanel data={panelData([])} options={defaultRootCauseOptions} {...size} />);
    expect(screen.getByTestId('panel-empty')).toHaveTextContent('No incident to explain');
    unmount();
    render(
      <RootCausePanel
        data={panelData([], [{ refId: 'A', message: 'query type rootCause is not available yet' }])}
        options={defaultRootCauseOptions}
        {...size}
      />
    );
    expect(screen.getByRole('alert')).toHaveTextContent('query type rootCause is not available yet');
  });
});

describe('pure helpers', () => {
  test('formatters', () => {
    expect(pct(0.99812, 3)).toBe('99.812%');
    expect(pct(null)).toBe('—');
    expect(duration(93784)).toBe('1d 2h');
    expect(duration(59)).toBe('59s');
  });
  test('band path skips gaps and closes each run', () => {
    const id = (v: number) => v;
    expect(bandPath([0, 1, 2, 3], [null, 1, 1, null], [null, 2, 3, null], id, id)).toBe(
      'M1.0,2.0L2.0,3.0L2.0,1.0L1.0,1.0Z'
    );
  });
  test('Explore URL carries expression, datasource, the org and a window around the onset', () => {
    const url = explorePath('up', 'prom', 3_600_000, 0, 7);
    expect(url).toMatch(/^\/explore\?schemaVersion=1&orgId=7&panes=/);
    const panes = JSON.parse(decodeURIComponent(url.split('panes=')[1]!));
    expect(panes.fs).toEqual({
      datasource: 'prom',
      queries: [{ refId: 'A', expr: 'up', datasource: { type: 'prometheus', uid: 'prom' } }],
      range: { from: '1800000', to: '5400000' },
    });
  });
  test('onsets read relative to the incident', () => {
    expect(relativeToIncident(1_000_000 - 250_000, 1_000_000)).toBe('4 min 10 s before the incident');
    expect(relativeToIncident(1_030_000, 1_000_000)).toBe('30 s after the incident');
    expect(relativeToIncident(1_000_000, 1_000_000)).toBe('at the incident');
  });
  test('fixture SLO is below its objective', () => expect(slo.sli! < slo.objective).toBe(true));
});
