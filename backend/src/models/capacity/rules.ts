// Predictive alert rules from capacity targets, e.g. "disk predicted full within 24h" or "CPU predicted
// above 90% within 1h". Two signals, either of which fires the alert (`or`):
//  - Prometheus' own predict_linear over a lookback window (works even when the companion is down);
//  - the companion's exported `foresight_capacity_seconds_to_threshold{target=…}` (seasonal, robust).
// Output is a Prometheus rule file (YAML); callers check it with promtool before applying it.
import { stringify } from 'yaml';

export interface CapacityRuleTarget {
  /** Target name as configured (also the `target` label of the exported metric). */
  name: string;
  /** PromQL selecting the usage series. */
  query: string;
  /** A number, or a PromQL expression with the same labels as the series (e.g. the memory limit). */
  threshold: number | string;
  direction?: 'up' | 'down';
  /** Alert when the crossing is predicted within this many seconds (default 86400). */
  withinSeconds?: number;
  /** predict_linear lookback (PromQL duration, default '6h'). */
  lookback?: string;
  /** Pending duration before firing (default '10m'). */
  for?: string;
  severity?: string;
  /** Which signals to use (default 'both'). */
  mode?: 'predict_linear' | 'foresight' | 'both';
}

const NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_:.-]*$/;
const DURATION_RE = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const SELECTOR_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^{}]*\})?$/;

function alertName(target: string): string {
  const camel = target
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  return `ForesightCapacity${camel}PredictedExhaustion`;
}

export function humanDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** One alerting rule per target; throws naming the target index and field when a target is invalid. */
export function capacityAlertRule(t: CapacityRuleTarget, i = 0): Record<string, unknown> {
  const bad = (field: string, why: string): never => {
    throw new Error(`capacity rule target #${i}${t.name ? ` '${t.name}'` : ''}: field '${field}' ${why}`);
  };
  if (typeof t.name !== 'string' || !NAME_RE.test(t.name)) bad('name', 'must match [a-zA-Z_][a-zA-Z0-9_:.-]*');
  if (typeof t.query !== 'string' || t.query.trim() === '') bad('query', 'must be a non-empty PromQL expression');
  if (typeof t.threshold === 'number' ? !Number.isFinite(t.threshold) : typeof t.threshold !== 'string' || t.threshold.trim() === '') bad('threshold', 'must be a finite number or a PromQL expression');
  const within = t.withinSeconds ?? 86_400;
  if (!(Number.isInteger(within) && within > 0)) bad('withinSeconds', 'must be a positive integer');
  const lookback = t.lookback ?? '6h';
  if (!DURATION_RE.test(lookback)) bad('lookback', `must be a PromQL duration like 6h (got '${lookback}')`);
  const pending = t.for ?? '10m';
  if (!DURATION_RE.test(pending)) bad('for', `must be a PromQL duration like 10m (got '${pending}')`);
  const up = (t.direction ?? 'up') === 'up';
  const mode = t.mode ?? 'both';
  const q = t.query.trim();
  // A plain selector takes a range directly; any other expression needs a subquery.
  const ranged = SELECTOR_RE.test(q) ? `${q}[${lookback}]` : `(${q})[${lookback}:1m]`;
  const cmp = up ? '>=' : '<=';
  // A PromQL threshold is compared vector-to-vector: labels must match (the metric name is ignored).
  const thr = typeof t.threshold === 'number' ? String(t.threshold) : `(${t.threshold.trim()})`;
  const linear = `predict_linear(${ranged}, ${within}) ${cmp} ${thr}`;
  const ours = `foresight_capacity_seconds_to_threshold{target=${JSON.stringify(t.name)}} < ${within}`;
  const expr = mode === 'predict_linear' ? linear : mode === 'foresight' ? ours : `(${linear})\nor\n(${ours})`;
  const when = humanDuration(within);
  return {
    alert: alertName(t.name),
    expr,
    for: pending,
    labels: { severity: t.severity ?? 'warning', foresight_target: t.name, foresight_source: 'capacity' }, // foresight_source: Foresight's routes select on it
    annotations: {
      summary: `${t.name} predicted to ${up ? 'reach' : 'fall to'} ${typeof t.threshold === 'number' ? t.threshold : 'its limit'} within ${when}`,
      description: `Foresight capacity forecast for '${t.name}' (${q}) crosses ${typeof t.threshold === 'number' ? t.threshold : t.threshold.trim()} within ${when}. Value: {{ $value }}.`,
    },
  };
}

/** A complete rule file with one group holding a rule per target. */
export function capacityRulesYaml(targets: CapacityRuleTarget[], groupName = 'foresight-capacity', interval = '1m'): string {
  if (!DURATION_RE.test(interval)) throw new Error(`capacity rules: interval must be a PromQL duration (got '${interval}')`);
  const names = new Set<string>();
  const rules = targets.map((t, i) => {
    const r = capacityAlertRule(t, i);
    if (names.has(r.alert as string)) throw new Error(`capacity rule target #${i} '${t.name}': field 'name' gives a duplicate alert name ${String(r.alert)}`);
    names.add(r.alert as string);
    return r;
  });
  return stringify({ groups: [{ name: groupName, interval, rules }] }, { lineWidth: 0 });
}
