// Root-cause panel: ranked candidates with score and evidence (which series, when it turned), a
// timeline of onsets and events, and an Explore link per series.
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, TimeZone } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { decodeRootCause } from '@foresight/contract';
import { scale } from '../common/format';
import { PanelMessage, PanelWarnings } from '../common/PanelMessage';
import { panelView, type PanelBodyProps } from '../common/state';
import { formatTimeIn } from '../common/TimeSeriesChart';
import { ExploreLink } from '../common/ExploreLink';
import { candidateQuery, relativeToIncident } from './explore';

export interface RootCauseOptions {
  maxCandidates: number;
  /** Prometheus datasource uid used by the Explore links. */
  prometheusUid: string;
  showTimeline: boolean;
}
export const defaultRootCauseOptions: RootCauseOptions = {
  maxCandidates: 5,
  prometheusUid: 'prometheus',
  showTimeline: true,
};

export function RootCausePanel({ data, options, width, height, timeZone = 'utc' }: PanelBodyProps<RootCauseOptions>) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const view = panelView(
    data,
    (d) => decodeRootCause(d.series),
    (r) => r.candidates.length === 0 && r.timeline.length === 0,
    'No incident to explain: no root-cause candidates'
  );
  if (view.kind !== 'data') {
    return <PanelMessage kind={view.kind} message={view.message} />;
  }
  const rc = view.value;
  const cands = rc.candidates.slice(0, Math.max(1, options.maxCandidates || 5));
  // The end of the panel's time range (not Date.now(): rendering stays pure).
  const now = data.timeRange?.to?.valueOf() ?? 0;
  return (
    <div className={s.root} style={{ width, height }} data-testid="rootcause-panel">
      <PanelWarnings warnings={view.warnings} />
      {rc.incident && (
        <div className={s.muted}>
          Incident {rc.incident}
          {rc.incidentTime !== undefined && ` at ${formatTimeIn(rc.incidentTime, timeZone)}`}
        </div>
      )}
      <table className={s.table}>
        <thead>
          <tr>
            <th>#</th>
            <th>Component</th>
            <th>Score</th>
            <th>Evidence</th>
            <th>Turned</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {cands.map((c, i) => (
            <tr key={`${c.component}-${c.metric}`} data-testid="rootcause-row">
              <td>{i + 1}</td>
              <td>
                <b>{c.component}</b>
                <div className={s.metric}>{c.metric}</div>
              </td>
              <td className={s.scoreCell}>
                <div className={s.track}>
                  <div
                    className={s.bar}
                    style={{
                      width: `${Math.max(0, Math.min(1, c.score)) * 100}%`,
                      background: i === 0 ? theme.colors.error.main : theme.colors.warning.main,
                    }}
                  />
                </div>
                <span data-testid="rootcause-score">{c.score.toFixed(2)}</span>
              </td>
              <td>{c.evidence}</td>
              <td className={s.nowrap} data-testid="rootcause-onset">
                {c.onset === null ? (
                  '—'
                ) : (
                  <>
                    {formatTimeIn(c.onset, timeZone)}
                    {rc.incidentTime !== undefined && (
                      <div className={s.muted}>{relativeToIncident(c.onset, rc.incidentTime)}</div>
                    )}
                  </>
                )}
              </td>
              <td>
                <ExploreLink
                  query={candidateQuery(c)}
                  uid={options.prometheusUid || 'prometheus'}
                  onset={c.onset}
                  now={now}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {options.showTimeline && rc.timeline.length > 0 && (
        <Timeline events={rc.timeline} width={width} timeZone={timeZone} incidentTime={rc.incidentTime} />
      )}
    </div>
  );
}

function Timeline({
  events,
  width,
  timeZone,
  incidentTime,
}: {
  events: Array<{ time: number; component: string; event: string }>;
  width: number;
  timeZone: TimeZone;
  incidentTime?: number;
}) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const W = Math.max(200, width - 16);
  const t0 = events[0]!.time;
  const t1 = events[events.length - 1]!.time;
  const x = scale(t0, t1 === t0 ? t0 + 1 : t1, 12, W - 12);
  return (
    <div data-testid="rootcause-timeline">
      <svg width={W} height={24} role="img" aria-label="incident timeline">
        <line x1={8} x2={W - 8} y1={12} y2={12} stroke={theme.colors.border.medium} />
        {events.map((e, i) => (
          <circle
            key={i}
            cx={x(e.time)}
            cy={12}
            r={5}
            fill={i === 0 ? theme.colors.error.main : theme.colors.warning.main}
          >
            <title>{`${formatTimeIn(e.time, timeZone)} ${e.component}: ${e.event}`}</title>
          </circle>
        ))}
      </svg>
      <ol className={s.events}>
        {events.map((e, i) => (
          <li key={i}>
            <span className={s.muted}>
              {formatTimeIn(e.time, timeZone)}
              {incidentTime !== undefined && ` (${relativeToIncident(e.time, incidentTime)})`}
            </span>{' '}
            <b>{e.component}</b> {e.event}
          </li>
        ))}
      </ol>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ overflow: 'auto', padding: theme.spacing(0.5) }),
  muted: css({ color: theme.colors.text.secondary }),
  metric: css({
    color: theme.colors.text.secondary,
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      verticalAlign: 'top',
    },
  }),
  scoreCell: css({ minWidth: 90 }),
  track: css({ height: 6, background: theme.colors.background.secondary, borderRadius: 3 }),
  bar: css({ height: 6, borderRadius: 3 }),
  nowrap: css({ whiteSpace: 'nowrap' }),
  events: css({ margin: 0, paddingLeft: theme.spacing(2.5), fontSize: theme.typography.bodySmall.fontSize }),
});
