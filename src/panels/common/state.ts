// What a panel should show for its PanelData: an error, "no data", or the decoded result.
import type { FieldConfigSource, PanelData, TimeZone } from '@grafana/data';

export type PanelView<T> =
  | { kind: 'error'; message: string }
  | { kind: 'empty'; message: string }
  | { kind: 'data'; value: T; warnings: string[] };

/**
 * Decodes panel data with `decode`; query errors win only when nothing could be decoded
 * (partial data is shown, with the errors and the frames' warning notices as warnings).
 */
export function panelView<T>(
  data: PanelData,
  decode: (d: PanelData) => T | null,
  isEmpty: (v: T) => boolean,
  emptyMessage: string
): PanelView<T> {
  const errors = (data.errors ?? (data.error ? [data.error] : [])).map(
    (e) => e.message ?? e.data?.message ?? 'query failed'
  );
  // The companion's warnings on a frame (series left out, results not refreshed): Grafana's dashboard
  // chrome shows them as an icon, an app page not at all; the panel says them either way.
  const notices = [
    ...new Set(
      data.series.flatMap((f) => f.meta?.notices ?? []).filter((n) => n.severity !== 'info').map((n) => n.text)
    ),
  ];
  let value: T | null = null;
  try {
    value = decode(data);
  } catch (err) {
    return {
      kind: 'error',
      message: `Cannot read the query result: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (value === null || isEmpty(value)) {
    if (errors.length) {
      return { kind: 'error', message: errors.join('; ') };
    }
    return { kind: 'empty', message: emptyMessage };
  }
  return { kind: 'data', value, warnings: [...errors, ...notices] };
}

/** The PanelProps a Foresight panel actually reads: lets app pages and tests render panels directly. */
export type PanelBodyProps<O> = {
  data: PanelData;
  options: O;
  width: number;
  height: number;
  replaceVariables?: (v: string) => string;
  /** the dashboard's time zone (Grafana passes it to every panel); default utc */
  timeZone?: TimeZone;
  /** standard field options (unit, decimals, min/max, thresholds) */
  fieldConfig?: FieldConfigSource;
};
