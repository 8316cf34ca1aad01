// The app configuration page against a fake Grafana settings API: saving enables the app and, once a token
// was sent, shows it as configured (Grafana never returns it).
import React from 'react';
import { of } from 'rxjs';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { PluginType } from '@grafana/data';
import { setBackendSrv, type BackendSrv, type BackendSrvRequest } from '@grafana/runtime';
import AppConfig, { type AppConfigProps } from './AppConfig';

const calls: BackendSrvRequest[] = [];
setBackendSrv({
  fetch: (req: BackendSrvRequest) => {
    calls.push(req);
    return of({ data: {}, status: 200 });
  },
} as unknown as BackendSrv); // the page only calls fetch

function props(enabled: boolean): AppConfigProps {
  return {
    plugin: {
      meta: {
        id: 'foresight-foresight-app',
        name: 'Foresight',
        type: PluginType.app,
        enabled,
        pinned: false,
        jsonData: { companionUrl: 'http://companion:8787' },
        secureJsonFields: {},
        info: {},
        module: '',
        baseUrl: '',
      },
    },
    query: {},
  } as unknown as AppConfigProps;
}

test('saving a disabled app enables it and shows the token as configured', async () => {
  render(<AppConfig {...props(false)} />);
  fireEvent.change(screen.getByPlaceholderText('companion API token'), { target: { value: 's3cret' } });
  await act(async () => fireEvent.click(screen.getByText('Save and enable')));
  const body = calls[calls.length - 1]!.data as { enabled: boolean; pinned: boolean; secureJsonData?: object };
  expect(calls[calls.length - 1]!.url).toBe('/api/plugins/foresight-foresight-app/settings');
  expect(body.enabled).toBe(true);
  expect(body.pinned).toBe(true);
  expect(body.secureJsonData).toEqual({ apiToken: 's3cret' });
  expect(screen.getByText('Saved: the app is enabled')).toBeInTheDocument();
  // SecretInput shows a configured secret as a disabled "configured" field with a Reset button.
  expect(screen.getByText('Reset')).toBeInTheDocument();
  expect(screen.getByText('Disable')).toBeInTheDocument();
  // Saving again does not send the (unknown) token back.
  await act(async () => fireEvent.click(screen.getByText('Save')));
  expect((calls[calls.length - 1]!.data as { secureJsonData?: object }).secureJsonData).toBeUndefined();
});

test('Disable turns the app off', async () => {
  render(<AppConfig {...props(true)} />);
  fireEvent.change(screen.getByPlaceholderText('companion API token'), { target: { value: 't' } });
  await act(async () => fireEvent.click(screen.getByText('Disable')));
  expect((calls[calls.length - 1]!.data as { enabled: boolean }).enabled).toBe(false);
  expect(screen.getByText('Saved: the app is disabled')).toBeInTheDocument();
});
