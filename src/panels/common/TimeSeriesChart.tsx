// Grafana's own time-series rendering for every chart in the plugin: uPlot through @grafana/ui's building
// blocks (UPlotConfigBuilder, UPlotChart, VizLayout, PlotLegend, TooltipPlugin2), so charts get Grafana's
// axes, crosshair, tooltip, legend toggles and time-zone handling. The caller passes a DataFrame (a time
// field and number fields whose config carries name, color and unit) and the y range it wants; bands
// (forecast intervals), thresholds and point markers (a predicted crossing) are drawn by uPlot too.
import React, { useMemo, type ComponentProps } from 'react';
import type uPlot from 'uplot';
import {
  FieldColorModeId,
  FieldType,
  formattedValueToString,
  getValueFormat,
  type DataFrame,
  type DecimalCount,
  type GrafanaTheme2,
  type ThresholdsConfig,
} from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import {
  AxisPlacement,
  DrawStyle,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  PlotLegend,
  PointVisibility,
  ScaleDirection,
  ScaleOrientation,
  TooltipPlugin2,
  UPlotChart,
  UPlotConfigBuilder,
  VizLayout,
  useTheme2,
} from '@grafana/ui';

/** How one number field of the frame is drawn (by field name). */
export interface SeriesStyle {
  color: string;
  width?: number;
  dash?: number[];
  /** band edges: drawn only as the band between them, not as lines or in the legend */
  hidden?: boolean;
  fillOpacity?: number;
}

export interface ChartBand {
  upper: string;
  lower: string;
  fill: string;
}

export interface ChartMarker {
  time: number;
  value: number | null;
  color: string;
}

export interface TimeSeriesChartProps {
  frame: DataFrame;
  styles: Record<string, SeriesStyle>;
  width: number;
  height: number;
  timeZone: TimeZone;
  /** y range shown; null lets uPlot fit the data */
  yRange?: [number, number] | null;
  /** x range shown (unix ms); default the frame's first and last time */
  xRange?: [number, number];
  unit?: string;
  decimals?: DecimalCount;
  bands?: ChartBand[];
  thresholds?: ThresholdsConfig;
  markers?: ChartMarker[];
  legend?: boolean;
  tooltip?: boolean;
  /** a thumbnail: no axes, no legend, no tooltip */
  sparkline?: boolean;
  testId?: string;
  ariaLabel?: string;
}

/** Grafana's value formatter for `unit`, e.g. bytes → "1.50 GB". */
export function formatValue(v: number | null | undefined, unit?: string, decimals?: DecimalCount): string {
  if (v === null || v === undefined || !Number.isFinite(v)) {
    return '—';
  }
  // Grafana's default unit for a chart is `short` (1.2 K, 3.4 Mil), never a bare long number.
  return formattedValueToString(getValueFormat(unit || 'short')(v, decimals));
}

type HoverMode = ComponentProps<typeof TooltipPlugin2>['hoverMode'];
// TooltipHoverMode is a const enum @grafana/ui does not export: xAll (every series at the hovered time) is 1.
const HOVER_X_ALL = 1 as HoverMode;

/** The frame with each field's color and legend visibility from its style, as the legend reads them. */
function styledFrame(frame: DataFrame, styles: Record<string, SeriesStyle>): DataFrame {
  return {
    ...frame,
    fields: frame.fields.map((f) => {
      const st = styles[f.name];
      if (f.type !== FieldType.number || !st) {
        return f;
      }
      return {
        ...f,
        config: {
          ...f.config,
          color: { mode: FieldColorModeId.Fixed, fixedColor: st.color },
          custom: { ...f.config.custom, hideFrom: { legend: !!st.hidden, tooltip: !!st.hidden, viz: false } },
        },
      };
    }),
  };
}

function buildConfig(p: TimeSeriesChartProps, theme: GrafanaTheme2): UPlotConfigBuilder {
  const b = new UPlotConfigBuilder(p.timeZone);
  const times = p.frame.fields.find((f) => f.type === FieldType.time)?.values ?? [];
  const xr: [number, number] = p.xRange ?? [times[0] ?? 0, times[times.length - 1] ?? 1];
  b.addScale({
    scaleKey: 'x',
    isTime: true,
    orientation: ScaleOrientation.Horizontal,
    direction: ScaleDirection.Right,
    range: () => xr,
  });
  const yr = p.yRange ?? null;
  b.addScale({
    scaleKey: 'y',
    orientation: ScaleOrientation.Vertical,
    direction: ScaleDirection.Up,
    ...(yr ? { range: () => yr } : {}),
  });
  const fmt = (v: number) => formatValue(v, p.unit, p.decimals);
  b.addAxis({
    scaleKey: 'x',
    isTime: true,
    placement: p.sparkline ? AxisPlacement.Hidden : AxisPlacement.Bottom,
    timeZone: p.timeZone,
    theme,
  });
  b.addAxis({
    scaleKey: 'y',
    placement: p.sparkline ? AxisPlacement.Hidden : AxisPlacement.Left,
    formatValue: (v: number) => fmt(v),
    theme,
  });
  p.frame.fields.forEach((f, i) => {
    if (f.type !== FieldType.number) {
      return;
    }
    const st = p.styles[f.name] ?? { color: theme.colors.primary.main };
    b.addSeries({
      scaleKey: 'y',
      theme,
      drawStyle: DrawStyle.Line,
      showPoints: PointVisibility.Never,
      spanNulls: false,
      lineColor: st.hidden ? 'transparent' : st.color,
      lineWidth: st.hidden ? 0 : (st.width ?? 1.5),
      lineStyle: st.dash ? { fill: 'dash', dash: st.dash } : { fill: 'solid' },
      ...(st.fillOpacity ? { fillOpacity: st.fillOpacity, fillColor: st.color } : { fillOpacity: 0 }),
      pointSize: 4,
      dataFrameFieldIndex: { frameIndex: 0, fieldIndex: i },
    });
  });
  const seriesIdx = (name: string) => p.frame.fields.findIndex((f) => f.name === name);
  for (const band of p.bands ?? []) {
    const hi = seriesIdx(band.upper);
    const lo = seriesIdx(band.lower);
    if (hi > 0 && lo > 0) {
      b.addBand({ series: [hi, lo], fill: band.fill });
    }
  }
  if (p.thresholds && p.thresholds.steps.length > 1) {
    b.addThresholds({
      scaleKey: 'y',
      thresholds: p.thresholds,
      config: { mode: GraphThresholdsStyleMode.Dashed },
      theme,
    });
  }
  const markers = p.markers ?? [];
  if (markers.length) {
    // A predicted crossing: a vertical line at its time and a dot where it meets the threshold.
    b.addHook('draw', (u: uPlot) => {
      const ctx = u.ctx;
      ctx.save();
      for (const m of markers) {
        const x = u.valToPos(m.time, 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) {
          continue;
        }
        ctx.strokeStyle = m.color;
        ctx.fillStyle = m.color;
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        if (m.value !== null) {
          const y = u.valToPos(m.value, 'y', true);
          ctx.beginPath();
          ctx.arc(x, y, 4 * devicePixelRatio, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
      ctx.restore();
    });
  }
  return b;
}

/** Values of every visible series at the hovered time, formatted with the chart's unit. */
function Tooltip({
  frame,
  idx,
  styles,
  unit,
  decimals,
  timeZone,
}: {
  frame: DataFrame;
  idx: number;
  styles: Record<string, SeriesStyle>;
  unit?: string;
  decimals?: DecimalCount;
  timeZone: TimeZone;
}) {
  const theme = useTheme2();
  const timeField = frame.fields.find((f) => f.type === FieldType.time);
  const t = timeField?.values[idx];
  const rows = frame.fields.filter(
    (f) =>
      f.type === FieldType.number && f.values[idx] !== null && f.values[idx] !== undefined && !styles[f.name]?.hidden
  );
  const display = timeField?.display;
  return (
    <div
      data-testid="chart-tooltip"
      style={{
        padding: theme.spacing(1),
        fontSize: theme.typography.bodySmall.fontSize,
        background: theme.colors.background.elevated,
        border: `1px solid ${theme.colors.border.weak}`,
        boxShadow: theme.shadows.z2,
      }}
    >
      <div style={{ fontWeight: theme.typography.fontWeightMedium, marginBottom: theme.spacing(0.5) }}>
        {display ? formattedValueToString(display(t)) : formatTimeIn(t, timeZone)}
      </div>
      {rows.map((f) => (
        <div key={f.name} style={{ display: 'flex', gap: theme.spacing(1), justifyContent: 'space-between' }}>
          <span>
            <span
              style={{
                display: 'inline-block',
                width: 10,
                height: 3,
                marginRight: 6,
                verticalAlign: 'middle',
                background: styles[f.name]?.color,
              }}
            />
            {f.config.displayName ?? f.name}
          </span>
          <b>{formatValue(f.values[idx] as number, unit, decimals)}</b>
        </div>
      ))}
    </div>
  );
}

/** Unix ms as "YYYY-MM-DD HH:mm" in `timeZone` (IANA, utc or browser). */
export function formatTimeIn(ms: number | null | undefined, timeZone: TimeZone): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    return '—';
  }
  const zone = timeZone === 'browser' || timeZone === '' ? undefined : timeZone === 'utc' ? 'UTC' : timeZone;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const get = (k: string) => parts.find((x) => x.type === k)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${get('timeZoneName')}`;
}

export function TimeSeriesChart(p: TimeSeriesChartProps) {
  const theme = useTheme2();
  // The builder is rebuilt only when what it draws changes (uPlot re-initialises on a new config).
  const config = useMemo(() => buildConfig(p, theme), [p, theme]);
  const data = useMemo(
    () =>
      [
        p.frame.fields.find((f) => f.type === FieldType.time)?.values ?? [],
        ...p.frame.fields.filter((f) => f.type === FieldType.number).map((f) => f.values),
      ] as unknown as uPlot.AlignedData, // uPlot takes (number | null)[] columns; DataFrame values are exactly that
    [p.frame]
  );
  const showLegend = p.legend !== false && !p.sparkline;
  const legendFrame = useMemo(() => styledFrame(p.frame, p.styles), [p.frame, p.styles]);
  const legend = showLegend ? (
    <PlotLegend
      data={[legendFrame]}
      config={config}
      placement="bottom"
      displayMode={LegendDisplayMode.List}
      calcs={[]}
      showLegend
    />
  ) : null;
  return (
    <div data-testid={p.testId} role="img" aria-label={p.ariaLabel} style={{ width: p.width, height: p.height }}>
      <VizLayout width={p.width} height={p.height} legend={legend}>
        {(w, h) => (
          <UPlotChart config={config} data={data} width={w} height={h}>
            {p.tooltip !== false && !p.sparkline && (
              <TooltipPlugin2
                config={config}
                hoverMode={HOVER_X_ALL}
                render={(_u, idxs) => {
                  const idx = idxs.find((i) => i !== null && i !== undefined);
                  return idx === null || idx === undefined ? null : (
                    <Tooltip
                      frame={p.frame}
                      idx={idx}
                      styles={p.styles}
                      unit={p.unit}
                      decimals={p.decimals}
                      timeZone={p.timeZone}
                    />
                  );
                }}
              />
            )}
          </UPlotChart>
        )}
      </VizLayout>
    </div>
  );
}
