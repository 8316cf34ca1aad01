// Explore links for root-cause series (pure, so the URL format is tested on its own).

/** Grafana Explore URL (schemaVersion 1 panes) showing `expr` on the Prometheus datasource `uid` around `onset`. */
export function exploreUrl(expr: string, uid: string, onset: number | null, now: number, appSubUrl = ''): string {
  const from = onset === null ? 'now-1h' : String(Math.floor(onset - 30 * 60_000));
  const to = onset === null ? 'now' : String(Math.max(Math.ceil(now), Math.floor(onset + 30 * 60_000)));
  const panes = {
    fs: {
      datasource: uid,
      queries: [{ refId: 'A', expr, datasource: { type: 'prometheus', uid } }],
      range: { from, to },
    },
  };
  return `${appSubUrl}/explore?schemaVersion=1&orgId=1&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}
