// Writes the predictive alert rules of the configured capacity targets through the one rules writer
// (promtool check -> atomic write -> reload -> verify -> rollback on failure).
import { capacityRulesYaml } from '../models/capacity/rules.js';
import { applyRuleFiles } from '../rules/writer.js';
import type { RulesPromApi } from '../rules/prom-api.js';
import type { ModelTarget } from './config.js';

export const CAPACITY_RULE_GROUP = 'foresight-capacity';

/** YAML for the capacity targets (null when there are none). */
export interface CapacityRuleOptions {
  interval?: string;
  lookback?: string;
  /** Pending duration before an alert fires (default 10m). */
  for?: string;
  mode?: 'predict_linear' | 'foresight' | 'both';
}

export function capacityRulesFor(targets: ModelTarget[], o: CapacityRuleOptions = {}): string | null {
  const caps = targets.filter((t) => t.kind === 'capacity' && t.threshold !== undefined);
  if (caps.length === 0) return null;
  return capacityRulesYaml(
    caps.map((t) => ({ name: t.name, query: t.query, threshold: t.threshold!, direction: t.direction, withinSeconds: t.within, ...(o.lookback ? { lookback: o.lookback } : {}), ...(o.for ? { for: o.for } : {}), ...(o.mode ? { mode: o.mode } : {}) })),
    CAPACITY_RULE_GROUP,
    o.interval ?? '1m',
  );
}

export async function applyCapacityRules(o: CapacityRuleOptions & { rulesDir: string; prom: RulesPromApi; targets: ModelTarget[]; fileName?: string; timeoutMs?: number }): Promise<{ applied: string[] }> {
  const yaml = capacityRulesFor(o.targets, o);
  if (yaml === null) return { applied: [] };
  return applyRuleFiles({ rulesDir: o.rulesDir, files: { [o.fileName ?? 'foresight-capacity.yml']: yaml }, prom: o.prom, expectGroups: [CAPACITY_RULE_GROUP], ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
}
