// foresight_chaos_* series: runs and experiments by outcome, expectation verdicts, detection and
// recovery times, aborts, and what is running now. Labels are fixed sets (no experiment names).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ExperimentResult } from './runner.js';
import type { Outcome } from './score.js';

export interface ChaosMetrics {
  runFinished(outcome: Outcome): void;
  experimentFinished(r: ExperimentResult): void;
  running(n: number): void;
}

const cache = new WeakMap<Registry, ChaosMetrics>();

export function chaosMetrics(registry: Registry): ChaosMetrics {
  const have = cache.get(registry);
  if (have) return have;
  const reg = [registry];
  const runs = new Counter({ name: 'foresight_chaos_runs_total', help: 'Game-day runs finished, by outcome (passed, failed, aborted, refused, error).', labelNames: ['outcome'] as const, registers: reg });
  const exps = new Counter({ name: 'foresight_chaos_experiments_total', help: 'Chaos experiments finished, by outcome.', labelNames: ['outcome'] as const, registers: reg });
  const verdicts = new Counter({ name: 'foresight_chaos_expectations_total', help: 'Expectation verdicts (met, missed, not_checked), by expectation kind.', labelNames: ['expectation', 'verdict'] as const, registers: reg });
  const aborts = new Counter({ name: 'foresight_chaos_aborts_total', help: 'Experiments aborted by a guard or an operator.', registers: reg });
  const buckets = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800];
  const detect = new Histogram({ name: 'foresight_chaos_detection_seconds', help: 'Seconds from injection to the first anomaly or alert, by kind.', labelNames: ['kind'] as const, buckets, registers: reg });
  const recover = new Histogram({ name: 'foresight_chaos_recovery_seconds', help: 'Seconds from rollback until the steady state held again.', buckets, registers: reg });
  const active = new Gauge({ name: 'foresight_chaos_running_experiments', help: 'Chaos experiments running now.', registers: reg });
  const last = new Gauge({ name: 'foresight_chaos_last_run_timestamp_seconds', help: 'When the last game-day run finished (unix seconds).', registers: reg });
  const m: ChaosMetrics = {
    runFinished(outcome) {
      runs.inc({ outcome });
      last.set(Date.now() / 1000);
    },
    experimentFinished(r) {
      const j = r.judgement;
      exps.inc({ outcome: j.outcome });
      for (const v of j.verdicts) verdicts.inc({ expectation: v.expectation, verdict: v.verdict });
      if (r.observations.aborted) aborts.inc();
      if (j.scores.alertDetectionSeconds !== undefined) detect.observe({ kind: 'alert' }, j.scores.alertDetectionSeconds);
      if (j.scores.anomalyDetectionSeconds !== undefined) detect.observe({ kind: 'anomaly' }, j.scores.anomalyDetectionSeconds);
      if (j.scores.timeToRecoverSeconds !== undefined) recover.observe(j.scores.timeToRecoverSeconds);
    },
    running(n) {
      active.set(n);
    },
  };
  cache.set(registry, m);
  return m;
}
