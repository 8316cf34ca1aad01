// The Overview page passes the page's time zone (the URL's `timezone`, as Grafana links carry it; else the
// user's preference) to every panel it shows, and its anomaly table prints times in that zone.
import React from 'react';
import { of } from 'rxjs';
import { render, screen, waitFor } from '@testing-library/react';
import { locationService, setBackendSrv, type BackendSrv, type BackendSrvRequest } from '@grafana/runtime';
import { anomaliesFrame, forecastFrame, type Query } from '@foresight/contract';
import { fixtures, forecast, T0 } from '../../test/fixtures';
import Overview from './Overview';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  PluginPage: ({ children }: { children: React.ReactNode }) => <div>{children}</div>,
}));

// Each panel records the props it was given (the real panels are tested on their own).
const seen: Record<string, unknown[]> = { slo: [], health: [], capacity: [] };
jest.mock('../../panels/slo/SloPanel', () => ({
  defaultSloOptions: {},
  SloPanel: (p: { timeZone?: string }) => (seen.slo!.push(p.timeZone), <div data-testid="slo-stub" />),
}));
jest.mock('../../panels/health/HealthPanel', () => ({
  defaultHealthOptions: {},
  HealthPanel: (p: { timeZone?: string }) => (seen.health!.push(p.timeZone), <div data-testid="health-stub" />),
}));
jest.mock('../../panels/capacity/CapacityPanel', () => ({
  defaultCapacityOptions: {},
  CapacityPanel: (p: { timeZone?: string }) => (seen.capacity!.push(p.timeZone), <div data-testid="capacity-stub" />),
}));

const anomalyAt = Date.UTC(2026, 10, 24, 12, 34, 0);
function answer(queries: Query[]) {
  const frames = (q: Query) => {
    switch (q.queryType) {
      case 'sloStatus':
        return fixtures.sloFrames();
      case 'healthScore':
        return fixtures.healthFrames();
      case 'anomalies':
        return [
          anomaliesFrame([
            { time: anomalyAt, target: 'latency', series: 'up{job="x"}', score: 0.8, value: 2, expected: 1 },
          ]),
        ];
      case 'forecast':
        return [forecastFrame(forecast())];
      default:
        return [];
    }
  };
  return { results: Object.fromEntries(queries.map((q) => [q.refId, { frames: frames(q) }])) };
}

setBackendSrv({
  fetch: (req: BackendSrvRequest) => {
    const url = String(req.url);
    if (url.endsWith('/api/ds/options/targets')) {
      return of({ data: { options: [{ value: 'disk' }] }, status: 200 });
    }
    if (url.endsWith('/api/ds/query')) {
      return of({ data: answer((req.data as { queries: Query[] }).queries), status: 200 });
    }
    throw new Error(`unexpected request ${url}`);
  },
} as unknown as BackendSrv);

afterEach(() => {
  for (const k of Object.keys(seen)) {
    seen[k] = [];
  }
});

async function renderAt(search: string) {
  locationService.push(`/a/foresight-foresight-app/overview${search}`);
  render(<Overview />);
  await screen.findByTestId('slo-stub');
  await screen.findByTestId('health-stub');
  await screen.findByTestId('capacity-stub');
  return screen.findByTestId('anomaly-time');
}

test('the URL zone reaches every panel and the anomaly times', async () => {
  const range = `from=${T0 - 3600_000}&to=${T0 + 3600_000}`;
  const cell = await renderAt(`?${range}&timezone=America/New_York`);
  // 12:34 UTC on 24 Nov is 07:34 in New York (EST, UTC-5).
  expect(cell.textContent).toMatch(/^2026-11-24 07:34 (EST|GMT-5)$/);
  await waitFor(() => expect(seen.capacity!.length).toBeGreaterThan(0));
  for (const [panel, zones] of Object.entries(seen)) {
    expect([panel, zones.at(-1)]).toEqual([panel, 'America/New_York']);
  }
});

test('without a zone in the URL the user preference (else the browser) is used, not a fixed UTC', async () => {
  const cell = await renderAt(`?from=${T0 - 3600_000}&to=${T0 + 3600_000}`);
  expect(seen.slo!.at(-1)).toBe('browser');
  expect(seen.health!.at(-1)).toBe('browser');
  expect(cell.textContent).toMatch(/^2026-11-24 \d\d:34 /);
});
