// Explore links for root-cause series (pure, so the URL format is tested on its own). The path is built
// with Grafana's urlUtil and carries the user's real org; the caller adds Grafana's sub-path for the href
// and navigates with locationService (which adds it itself).
import { urlUtil } from '@grafana/data';

/** Grafana Explore path (schemaVersion 1 panes) showing `expr` on the Prometheus datasource `uid` around `onset`. */
export function explorePath(expr: string, uid: string, onset: number | null, now: number, orgId: number): string {
  const from = onset === null ? 'now-1h' : String(Math.floor(onset - 30 * 60_000));
  const to = onset === null ? 'now' : String(Math.max(Math.ceil(now), Math.floor(onset + 30 * 60_000)));
  const panes = {
    fs: {
      datasource: uid,
      queries: [{ refId: 'A', expr, datasource: { type: 'prometheus', uid } }],
      range: { from, to },
    },
  };
  return urlUtil.renderUrl('/explore', { schemaVersion: 1, orgId, panes: JSON.stringify(panes) });
}

/** The candidate's PromQL: the companion's query for it (`promql`, else `series`); none means no link. */
export function candidateQuery(c: { series?: string; promql?: string }): string | null {
  const q = (c.promql ?? c.series ?? '').trim();
  return q.length ? q : null;
}

/** "4 min 10 s before", "30 s after", "at" the incident. */
export function relativeToIncident(onset: number, incident: number): string {
  const d = Math.round((onset - incident) / 1000);
  if (d === 0) {
    return 'at the incident';
  }
  const a = Math.abs(d);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  const text = [h ? `${h} h` : '', m ? `${m} min` : '', s && !h ? `${s} s` : ''].filter(Boolean).join(' ');
  return `${text} ${d < 0 ? 'before' : 'after'} the incident`;
}
