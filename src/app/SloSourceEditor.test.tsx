// Editing a stored SLO spec against a fake companion: the source is found through the SLO list, opened in
// the editor, validated and previewed under its own file name, and Apply replaces that source.
import React from 'react';
import { of, throwError } from 'rxjs';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { setBackendSrv, type BackendSrv, type BackendSrvRequest } from '@grafana/runtime';
import { SloSourceEditor } from './SloSourceEditor';
import { loadSloSource, textOf } from './sloSource';

const STORED = `version: foresight/v1
service: payments
slos:
  - name: availability
    objective: 99.5
    window: 28d
    sli:
      ratio:
        errors: sum(rate(http_requests_total{service="payments",code=~"5.."}[{{.window}}]))
        total: sum(rate(http_requests_total{service="payments"}[{{.window}}]))
`;
const PROXY = '/api/plugin-proxy/foresight-foresight-app/companion';

/** What the fake companion answers; each test sets it up. */
let companion: {
  list: object;
  sources?: Record<string, string>; // undefined: GET /api/slo/sources/:file is missing (404)
};
const calls: BackendSrvRequest[] = [];

setBackendSrv({
  fetch: (req: BackendSrvRequest) => {
    calls.push(req);
    const path = String(req.url).slice(PROXY.length);
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/api/slo') {
      return of({ data: companion.list, status: 200 });
    }
    const m = /^\/api\/slo\/sources\/(.+)$/.exec(path);
    if (method === 'GET' && m) {
      const text = companion.sources?.[decodeURIComponent(m[1]!)];
      return text === undefined
        ? throwError(() => ({ status: 404, statusText: 'Not Found', data: 'Cannot GET' }))
        : of({ data: { file: decodeURIComponent(m[1]!), text }, status: 200 });
    }
    const posted = (req.data as { sources: Array<{ file: string; text: string }> }).sources[0]!;
    if (path === '/api/slo/validate') {
      return /objective: 250/.test(posted.text)
        ? throwError(() => ({
            status: 422,
            data: { ok: false, issues: [{ level: 'error', field: 'objective', message: 'must be between 0 and 100' }] },
          }))
        : of({ data: { ok: true, issues: [] }, status: 200 });
    }
    if (path === '/api/slo/generate') {
      // the preview follows the posted text, so a test can see the edit reach it
      const objective = /objective: ([\d.]+)/.exec(posted.text)?.[1];
      return of({ data: { files: { [`slo-${posted.file}`]: `# objective ${objective}\ngroups: []\n` } }, status: 200 });
    }
    if (path === '/api/slo/apply') {
      return of({ data: { applied: [`slo-${posted.file}`], issues: [] }, status: 200 });
    }
    return throwError(() => ({ status: 404, data: `no fake route ${method} ${path}` }));
  },
} as unknown as BackendSrv);

const listOf = (...slos: Array<{ id: string; file?: string }>) => ({ slos, issues: [], lastApply: null });

beforeEach(() => {
  jest.useFakeTimers();
  calls.length = 0;
  companion = {
    list: listOf(
      { id: 'checkout-availability', file: 'e2e.yml' },
      { id: 'payments-availability', file: 'payments.yml' }
    ),
    sources: { 'e2e.yml': 'version: foresight/v1\n', 'payments.yml': STORED },
  };
});
afterEach(() => jest.useRealTimers());

/** Lets the source load resolve and the debounced validation + preview run. */
const settle = async () => {
  await act(async () => jest.advanceTimersByTime(500)); // the source load resolves, the editor mounts
  await act(async () => jest.advanceTimersByTime(500)); // its debounced validation + preview run
};

test('edit opens the stored source, validates and previews it under its own file name', async () => {
  render(<SloSourceEditor id="payments-availability" onDone={() => undefined} />);
  await settle();
  expect(screen.getByLabelText('SLO spec')).toHaveValue(STORED);
  expect(screen.getByText('SLO spec (YAML): payments.yml')).toBeInTheDocument();
  expect(screen.getByTestId('slo-valid')).toBeInTheDocument();
  expect(screen.getByTestId('slo-rules-preview')).toHaveTextContent('objective 99.5');
  expect(calls.map((c) => `${c.method ?? 'GET'} ${String(c.url).slice(PROXY.length)}`)).toEqual([
    'GET /api/slo',
    'GET /api/slo/sources/payments.yml',
    'POST /api/slo/validate',
    'POST /api/slo/generate',
  ]);
  expect(calls[2]?.data).toEqual({ sources: [{ file: 'payments.yml', text: STORED }] });
});

test('an edited spec is re-validated, re-previewed and applied as a replacement of the same file', async () => {
  render(<SloSourceEditor id="payments-availability" onDone={() => undefined} />);
  await settle();
  const edited = STORED.replace('objective: 99.5', 'objective: 99.9');
  fireEvent.change(screen.getByLabelText('SLO spec'), { target: { value: edited } });
  await settle();
  expect(screen.getByTestId('slo-rules-preview')).toHaveTextContent('objective 99.9');
  calls.length = 0;
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: /Apply/ }));
  });
  expect(calls).toHaveLength(1);
  expect(calls[0]).toMatchObject({ url: `${PROXY}/api/slo/apply`, method: 'POST' });
  expect(calls[0]?.data).toEqual({ sources: [{ file: 'payments.yml', text: edited }] });
  expect(screen.getByText(/Rules applied/)).toBeInTheDocument();
});

test('an invalid edit shows the issues and disables Apply', async () => {
  render(<SloSourceEditor id="payments-availability" onDone={() => undefined} />);
  await settle();
  fireEvent.change(screen.getByLabelText('SLO spec'), {
    target: { value: STORED.replace('objective: 99.5', 'objective: 250') },
  });
  await settle();
  expect(screen.getByTestId('slo-issues')).toHaveTextContent('objective must be between 0 and 100');
  expect(screen.getByRole('button', { name: /Apply/ })).toBeDisabled();
});

test('a companion without the sources endpoint gets an error naming the SLO, file and endpoint', async () => {
  companion.sources = undefined;
  const done = jest.fn();
  render(<SloSourceEditor id="payments-availability" onDone={done} />);
  await settle();
  expect(screen.getByTestId('page-slo-editor-error')).toHaveTextContent(
    /payments-availability.*payments\.yml.*GET \/api\/slo\/sources\/:file/
  );
  expect(screen.queryByLabelText('SLO spec')).toBeNull();
  fireEvent.click(screen.getByRole('button', { name: 'Back' }));
  expect(done).toHaveBeenCalled();
});

test('an unknown SLO id is reported, and no source is fetched', async () => {
  render(<SloSourceEditor id="nope" onDone={() => undefined} />);
  await settle();
  expect(screen.getByTestId('page-slo-editor-error')).toHaveTextContent("no SLO with id 'nope'");
  expect(calls).toHaveLength(1);
});

test('sources listed with the SLOs are used without another request', async () => {
  companion = {
    list: {
      ...listOf({ id: 'payments-availability', file: 'payments.yml' }),
      sources: [{ file: 'payments.yml', text: STORED }],
    },
  };
  await expect(loadSloSource('payments-availability')).resolves.toEqual({ file: 'payments.yml', text: STORED });
  expect(calls).toHaveLength(1);
});

test('source answers are read tolerantly', () => {
  expect(textOf('a: 1')).toBe('a: 1');
  expect(textOf({ file: 'x', text: 'b' })).toBe('b');
  expect(textOf({ source: { file: 'x', text: 'c' } })).toBe('c');
  expect(textOf({ file: 'x' })).toBeUndefined();
  expect(textOf(null)).toBeUndefined();
});
