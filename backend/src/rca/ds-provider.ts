// The datasource API's `rootCause` query: a stored incident by id, or else the latest investigation whose
// incident time falls in the dashboard's range, encoded as the contract's frames (empty when none).
import { rootCauseFrames, type Frame, type QueryOf, type TimeRange } from '@foresight/contract';
import { knowledgeBaseFor, type RcaRouterContext } from '../api/rca.js';
import { toRootCauseDto, type Investigation } from './investigate.js';

export async function rootCauseProvider(q: QueryOf<'rootCause'>, range: TimeRange, ctx: RcaRouterContext): Promise<Frame[]> {
  const kb = knowledgeBaseFor(ctx);
  let id = q.incident;
  if (!id) {
    id = kb.search({ limit: 500 }).find((x) => x.incidentTime * 1000 >= range.from && x.incidentTime * 1000 <= range.to)?.id;
    if (!id) return rootCauseFrames({ candidates: [], timeline: [] });
  }
  const inc = kb.get(id);
  if (!inc) throw new Error(`no incident with id '${id}'`);
  return rootCauseFrames(toRootCauseDto({ ...(inc.result as Investigation), id, incidentTime: inc.incidentTime }));
}
