// The datasource API's `healthScore` query: latest scores (one component or all) with their categories
// and the history inside the dashboard's time range, encoded as the contract's frames.
import { healthScoreFrames, type Frame, type HealthScore, type QueryOf, type TimeRange } from '@foresight/contract';
import { healthServiceFor, type HealthRouterContext } from '../api/health.js';
import { toHealthScoreDto } from './contract-shape.js';

export async function healthScoreProvider(q: QueryOf<'healthScore'>, range: TimeRange, ctx: HealthRouterContext): Promise<Frame[]> {
  const svc = healthServiceFor(ctx);
  const snap = svc.latest() ?? (await svc.runOnce());
  const comps = q.component ? snap.components.filter((c) => c.component === q.component) : snap.components;
  if (q.component && !comps.length) {
    throw new Error(`no health score for component '${q.component}'; known: ${snap.components.map((c) => c.component).join(', ') || 'none'}`);
  }
  const list: HealthScore[] = [];
  for (const c of comps) {
    const history = svc.history.scores(c.component, range.from / 1000).filter((h) => h.t * 1000 <= range.to);
    const dto = toHealthScoreDto(c, history);
    if (dto) list.push(dto);
  }
  return healthScoreFrames(list);
}
