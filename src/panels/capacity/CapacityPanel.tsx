// Capacity panel: history, forecast line with 80/95% bands, threshold line and the moment it is
// crossed, headroom and recommendation. Drawn with plain SVG (no TimeSeries: see PLUGIN-NOTES).
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { decodeForecasts, type Forecast } from '@foresight/contract';
import { bandPath, compact, linePath, pct, scale, time } from '../common/format';
import { PanelMessage, PanelWarnings } from '../common/PanelMessage';
import { panelView, type PanelBodyProps } from '../common/state';

export interface CapacityOptions {
  showBands: boolean;
  /** Override the forecast's threshold (0 = use the companion's). */
  thresholdOverride: number;
}
export const defaultCapacityOptions: CapacityOptions = { showBands: true, thresholdOverride: 0 };

/** First time the point forecast reaches `threshold` (unix ms), or null. */
export function firstCrossing(fc: Forecast, threshold: number): number | null {
  for (let i = 0; i < fc.timestamps.length; i++) {
    const v = fc.forecast[i];
    if (v !== null && v !== undefined && v >= threshold && fc.history[i] === null) {
      return fc.timestamps[i]!;
    }
  }
  return null;
}

export function CapacityPanel({ data, options, width, height }: PanelBodyProps<CapacityOptions>) {
  const s = useStyles2(getStyles);
  const view = panelView(
    data,
    (d) => decodeForecasts(d.series),
    (l) => l.length === 0 || l.every((f) => f.timestamps.length === 0),
    'No forecast in the result'
  );
  if (view.kind !== 'data') {
    return <PanelMessage kind={view.kind} message={view.message} />;
  }
  const per = Math.max(160, (height - 8) / view.value.length);
  return (
    <div className={s.root} style={{ width, height }} data-testid="capacity-panel">
      <PanelWarnings warnings={view.warnings} />
      {view.value.map((fc, i) => (
        <ForecastView key={`${fc.target}-${fc.series ?? i}`} fc={fc} options={options} width={width} height={per} />
      ))}
    </div>
  );
}

function ForecastView({
  fc,
  options,
  width,
  height,
}: {
  fc: Forecast;
  options: CapacityOptions;
  width: number;
  height: number;
}) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const threshold = options.thresholdOverride > 0 ? options.thresholdOverride : (fc.threshold ?? null);
  const crossing =
    options.thresholdOverride > 0 && threshold !== null ? firstCrossing(fc, threshold) : (fc.crossingTime ?? null);
  const W = Math.max(200, width - 16);
  const H = Math.max(80, height - 64);
  const pad = { l: 56, r: 8, t: 8, b: 18 };
  const xs = fc.timestamps;
  const all = [
    ...fc.history,
    ...fc.forecast,
    ...(options.showBands ? [...fc.lo95, ...fc.hi95] : []),
    ...(threshold !== null ? [threshold] : []),
  ].filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const span = hi - lo || Math.abs(hi) || 1;
  const x = scale(xs[0]!, xs[xs.length - 1]!, pad.l, W - pad.r);
  const y = scale(lo - span * 0.05, hi + span * 0.05, H - pad.b, pad.t);
  const fcColor = theme.visualization.getColorByName('purple');
  const firstForecast = fc.history.findIndex((v, i) => v === null && fc.forecast[i] !== null);
  const noForecast = fc.forecast.every((v) => v === null);
  return (
    <section className={s.card} aria-label={`forecast of ${fc.target}`} data-testid="capacity-forecast">
      <div className={s.head}>
        <strong>{fc.target}</strong>
        {fc.series && <code className={s.muted}>{fc.series}</code>}
      </div>
      <svg width={W} height={H} role="img" aria-label={`forecast chart for ${fc.target}`}>
        {[lo, (lo + hi) / 2, hi].map((v) => (
          <g key={v}>
            <line x1={pad.l} x2={W - pad.r} y1={y(v)} y2={y(v)} stroke={theme.colors.border.weak} />
            <text x={pad.l - 4} y={y(v) + 4} textAnchor="end" fontSize={10} fill={theme.colors.text.secondary}>
              {compact(v, fc.unit)}
            </text>
          </g>
        ))}
        {firstForecast > 0 && (
          <line
            x1={x(xs[firstForecast]!)}
            x2={x(xs[firstForecast]!)}
            y1={pad.t}
            y2={H - pad.b}
            stroke={theme.colors.border.medium}
            strokeDasharray="2 3"
            data-testid="capacity-now"
          />
        )}
        {options.showBands && (
          <path
            d={bandPath(xs, fc.lo95, fc.hi95, x, y)}
            fill={fcColor}
            fillOpacity={0.15}
            data-testid="forecast-band-95"
          />
        )}
        {options.showBands && (
          <path
            d={bandPath(xs, fc.lo80, fc.hi80, x, y)}
            fill={fcColor}
            fillOpacity={0.3}
            data-testid="forecast-band-80"
          />
        )}
        <path
          d={linePath(xs, fc.history, x, y)}
          fill="none"
          stroke={theme.colors.primary.main}
          strokeWidth={1.5}
          data-testid="capacity-history"
        />
        <path
          d={linePath(xs, fc.forecast, x, y)}
          fill="none"
          stroke={fcColor}
          strokeWidth={2}
          strokeDasharray="6 3"
          data-testid="capacity-forecast-line"
        />
        {threshold !== null && (
          <line
            x1={pad.l}
            x2={W - pad.r}
            y1={y(threshold)}
            y2={y(threshold)}
            stroke={theme.colors.error.main}
            strokeDasharray="5 4"
            data-testid="capacity-threshold"
          />
        )}
        {crossing !== null && crossing >= xs[0]! && crossing <= xs[xs.length - 1]! && (
          <g data-testid="capacity-crossing">
            <line
              x1={x(crossing)}
              x2={x(crossing)}
              y1={pad.t}
              y2={H - pad.b}
              stroke={theme.colors.error.main}
              strokeWidth={1.5}
            />
            {threshold !== null && <circle cx={x(crossing)} cy={y(threshold)} r={4} fill={theme.colors.error.main} />}
          </g>
        )}
        <text x={pad.l} y={H - 4} fontSize={10} fill={theme.colors.text.secondary}>
          {time(xs[0])}
        </text>
        <text x={W - pad.r} y={H - 4} fontSize={10} textAnchor="end" fill={theme.colors.text.secondary}>
          {time(xs[xs.length - 1])}
        </text>
      </svg>
      <div className={s.facts}>
        <span>
          <span className={s.muted}>Threshold </span>
          <b data-testid="capacity-threshold-value">{threshold === null ? 'none' : compact(threshold, fc.unit)}</b>
        </span>
        <span>
          <span className={s.muted}>Crosses </span>
          <b
            data-testid="capacity-crossing-time"
            style={{ color: crossing !== null ? theme.colors.error.text : undefined }}
          >
            {crossing === null ? (threshold === null ? '—' : 'not within horizon') : time(crossing)}
          </b>
        </span>
        <span>
          <span className={s.muted}>Headroom </span>
          <b data-testid="capacity-headroom">{pct(fc.headroom, 1)}</b>
        </span>
      </div>
      {noForecast && (
        <div className={s.muted}>The companion returned history only (no forecast yet: not enough data?).</div>
      )}
      {fc.recommendation && (
        <div className={s.reco} data-testid="capacity-recommendation">
          {fc.recommendation}
        </div>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ overflow: 'auto' }),
  card: css({ padding: theme.spacing(0.5, 1) }),
  head: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'baseline' }),
  muted: css({ color: theme.colors.text.secondary }),
  facts: css({ display: 'flex', gap: theme.spacing(3), flexWrap: 'wrap' }),
  reco: css({
    marginTop: theme.spacing(0.5),
    padding: theme.spacing(0.5, 1),
    borderLeft: `3px solid ${theme.colors.info.border}`,
    background: theme.colors.background.secondary,
  }),
});
