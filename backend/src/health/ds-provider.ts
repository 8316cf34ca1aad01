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
  return withStaleness(healthScoreFrames(list), snap.at * 1000, svc.config.intervalSeconds * 1000, snap.errors);
}

/**
 * The scores' age on every frame (meta.custom.asOf, unix ms), and a notice when they are older than two
 * scoring intervals (Prometheus unreachable: the last scores are still shown, marked) or were scored with errors.
 */
function withStaleness(frames: Frame[], asOf: number, intervalMs: number, errors: string[]): Frame[] {
  const age = Date.now() - asOf;
  const hhmm = new Date(asOf).toTimeString().slice(0, 5);
  const notices: { severity: 'warning'; text: string }[] = [];
  if (age > 2 * intervalMs) notices.push({ severity: 'warning', text: `as of ${hhmm}: scores not refreshed for ${Math.round(age / 1000)} s (Prometheus unreachable?)` });
  else if (errors.length) notices.push({ severity: 'warning', text: `as of ${hhmm}, some queries failed: ${errors[0]!.slice(0, 200)}` });
  return frames.map((fr) => ({
    ...fr,
    meta: { ...fr.meta, custom: { ...fr.meta?.custom, asOf, ageSeconds: Math.max(0, Math.round(age / 1000)) }, ...(notices.length ? { notices: [...(fr.meta?.notices ?? []), ...notices] } : {}) },
  }));
}
