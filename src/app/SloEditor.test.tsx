// The SLO editor against a fake companion: live validation, rules preview, issues naming the field.
import React from 'react';
import { of, throwError } from 'rxjs';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { setBackendSrv, type BackendSrv, type BackendSrvRequest } from '@grafana/runtime';
import { SloEditor, filesOf, issuesOf } from './SloEditor';

const calls: BackendSrvRequest[] = [];
setBackendSrv({
  fetch: (req: BackendSrvRequest) => {
    calls.push(req);
    const text = (req.data as { sources: Array<{ text: string }> }).sources[0]!.text;
    if (String(req.url).endsWith('/api/slo/validate')) {
      return /objective: 250/.test(text)
        ? throwError(() => ({
            status: 422,
            data: {
              ok: false,
              issues: [
                {
                  level: 'error',
                  file: 'x',
                  slo: 'availability',
                  field: 'objective',
                  message: 'must be between 0 and 100',
                },
              ],
            },
          }))
        : of({ data: { ok: true, issues: [] }, status: 200 });
    }
    return of({ data: { files: { 'checkout.yml': 'groups:\n  - name: slo-checkout\n' } }, status: 200 });
  },
} as unknown as BackendSrv);

beforeEach(() => {
  jest.useFakeTimers();
  calls.length = 0;
});
afterEach(() => jest.useRealTimers());

test('a valid spec is validated, previewed and can be applied', async () => {
  render(<SloEditor onDone={() => undefined} />);
  await act(async () => jest.advanceTimersByTime(500));
  expect(screen.getByTestId('slo-valid')).toBeInTheDocument();
  expect(screen.getByTestId('slo-rules-preview')).toHaveTextContent('slo-checkout');
  expect(calls.map((c) => c.url)).toEqual([
    '/api/plugin-proxy/foresight-foresight-app/companion/api/slo/validate',
    '/api/plugin-proxy/foresight-foresight-app/companion/api/slo/generate',
  ]);
  expect(calls[0]?.data).toEqual({
    sources: [{ file: 'grafana-editor.yml', text: expect.stringContaining('version: foresight/v1') }],
  });
  expect(screen.getByRole('button', { name: /Apply/ })).toBeEnabled();
});

test('an invalid spec shows the companion issues and disables Apply', async () => {
  render(<SloEditor onDone={() => undefined} />);
  fireEvent.change(screen.getByLabelText('SLO spec'), {
    target: { value: 'version: foresight/v1\nslos:\n  - name: a\n    objective: 250\n' },
  });
  await act(async () => jest.advanceTimersByTime(500));
  expect(screen.getByTestId('slo-issues')).toHaveTextContent('availability objective must be between 0 and 100');
  expect(screen.queryByTestId('slo-rules-preview')).toBeNull();
  expect(screen.getByRole('button', { name: /Apply/ })).toBeDisabled();
});

test('answer readers are tolerant of shape', () => {
  expect(issuesOf({ error: 'bad' })).toEqual([{ message: 'bad' }]);
  expect(issuesOf(null)).toEqual([]);
  expect(filesOf({ rules: 'x' })).toEqual({ 'rules.yaml': 'x' });
  expect(filesOf('nope')).toEqual({});
});
