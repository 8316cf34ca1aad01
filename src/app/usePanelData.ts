import { useEffect, useState } from 'react';
import { LoadingState, getDefaultTimeRange, type PanelData } from '@grafana/data';
import type { Query } from '@foresight/contract';
import { runQueries } from './api';

const loading: PanelData = { state: LoadingState.Loading, series: [], timeRange: getDefaultTimeRange() };

/** Runs `queries` (re-running when their JSON changes) and returns the latest PanelData. */
export function usePanelData(queries: Query[] | null): PanelData {
  const key = JSON.stringify(queries);
  // Results are kept with the key they answer, so a change of queries reads as loading until it is answered.
  const [result, setResult] = useState<{ key: string; data: PanelData } | null>(null);
  useEffect(() => {
    if (!queries) {
      return;
    }
    let live = true;
    runQueries(queries).then((data) => live && setResult({ key, data }));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` is the queries' identity
  }, [key]);
  return result && result.key === key ? result.data : loading;
}

/** Options for a template-variable kind, e.g. every SLO id. */
export function useOptions(
  kind: 'services' | 'slos' | 'targets' | 'components'
): Array<{ value: string; text: string }> | null {
  const [opts, setOpts] = useState<Array<{ value: string; text: string }> | null>(null);
  useEffect(() => {
    let live = true;
    import('./api')
      .then(({ companion }) =>
        companion<{ options: Array<{ value: string; text?: string }> }>(`/api/ds/options/${kind}`)
      )
      .then((r) => live && setOpts(r.options.map((o) => ({ value: o.value, text: o.text ?? o.value }))))
      .catch(() => live && setOpts([]));
    return () => {
      live = false;
    };
  }, [kind]);
  return opts;
}
