// The Experiments page against a fake companion: run history, verdicts, the run timeline beside incidents,
// and a plan refused with the companion's field-naming errors.
import React from 'react';
import { of } from 'rxjs';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { setBackendSrv, type BackendSrv, type BackendSrvRequest } from '@grafana/runtime';
import Experiments from './Experiments';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  PluginPage: ({ children }: { children: React.ReactNode }) => <div>{children}</div>,
}));

// Combobox sizes its menu with a canvas; jsdom has none.
HTMLCanvasElement.prototype.getContext = (() => ({
  measureText: (t: string) => ({ width: t.length * 7 }),
})) as unknown as typeof HTMLCanvasElement.prototype.getContext;

const t0 = Date.parse('2026-11-30T12:00:00Z');
const run = {
  id: 3,
  plan: 'gd',
  trigger: 'api',
  status: 'done',
  outcome: 'failed',
  startedAt: new Date(t0).toISOString(),
  endedAt: new Date(t0 + 120_000).toISOString(),
  experiments: [
    {
      experiment: 'checkout-pages-payments',
      target: 'checkout',
      judgement: {
        outcome: 'failed',
        summary: '1/2 expectations met',
        scores: { alertDetectionSeconds: 7.5, routingCorrect: false },
        verdicts: [
          {
            expectation: 'alert',
            verdict: 'met',
            expected: 'DemoHighErrorRate within 180 s',
            observed: 'firing after 7.5 s',
          },
          {
            expectation: 'receiver',
            verdict: 'missed',
            expected: 'routed to team-payments',
            observed: 'Alertmanager routed it to team-checkout',
          },
        ],
      },
    },
  ],
  events: [
    {
      at: t0 + 1000,
      experiment: 'checkout-pages-payments',
      step: 'inject',
      ok: true,
      message: 'error_burst on checkout',
    },
    { at: t0 + 9000, experiment: 'checkout-pages-payments', step: 'observe', ok: true, message: 'alert firing' },
  ],
};
const calls: BackendSrvRequest[] = [];
setBackendSrv({
  fetch: (req: BackendSrvRequest) => {
    calls.push(req);
    const url = String(req.url);
    if (url.endsWith('/api/chaos/runs?limit=50')) {
      return of({ data: [run], status: 200 });
    }
    if (url.endsWith('/api/chaos/runs/3')) {
      return of({ data: run, status: 200 });
    }
    if (url.includes('/api/alerting/incidents')) {
      return of({
        data: [
          {
            id: 9,
            title: 'DemoHighErrorRate',
            services: ['checkout'],
            status: 'resolved',
            openedAt: new Date(t0 + 8000).toISOString(),
          },
        ],
        status: 200,
      });
    }
    if (url.endsWith('/api/chaos/validate')) {
      return of({
        data: { valid: false, errors: ['plan: experiments[0] (x).method[0].rollback: missing'], warnings: [] },
        status: 200,
      });
    }
    return of({ data: {}, status: 404 });
  },
} as unknown as BackendSrv);

test('shows the latest run, its verdicts and its timeline beside the incidents', async () => {
  render(<Experiments />);
  await act(async () => undefined);
  await act(async () => undefined);
  expect(screen.getByTestId('experiments-summary')).toHaveTextContent('checkout-pages-payments');
  expect(screen.getByTestId('experiments-summary')).toHaveTextContent('wrong');
  expect(screen.getByText('Alertmanager routed it to team-checkout')).toBeInTheDocument();
  const tl = screen.getByTestId('experiments-timeline');
  expect(tl).toHaveTextContent('+0 s [checkout-pages-payments] inject: error_burst on checkout');
  expect(tl).toHaveTextContent('+7 s 🔔 incident #9 opened: DemoHighErrorRate (checkout)');
  expect(tl.textContent!.indexOf('incident #9')).toBeLessThan(tl.textContent!.indexOf('alert firing'));
});

test('a refused plan shows the companion errors', async () => {
  render(<Experiments />);
  await act(async () => undefined);
  fireEvent.change(screen.getByPlaceholderText(/version: foresight\/chaos-v1/), {
    target: { value: 'version: foresight/chaos-v1' },
  });
  await act(async () => fireEvent.click(screen.getByText('Validate')));
  expect(screen.getByText(/rollback: missing/)).toBeInTheDocument();
  expect(
    calls.some(
      (c) =>
        String(c.url).endsWith('/api/chaos/validate') &&
        (c.data as { text: string }).text === 'version: foresight/chaos-v1'
    )
  ).toBe(true);
});
