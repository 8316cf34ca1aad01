// The one way panels show "no data", errors and partial-data warnings.
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Icon, useStyles2 } from '@grafana/ui';

export function PanelMessage({ kind, message }: { kind: 'error' | 'empty'; message: string }) {
  const s = useStyles2(getStyles);
  return (
    <div className={s.wrap} data-testid={`panel-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <Icon
        name={kind === 'error' ? 'exclamation-triangle' : 'info-circle'}
        size="xl"
        className={kind === 'error' ? s.err : s.muted}
      />
      <div className={kind === 'error' ? s.err : s.muted}>{message}</div>
    </div>
  );
}

export function PanelWarnings({ warnings }: { warnings: string[] }) {
  if (!warnings.length) {
    return null;
  }
  return (
    <Alert severity="warning" title="Partial or stale data" data-testid="panel-warnings">
      {warnings.join('; ')}
    </Alert>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    height: '100%',
    gap: theme.spacing(1),
    textAlign: 'center',
    padding: theme.spacing(2),
  }),
  err: css({ color: theme.colors.error.text }),
  muted: css({ color: theme.colors.text.secondary }),
});
