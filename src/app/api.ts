// App pages talk to the companion through the app's proxy route (token added by the Grafana server).
import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { LoadingState, getDefaultTimeRange, type PanelData, type TimeRange } from '@grafana/data';
import type { Query } from '@foresight/contract';
import { COMPANION_PROXY } from '../constants';
import { shapeResponse } from '../datasource/shaping';
import { describeFetchError } from '../datasource/datasource';

export async function companion<T = unknown>(path: string, init: { method?: string; data?: unknown } = {}): Promise<T> {
  const res = await lastValueFrom(
    getBackendSrv().fetch<T>({
      url: `${COMPANION_PROXY}${path}`,
      method: init.method ?? 'GET',
      data: init.data,
      showErrorAlert: false,
    })
  );
  return res.data;
}

/** Runs datasource queries for a page and returns them as the PanelData the panels render. */
export async function runQueries(queries: Query[], range: TimeRange = getDefaultTimeRange()): Promise<PanelData> {
  try {
    const body = await companion('/api/ds/query', {
      method: 'POST',
      data: { range: { from: range.from.valueOf(), to: range.to.valueOf() }, queries },
    });
    const shaped = shapeResponse(body);
    return {
      state: shaped.errors.length ? LoadingState.Error : LoadingState.Done,
      series: shaped.data,
      errors: shaped.errors,
      timeRange: range,
    };
  } catch (err) {
    return { state: LoadingState.Error, series: [], errors: [{ message: describeFetchError(err) }], timeRange: range };
  }
}

export { describeFetchError };
