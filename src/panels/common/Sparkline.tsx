// A tiny SVG line (health trend, SLO burn-down thumbnails).
import React from 'react';
import { useTheme2 } from '@grafana/ui';
import { linePath, scale } from './format';

export function Sparkline({
  xs,
  ys,
  width = 120,
  height = 32,
  color,
  min,
  max,
  testId,
}: {
  xs: number[];
  ys: Array<number | null>;
  width?: number;
  height?: number;
  color?: string;
  min?: number;
  max?: number;
  testId?: string;
}) {
  const theme = useTheme2();
  const vals = ys.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length < 2 || vals.length < 2) {
    return null;
  }
  const x = scale(xs[0]!, xs[xs.length - 1]!, 1, width - 1);
  const y = scale(min ?? Math.min(...vals), max ?? Math.max(...vals), height - 2, 2);
  return (
    <svg width={width} height={height} data-testid={testId ?? 'sparkline'} role="img" aria-label="trend">
      <path d={linePath(xs, ys, x, y)} fill="none" stroke={color ?? theme.colors.primary.main} strokeWidth={1.5} />
    </svg>
  );
}
