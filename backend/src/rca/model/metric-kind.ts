// Guesses what a metric means from its name: which direction is bad, and whether a rise is load
// (explained by callers sending more) or a failure (errors, latency, saturation; explains callers' symptoms).
import type { Direction, MetricKind } from './types.js';

const LOAD = /(^|_)(request_rate|requests?|rps|qps|throughput|traffic|rate)($|_)/i;
const DOWN_IS_BAD = /(^|_)(up|available|availability|success|success_ratio|healthy|apdex)($|_)/i;
const FAILURE_WORDS = /(error|fail|5xx|latency|duration|p9\d|seconds|lag|queue|saturation|cpu|memory|mem|disk|conn|restart|oom|timeout)/i;

export function guessDirection(metric: string): Direction {
  if (DOWN_IS_BAD.test(metric)) return 'down';
  if (FAILURE_WORDS.test(metric)) return 'up';
  if (LOAD.test(metric)) return 'both';
  return 'both';
}

/**
 * Kind of a deviation: a request-rate series going up is load, going down is a drop (what the callees of a
 * broken service see: it stops calling them); everything else is a failure symptom.
 */
export function deviationKind(metric: string, signedDeviation: number): MetricKind {
  if (FAILURE_WORDS.test(metric) || DOWN_IS_BAD.test(metric)) return 'failure';
  if (LOAD.test(metric)) return signedDeviation >= 0 ? 'load' : 'drop';
  return 'failure';
}
