// Health panel: score 0–100 with grade A–F, trend arrow and sparkline, per-category breakdown with
// weights. Shows the worst components first when the result holds several.
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2, useTheme2 } from '@grafana/ui';
import { decodeHealthScores, type Grade, type HealthScore } from '@foresight/contract';
import { PanelMessage, PanelWarnings } from '../common/PanelMessage';
import { Sparkline } from '../common/Sparkline';
import { panelView, type PanelBodyProps } from '../common/state';

export interface HealthOptions {
  /** Show only this component (empty: all, worst first). */
  component: string;
  /** At most this many components. */
  limit: number;
  showCategories: boolean;
  /** Trend changes smaller than this (points) count as flat. */
  flatBand: number;
}
export const defaultHealthOptions: HealthOptions = { component: '', limit: 6, showCategories: true, flatBand: 2 };

export function gradeColor(theme: GrafanaTheme2, grade: Grade): string {
  return (
    {
      A: theme.colors.success.main,
      B: theme.visualization.getColorByName('green'),
      C: theme.colors.warning.main,
      D: theme.visualization.getColorByName('orange'),
      F: theme.colors.error.main,
    }[grade] ?? theme.colors.text.secondary
  );
}

export function trendOf(delta: number, flatBand: number): 'up' | 'down' | 'flat' {
  return delta > flatBand ? 'up' : delta < -flatBand ? 'down' : 'flat';
}

export function HealthPanel({ data, options, width, height, replaceVariables }: PanelBodyProps<HealthOptions>) {
  const s = useStyles2(getStyles);
  const only = (replaceVariables ? replaceVariables(options.component ?? '') : (options.component ?? '')).trim();
  const view = panelView(
    data,
    (d) =>
      decodeHealthScores(d.series)
        .filter((h) => !only || h.component === only)
        .sort((a, b) => a.score - b.score)
        .slice(0, Math.max(1, options.limit || 6)),
    (l) => l.length === 0,
    only ? `No health score for '${only}'` : 'No health scores yet'
  );
  if (view.kind !== 'data') {
    return <PanelMessage kind={view.kind} message={view.message} />;
  }
  return (
    <div className={s.root} style={{ width, height }} data-testid="health-panel">
      <PanelWarnings warnings={view.warnings} />
      <div className={s.grid}>
        {view.value.map((h) => (
          <HealthCard key={h.component} h={h} options={options} />
        ))}
      </div>
    </div>
  );
}

function HealthCard({ h, options }: { h: HealthScore; options: HealthOptions }) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const color = gradeColor(theme, h.grade);
  const t = trendOf(h.trend, options.flatBand ?? 2);
  const arrow = t === 'up' ? 'arrow-up' : t === 'down' ? 'arrow-down' : 'arrow-right';
  const totalWeight = h.categories.reduce((a, c) => a + c.weight, 0) || 1;
  return (
    <section className={s.card} data-testid="health-card" aria-label={`health of ${h.component}`}>
      <div className={s.head}>
        <span className={s.name}>{h.component}</span>
        <span
          className={s.grade}
          style={{ background: color, color: theme.colors.getContrastText(color) }}
          data-testid="health-grade"
        >
          {h.grade}
        </span>
      </div>
      <div className={s.head}>
        <span>
          <span className={s.score} style={{ color }} data-testid="health-score">
            {h.score.toFixed(0)}
          </span>
          <span className={s.muted}> / 100</span>
        </span>
        <span
          title={`${h.trend >= 0 ? '+' : ''}${h.trend.toFixed(1)} points`}
          data-testid={`health-trend-${t}`}
          style={{
            color:
              t === 'down'
                ? theme.colors.error.text
                : t === 'up'
                  ? theme.colors.success.text
                  : theme.colors.text.secondary,
          }}
        >
          <Icon name={arrow} /> {h.trend >= 0 ? '+' : ''}
          {h.trend.toFixed(1)}
        </span>
        <Sparkline
          xs={h.history.map((p) => p.time)}
          ys={h.history.map((p) => p.score)}
          min={0}
          max={100}
          color={color}
          testId="health-sparkline"
        />
      </div>
      {options.showCategories && h.categories.length > 0 && (
        <table className={s.table} data-testid="health-categories">
          <tbody>
            {h.categories.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td className={s.muted}>{Math.round((c.weight / totalWeight) * 100)}%</td>
                <td className={s.barCell}>
                  <div className={s.track}>
                    {c.score !== null && (
                      <div
                        className={s.bar}
                        style={{
                          width: `${c.score}%`,
                          background:
                            c.score >= 80
                              ? theme.colors.success.main
                              : c.score >= 60
                                ? theme.colors.warning.main
                                : theme.colors.error.main,
                        }}
                      />
                    )}
                  </div>
                </td>
                <td>{c.score === null ? 'n/a' : c.score.toFixed(0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ overflow: 'auto' }),
  grid: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: theme.spacing(1) }),
  card: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1),
  }),
  head: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), justifyContent: 'space-between' }),
  name: css({ fontWeight: theme.typography.fontWeightMedium }),
  grade: css({
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0, 1),
    fontWeight: theme.typography.fontWeightBold,
    fontSize: theme.typography.h4.fontSize,
  }),
  score: css({ fontSize: theme.typography.h2.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  muted: css({ color: theme.colors.text.secondary }),
  table: css({
    width: '100%',
    fontSize: theme.typography.bodySmall.fontSize,
    td: { padding: theme.spacing(0.25, 0.5) },
  }),
  barCell: css({ width: '45%' }),
  track: css({ height: 6, background: theme.colors.background.secondary, borderRadius: 3 }),
  bar: css({ height: 6, borderRadius: 3 }),
});
