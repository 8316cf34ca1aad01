// A small trend line (health score history): Grafana's uPlot without axes, legend or tooltip.
import React, { useMemo } from 'react';
import { FieldType, type DataFrame } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useTheme2 } from '@grafana/ui';
import { TimeSeriesChart } from './TimeSeriesChart';

export function Sparkline({
  xs,
  ys,
  width = 120,
  height = 32,
  color,
  min,
  max,
  testId,
  timeZone = 'utc',
}: {
  xs: number[];
  ys: Array<number | null>;
  width?: number;
  height?: number;
  color?: string;
  min?: number;
  max?: number;
  testId?: string;
  timeZone?: TimeZone;
}) {
  const theme = useTheme2();
  const frame = useMemo<DataFrame>(
    () => ({
      length: xs.length,
      fields: [
        { name: 'Time', type: FieldType.time, values: xs, config: {} },
        { name: 'Value', type: FieldType.number, values: ys, config: {} },
      ],
    }),
    [xs, ys]
  );
  const vals = ys.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length < 2 || vals.length < 2) {
    return null;
  }
  const lo = min ?? Math.min(...vals);
  const hi = max ?? Math.max(...vals);
  return (
    <TimeSeriesChart
      frame={frame}
      styles={{ Value: { color: color ?? theme.colors.primary.main, width: 1.5 } }}
      width={width}
      height={height}
      timeZone={timeZone}
      yRange={[lo, hi > lo ? hi : lo + 1]}
      sparkline
      testId={testId ?? 'sparkline'}
      ariaLabel="trend"
    />
  );
}
