// The datasource against a fake backendSrv: which URL and body it sends, and how it reads answers.
import { of, throwError } from 'rxjs';
import { dateTime, type DataQueryRequest, type DataSourceInstanceSettings } from '@grafana/data';
import {
  setBackendSrv,
  setTemplateSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type TemplateSrv,
} from '@grafana/runtime';
import { sloStatusFrames } from '@foresight/contract';
import { CompanionDataSource } from './datasource';
import type { FsOptions, FsQuery } from './types';
import { slo } from '../test/fixtures';

const calls: BackendSrvRequest[] = [];
let answer: (req: BackendSrvRequest) => unknown = () => ({});
setBackendSrv({
  fetch: (req: BackendSrvRequest) => {
    calls.push(req);
    try {
      return of({ data: answer(req), status: 200, ok: true });
    } catch (err) {
      return throwError(() => err);
    }
  },
} as unknown as BackendSrv);
setTemplateSrv({
  replace: (v?: string) => (v ?? '').replace('$slo', 'checkout-availability'),
} as unknown as TemplateSrv);

const ds = new CompanionDataSource({
  id: 1,
  uid: 'fs',
  type: 'foresight-companion-datasource',
  name: 'Foresight',
  url: '/api/datasources/proxy/uid/fs',
  jsonData: {},
} as unknown as DataSourceInstanceSettings<FsOptions>);
const request = (targets: FsQuery[]) =>
  ({
    targets,
    range: { from: dateTime(1000), to: dateTime(5000), raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    maxDataPoints: 300,
  }) as unknown as DataQueryRequest<FsQuery>;

beforeEach(() => (calls.length = 0));

test('query posts the contract body to the proxy route and returns frames', async () => {
  answer = () => ({ results: { A: { frames: sloStatusFrames([slo]) }, B: { error: 'boom' } } });
  const res = await ds.query(
    request([
      { refId: 'A', queryType: 'sloStatus', slo: '$slo' },
      { refId: 'B', queryType: 'healthScore' },
    ])
  );
  expect(calls).toHaveLength(1);
  expect(calls[0]?.url).toBe('/api/datasources/proxy/uid/fs/companion/api/ds/query');
  expect(calls[0]?.method).toBe('POST');
  expect(calls[0]?.data).toEqual({
    range: { from: 1000, to: 5000 },
    maxDataPoints: 300,
    queries: [
      { refId: 'A', queryType: 'sloStatus', slo: 'checkout-availability' },
      { refId: 'B', queryType: 'healthScore' },
    ],
  });
  expect(res.data).toHaveLength(2);
  expect(res.errors).toEqual([{ refId: 'B', message: 'boom' }]);
});

test('HTTP failures become a readable error', async () => {
  answer = () => {
    throw { status: 401, data: { error: 'missing or wrong token' } };
  };
  const res = await ds.query(request([{ refId: 'A', queryType: 'rootCause' }]));
  expect(res.error?.message).toBe('HTTP 401: missing or wrong token');
});

test('metricFindQuery and testDatasource use the options and info endpoints', async () => {
  answer = (req) =>
    String(req.url).endsWith('/options/slos')
      ? { options: [{ value: 'x', text: 'X' }] }
      : { name: 'foresight', version: '0.1.0' };
  expect(await ds.metricFindQuery('slos')).toEqual([{ value: 'x', text: 'X' }]);
  expect(calls[0]?.url).toBe('/api/datasources/proxy/uid/fs/companion/api/ds/options/slos');
  expect(await ds.testDatasource()).toEqual({ status: 'success', message: 'Connected to foresight 0.1.0' });
  answer = () => '<html>not the companion</html>';
  expect((await ds.testDatasource()).status).toBe('error');
});
