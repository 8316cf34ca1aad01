import { FieldType } from '@grafana/data';
import { decodeForecasts, decodeSloStatus, forecastFrame, sloStatusFrames } from '@foresight/contract';
import {
  buildRequest,
  interpolateQuery,
  parseVariableQuery,
  shapeOptions,
  shapeResponse,
  toDataFrame,
} from './shaping';
import { forecast, slo } from '../test/fixtures';

const vars: Record<string, string> = { $slo: 'checkout-availability', $svc: '' };
const interpolate = (v: string) => v.replace(/\$\w+/g, (m) => vars[m] ?? m);

describe('buildRequest', () => {
  test('interpolates variables, drops hidden and empty fields, keeps valid queries', () => {
    const { request, errors } = buildRequest(
      [
        { refId: 'A', queryType: 'sloStatus', slo: '$slo', service: '$svc' },
        { refId: 'B', queryType: 'forecast', target: 'disk', horizon: '7d' },
        { refId: 'C', queryType: 'rootCause', hide: true },
      ],
      { from: 1000.4, to: 2000.6 },
      500,
      interpolate
    );
    expect(errors).toEqual([]);
    expect(request).toEqual({
      range: { from: 1000, to: 2001 },
      maxDataPoints: 500,
      queries: [
        { refId: 'A', queryType: 'sloStatus', slo: 'checkout-availability' },
        { refId: 'B', queryType: 'forecast', target: 'disk', horizon: '7d' },
      ],
    });
  });

  test('a half-filled query becomes an error for its refId only', () => {
    const { request, errors } = buildRequest(
      [
        { refId: 'A', queryType: 'budgetHistory' },
        { refId: 'B', queryType: 'healthScore' },
      ],
      { from: 0, to: 1 },
      undefined,
      interpolate
    );
    expect(request?.queries).toEqual([{ refId: 'B', queryType: 'healthScore' }]);
    expect(request?.maxDataPoints).toBeUndefined();
    expect(errors).toEqual([{ refId: 'A', message: 'query A: slo: Required' }]);
  });

  test('no valid query means no request', () => {
    const { request, errors } = buildRequest(
      [{ refId: 'A', queryType: 'forecast', horizon: 'soon' }],
      { from: 0, to: 1 },
      10,
      interpolate
    );
    expect(request).toBeNull();
    expect(errors[0]?.message).toMatch(/target: Required.*horizon: a duration/);
  });

  test('a missing query type defaults to SLO status', () => {
    expect(buildRequest([{ refId: 'A' }], { from: 0, to: 1 }, 0, interpolate).request?.queries).toEqual([
      { refId: 'A', queryType: 'sloStatus' },
    ]);
  });

  test('interpolateQuery leaves non-string fields alone', () => {
    expect(interpolateQuery({ refId: 'A', queryType: 'anomalies', minScore: 3, target: '$slo' }, interpolate)).toEqual({
      refId: 'A',
      queryType: 'anomalies',
      minScore: 3,
      target: 'checkout-availability',
    });
  });
});

describe('shapeResponse', () => {
  test('frames become DataFrames with types, units and refIds; errors stay per refId', () => {
    const { data, errors } = shapeResponse({
      results: { A: { frames: sloStatusFrames([slo]) }, B: { error: 'query type rootCause is not available yet' } },
    });
    expect(errors).toEqual([{ refId: 'B', message: 'query type rootCause is not available yet' }]);
    expect(data).toHaveLength(2);
    expect(data[0]?.refId).toBe('A');
    expect(data[0]?.length).toBe(1);
    const sli = data[0]?.fields.find((f) => f.name === 'sli');
    expect(sli?.type).toBe(FieldType.number);
    expect(sli?.config.unit).toBe('percentunit');
    expect(decodeSloStatus(data)).toEqual([slo]);
  });

  test('a forecast survives the trip into a DataFrame (time field, meta.custom)', () => {
    const df = toDataFrame(forecastFrame(forecast()), 'F');
    expect(df.fields[0]?.type).toBe(FieldType.time);
    expect(decodeForecasts([df])).toEqual([forecast()]);
  });

  test('a body that breaks the contract is one clear error', () => {
    const { data, errors } = shapeResponse({
      results: {
        A: {
          frames: [
            {
              fields: [
                { name: 'x', type: 'number', values: [1] },
                { name: 'y', type: 'number', values: [] },
              ],
            },
          ],
        },
      },
    });
    expect(data).toEqual([]);
    expect(errors[0]?.message).toMatch(/does not match the contract: results\.A.*fields\.1\.values/);
    expect(shapeResponse('<html>').errors[0]?.message).toMatch(/does not match the contract/);
  });
});

describe('template variables', () => {
  test('variable queries name an option kind', () => {
    expect(parseVariableQuery('slos')).toBe('slos');
    expect(parseVariableQuery(' options/services ')).toBe('services');
    expect(parseVariableQuery({ kind: 'targets' })).toBe('targets');
    expect(() => parseVariableQuery('planets')).toThrow(/unknown variable query 'planets'/);
  });
  test('options answer → MetricFindValue', () => {
    expect(shapeOptions({ options: [{ value: 'a', text: 'A' }, { value: 'b' }, { text: 'no value' }] })).toEqual([
      { value: 'a', text: 'A' },
      { value: 'b', text: 'b' },
    ]);
    expect(() => shapeOptions({ error: 'x' })).toThrow(/without an `options` list/);
  });
});
