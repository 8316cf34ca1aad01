// A link to Grafana Explore showing a PromQL query: an in-app navigation through locationService, with
// Grafana's sub-path in the href (for a new tab) and the signed-in user's org in the URL.
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { config, locationService } from '@grafana/runtime';
import { Icon, useStyles2 } from '@grafana/ui';
import { explorePath } from '../rootcause/explore';

/** The signed-in user's org; 1 only where Grafana gives none (outside Grafana). */
function orgId(): number {
  return config.bootData?.user?.orgId ?? 1;
}

/** Explore with the candidate's PromQL: an in-app navigation (locationService), Grafana's sub-path in the href. */
export function ExploreLink({
  query,
  uid,
  onset,
  now,
}: {
  query: string | null;
  uid: string;
  onset: number | null;
  now: number;
}) {
  const s = useStyles2(getStyles);
  if (!query) {
    return (
      <span className={s.muted} style={{ whiteSpace: 'nowrap' }}>
        no query
      </span>
    );
  }
  const path = explorePath(query, uid, onset, now, orgId());
  return (
    <a
      className={s.link}
      href={`${config.appSubUrl ?? ''}${path}`}
      title={query}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) {
          return; // a new tab/window: let the browser follow the href
        }
        e.preventDefault();
        locationService.push(path);
      }}
    >
      <Icon name="compass" /> Explore
    </a>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  muted: css({ color: theme.colors.text.secondary }),
  link: css({ color: theme.colors.text.link, whiteSpace: 'nowrap' }),
});
