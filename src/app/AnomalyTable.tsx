// Scored anomalies with an Explore link per series (Overview and Anomalies pages).
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelData } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useStyles2 } from '@grafana/ui';
import { decodeAnomalies } from '@foresight/contract';
import { compact } from '../panels/common/format';
import { formatTimeIn } from '../panels/common/TimeSeriesChart';
import { PanelMessage, PanelWarnings } from '../panels/common/PanelMessage';
import { panelView } from '../panels/common/state';
import { ExploreLink } from '../panels/common/ExploreLink';

export function AnomalyTable({
  data,
  limit = 50,
  prometheusUid = 'prometheus',
  timeZone = 'utc',
}: {
  data: PanelData;
  limit?: number;
  prometheusUid?: string;
  /** the dashboard's (or the user's) zone the times are shown in */
  timeZone?: TimeZone;
}) {
  const s = useStyles2(getStyles);
  const view = panelView(
    data,
    (d) =>
      decodeAnomalies(d.series)
        .sort((a, b) => b.score - a.score)
        .slice(0, limit),
    (l) => l.length === 0,
    'No anomalies in this range'
  );
  if (view.kind !== 'data') {
    return <PanelMessage kind={view.kind} message={view.message} />;
  }
  return (
    <>
      <PanelWarnings warnings={view.warnings} />
      <table className={s.table} data-testid="anomaly-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Target</th>
            <th>Series</th>
            <th>Score</th>
            <th>Value</th>
            <th>Expected</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {view.value.map((a, i) => (
            <tr key={i} data-testid="anomaly-row">
              <td data-testid="anomaly-time">{formatTimeIn(a.time, timeZone)}</td>
              <td>{a.target}</td>
              <td className={s.mono}>{a.series}</td>
              <td>{a.score.toFixed(1)}</td>
              <td>{compact(a.value)}</td>
              <td>{compact(a.expected)}</td>
              <td>
                <ExploreLink
                  query={a.series || null}
                  uid={prometheusUid}
                  onset={a.time}
                  now={data.timeRange.to.valueOf()}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
});
