// Capacity panel: history and forecast on one time axis with the 80% band (the 95% band clipped to the
// y range and marked), the threshold line and the predicted crossing, drawn by Grafana's uPlot; headroom
// and the recommendation below. Shows only what the history supports (see honest.ts).
import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import {
  FieldType,
  type DataFrame,
  type FieldConfigSource,
  type GrafanaTheme2,
  type ThresholdsConfig,
  ThresholdsMode,
  colorManipulator,
} from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { decodeForecasts, type Forecast } from '@foresight/contract';
import { pct } from '../common/format';
import { PanelMessage, PanelWarnings } from '../common/PanelMessage';
import { panelView, type PanelBodyProps } from '../common/state';
import { TimeSeriesChart, formatTimeIn, formatValue, type SeriesStyle } from '../common/TimeSeriesChart';
import { honestForecast, spanText, type HonestForecast } from './honest';

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

export function CapacityPanel({
  data,
  options,
  width,
  height,
  timeZone = 'utc',
  fieldConfig,
}: PanelBodyProps<CapacityOptions>) {
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
        <ForecastView
          key={`${fc.target}-${fc.series ?? i}`}
          fc={fc}
          options={options}
          width={width}
          height={per}
          timeZone={timeZone}
          fieldConfig={fieldConfig}
        />
      ))}
    </div>
  );
}

const NAMES = {
  history: 'History',
  forecast: 'Forecast',
  hi80: '80% high',
  lo80: '80% low',
  hi95: '95% high',
  lo95: '95% low',
} as const;

/** The forecast as one DataFrame on one time axis; the 95% band is clipped to the y range shown. */
function toFrame(h: HonestForecast, showBands: boolean, unit: string | undefined): DataFrame {
  const { fc, yRange } = h;
  const clip = (v: number | null) => (v === null || !yRange ? v : Math.min(yRange[1], Math.max(yRange[0], v)));
  const num = (name: string, values: Array<number | null>) => ({
    name,
    type: FieldType.number,
    values,
    config: { unit },
  });
  return {
    name: fc.target,
    length: fc.timestamps.length,
    fields: [
      { name: 'Time', type: FieldType.time, values: fc.timestamps, config: {} },
      num(NAMES.history, fc.history),
      num(NAMES.forecast, fc.forecast),
      ...(showBands
        ? [
            num(NAMES.hi80, fc.hi80),
            num(NAMES.lo80, fc.lo80),
            num(NAMES.hi95, fc.hi95.map(clip)),
            num(NAMES.lo95, fc.lo95.map(clip)),
          ]
        : []),
    ],
  };
}

function ForecastView({
  fc: raw,
  options,
  width,
  height,
  timeZone,
  fieldConfig,
}: {
  fc: Forecast;
  options: CapacityOptions;
  width: number;
  height: number;
  timeZone: TimeZone;
  fieldConfig?: FieldConfigSource;
}) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const d = fieldConfig?.defaults ?? {};
  const unit = d.unit ?? raw.unit;
  const decimals = d.decimals ?? undefined;
  const threshold = options.thresholdOverride > 0 ? options.thresholdOverride : (raw.threshold ?? null);
  const h = useMemo(
    () => honestForecast(raw, { threshold, min: d.min ?? undefined, max: d.max ?? undefined }),
    [raw, threshold, d.min, d.max]
  );
  const crossingAny =
    options.thresholdOverride > 0 && threshold !== null ? firstCrossing(raw, threshold) : (raw.crossingTime ?? null);
  const lastShown = h.fc.timestamps[h.fc.timestamps.length - 1] ?? null;
  const crossing = crossingAny !== null && lastShown !== null && crossingAny <= lastShown ? crossingAny : null;
  const fcColor = theme.visualization.getColorByName('purple');
  const histColor = theme.colors.primary.main;
  const frame = useMemo(() => toFrame(h, options.showBands, unit), [h, options.showBands, unit]);
  const styles: Record<string, SeriesStyle> = {
    [NAMES.history]: { color: histColor, width: 1.5 },
    [NAMES.forecast]: { color: fcColor, width: 2, dash: [6, 3] },
    [NAMES.hi80]: { color: fcColor, hidden: true },
    [NAMES.lo80]: { color: fcColor, hidden: true },
    [NAMES.hi95]: { color: fcColor, hidden: true },
    [NAMES.lo95]: { color: fcColor, hidden: true },
  };
  // Standard thresholds from the field config (steps above the base), plus the forecast's own threshold.
  const steps = [
    { value: -Infinity, color: 'transparent' },
    ...(d.thresholds?.steps ?? []).filter((st) => Number.isFinite(st.value)),
    ...(threshold !== null ? [{ value: threshold, color: theme.colors.error.main }] : []),
  ].sort((a, b) => a.value - b.value);
  const thresholds: ThresholdsConfig = { mode: ThresholdsMode.Absolute, steps };
  const noForecast = raw.forecast.every((v) => v === null);
  const fmt = (v: number | null | undefined) => formatValue(v, unit, decimals);
  const chartHeight = Math.max(120, height - 120);
  return (
    <section className={s.card} aria-label={`forecast of ${raw.target}`} data-testid="capacity-forecast">
      <div className={s.head}>
        <strong>{raw.target}</strong>
        {raw.series && <code className={s.muted}>{raw.series}</code>}
      </div>
      <TimeSeriesChart
        frame={frame}
        styles={styles}
        width={Math.max(200, width - 16)}
        height={chartHeight}
        timeZone={timeZone}
        yRange={h.yRange}
        unit={unit}
        decimals={decimals}
        bands={
          options.showBands
            ? [
                { upper: NAMES.hi95, lower: NAMES.lo95, fill: colorManipulator.alpha(fcColor, 0.12) },
                { upper: NAMES.hi80, lower: NAMES.lo80, fill: colorManipulator.alpha(fcColor, 0.28) },
              ]
            : []
        }
        thresholds={thresholds}
        markers={crossing !== null ? [{ time: crossing, value: threshold, color: theme.colors.error.main }] : []}
        testId="capacity-chart"
        ariaLabel={`forecast chart for ${raw.target}`}
      />
      <div className={s.facts}>
        <span>
          <span className={s.muted}>Threshold </span>
          <b data-testid="capacity-threshold-value">{threshold === null ? 'none' : fmt(threshold)}</b>
        </span>
        <span>
          <span className={s.muted}>Crosses </span>
          <b
            data-testid="capacity-crossing-time"
            style={{ color: crossing !== null ? theme.colors.error.text : undefined }}
          >
            {crossing !== null
              ? formatTimeIn(crossing, timeZone)
              : crossingAny !== null
                ? 'beyond what the history supports'
                : threshold === null
                  ? '—'
                  : 'not within the horizon shown'}
          </b>
        </span>
        <span>
          <span className={s.muted}>Headroom </span>
          <b data-testid="capacity-headroom">{pct(raw.headroom, 1)}</b>
        </span>
        <span>
          <span className={s.muted}>History </span>
          <b data-testid="capacity-history-span">{spanText(h.historyMs)}</b>
        </span>
      </div>
      {h.moreHistoryForHorizonMs > 0 && (
        <div className={s.muted} data-testid="capacity-horizon-note">
          Forecast shown {spanText(h.shownHorizonMs)} ahead of the {spanText(h.horizonMs)} computed: a forecast reaches
          no further than its history. {spanText(h.moreHistoryForHorizonMs)} more history is needed for the full
          horizon.
        </div>
      )}
      {h.clipped95 && (
        <div className={s.muted} data-testid="capacity-band-clipped">
          95% band clipped to the chart: it reaches{' '}
          {[
            h.clipped95.low !== null ? `down to ${fmt(h.clipped95.low)}` : '',
            h.clipped95.high !== null ? `up to ${fmt(h.clipped95.high)}` : '',
          ]
            .filter(Boolean)
            .join(' and ')}
          .
        </div>
      )}
      {noForecast && (
        <div className={s.muted}>The companion returned history only (no forecast yet: not enough data?).</div>
      )}
      {h.moreHistoryForAdviceMs > 0 ? (
        <div className={s.reco} data-testid="capacity-advice-gate">
          No capacity advice yet: it needs at least one season (a day) of history; {spanText(h.moreHistoryForAdviceMs)}{' '}
          more to go.
        </div>
      ) : (
        raw.recommendation && (
          <div className={s.reco} data-testid="capacity-recommendation">
            {raw.recommendation}
          </div>
        )
      )}
      {raw.notes && raw.notes.length > 0 && (
        // The model's own account (seasons, members, gaps it filled), folded: it explains, it is not news.
        <details className={s.muted} data-testid="capacity-notes">
          <summary>How this forecast was made</summary>
          <ul className={s.notes}>
            {raw.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </details>
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
  // (Grafana's global styles take list bullets away: without them the notes read as one paragraph.)
  notes: css({ margin: 0, paddingLeft: theme.spacing(2.5), listStyle: 'disc' }),
  reco: css({
    marginTop: theme.spacing(0.5),
    padding: theme.spacing(0.5, 1),
    borderLeft: `3px solid ${theme.colors.info.border}`,
    background: theme.colors.background.secondary,
  }),
});
