// App pages talk to the companion through the app's proxy route (token added by the Grafana server).
import { lastValueFrom } from 'rxjs';
import { config, getBackendSrv, locationService } from '@grafana/runtime';
import { LoadingState, dateTime, getDefaultTimeRange, type PanelData, type TimeRange } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
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

/** The page's time range: absolute `from`/`to` (unix ms) in the URL, as Grafana links carry them; else the last 6 hours. */
export function pageTimeRange(): TimeRange {
  const q = locationService.getSearchObject();
  const from = Number(q.from);
  const to = Number(q.to);
  if (Number.isFinite(from) && Number.isFinite(to) && from > 0 && to > from) {
    return { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
  }
  return getDefaultTimeRange();
}

/** The page's time zone: `timezone` in the URL, else the user's preference in Grafana, else the browser's. */
export function pageTimeZone(): TimeZone {
  const q = locationService.getSearchObject().timezone;
  return typeof q === 'string' && q ? q : config.bootData?.user?.timezone || 'browser';
}

/** Runs datasource queries for a page and returns them as the PanelData the panels render. */
export async function runQueries(queries: Query[], range: TimeRange = pageTimeRange()): Promise<PanelData> {
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
