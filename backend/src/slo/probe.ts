// Validation against the connected Prometheus: an SLI whose query returns no series (a wrong metric name, or no
// traffic in the last hour) is reported as a warning naming the SLO, the field and the query, before anything is
// applied. Warnings only: a new service may legitimately have no traffic yet.
import type { QueryPromApi } from '../rules/prom-api.js';
import type { Issue, SloDef } from './model.js';
import { noDataQuery } from './sli.js';

/** At most this many SLOs are probed per request (one instant query each), so validate stays cheap. */
export const MAX_PROBED = 50;
const WINDOW = '1h';

export async function probeNoData(prom: Pick<QueryPromApi, 'query'>, slos: SloDef[]): Promise<Issue[]> {
  const issues: Issue[] = [];
  for (const s of slos.slice(0, MAX_PROBED)) {
    const q = noDataQuery(s.sli, WINDOW);
    const where = { file: s.source.file, slo: s.name, field: 'sli' };
    try {
      const r = await prom.query(q);
      if (r.length === 0) issues.push({ level: 'warning', ...where, message: `no data for ${q}: the query returns no series on the connected Prometheus (wrong metric name, or no traffic in the last ${WINDOW})` });
    } catch (e) {
      issues.push({ level: 'warning', ...where, message: `could not check the query on Prometheus (${e instanceof Error ? e.message : String(e)}): ${q}` });
      break; // Prometheus is down or refusing: one warning is enough
    }
  }
  if (slos.length > MAX_PROBED) issues.push({ level: 'warning', file: slos[MAX_PROBED]!.source.file, message: `only the first ${MAX_PROBED} SLOs were checked for data on Prometheus` });
  return issues;
}
