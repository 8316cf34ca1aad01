// A titled block on an app page holding one panel body, sized to the available width.
import React, { useRef, useState, useLayoutEffect, type ReactNode } from 'react';
import { css } from '@emotion/css';
import { LoadingState, type GrafanaTheme2, type PanelData } from '@grafana/data';
import { LoadingPlaceholder, useStyles2 } from '@grafana/ui';

export function Section({
  title,
  data,
  height,
  testId,
  children,
}: {
  title: string;
  data?: PanelData;
  height: number;
  testId?: string;
  children: (width: number, height: number) => ReactNode;
}) {
  const s = useStyles2(getStyles);
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    setWidth(el.clientWidth || 600);
    if (typeof ResizeObserver === 'undefined') {
      return;
    }
    const ro = new ResizeObserver(() => setWidth(el.clientWidth || 600));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return (
    <section className={s.box} data-testid={testId}>
      <h3 className={s.title}>{title}</h3>
      <div ref={ref} style={{ minHeight: height }}>
        {data?.state === LoadingState.Loading ? <LoadingPlaceholder text="Loading…" /> : children(width, height)}
      </div>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5),
    marginBottom: theme.spacing(2),
  }),
  title: css({ fontSize: theme.typography.h5.fontSize, marginBottom: theme.spacing(1) }),
});
