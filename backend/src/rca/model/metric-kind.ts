// What a metric means, guessed from its name with common conventions (OpenTelemetry, Prometheus client
// libraries, cAdvisor, CloudWatch-style exports): which way is bad, and how big a change must be to mean
// something for that kind of signal (a 1-point availability drop is large; a 1% latency wobble is not).
import type { Direction, MetricKind } from './types.js';

/** The semantic family of a metric. */
export type Semantic = 'availability' | 'errors' | 'saturation' | 'latency' | 'traffic' | 'other';

// Order matters: the first family whose pattern matches wins (`error_rate` is errors, not traffic;
// `cpu_usage_seconds_total` is saturation, not latency).
const FAMILIES: [Semantic, RegExp][] = [
  ['availability', /(^|[_.\s-])(up|available|availability|success|succeeded|success_ratio|healthy|health|apdex|uptime)($|[_.\s-])/i],
  ['errors', /(error|errors|fail|failed|failure|5xx|exception|timeout|timeouts|rejected|dropped)/i],
  ['saturation', /(cpu|memory|mem|heap|disk|fs_|filesystem|conn|connections|thread|queue|lag|saturation|utili[sz]ation|usage|restart|oom|throttl|gc_|swap|load\d*)/i],
  ['latency', /(latency|duration|response_time|resp_time|rtt|delay|p\d\d|seconds|_ms($|_)|millis)/i],
  ['traffic', /(request|requests|req_|rps|qps|throughput|traffic|rate|calls|invocations|hits|count|sum|ops|messages|bytes_(sent|received))/i],
];

export function semanticOf(metric: string): Semantic {
  for (const [s, re] of FAMILIES) if (re.test(metric)) return s;
  return 'other';
}

export function guessDirection(metric: string): Direction {
  const s = semanticOf(metric);
  if (s === 'availability') return 'down';
  if (s === 'traffic' || s === 'other') return 'both';
  return 'up';
}

/**
 * Kind of a deviation for the explanation walk: request traffic going up is load, going down is a drop (what
 * the callees of a broken service see: it stops calling them); everything else is a failure symptom.
 */
export function deviationKind(metric: string, signedDeviation: number): MetricKind {
  if (semanticOf(metric) === 'traffic') return signedDeviation >= 0 ? 'load' : 'drop';
  return 'failure';
}

/**
 * Smallest change that means something for this kind of metric, in the series' own unit, given its typical
 * level and the largest magnitude it reaches. Ratios are recognised by their range (0..1 or 0..100).
 */
export function meaningfulChange(s: Semantic, level: number, magnitude: number): number {
  const lvl = Math.abs(level);
  switch (s) {
    case 'availability':
      // Half a point of availability: a 1-point drop is twice that, 100 → 97 % six times.
      return magnitude <= 1.0001 ? 0.005 : magnitude <= 100.0001 ? 0.5 : 0.005 * lvl;
    case 'errors':
      // An error ratio up by half a point; counts and rates by 10% of their level (one error is floored by resolution).
      return magnitude <= 1.0001 ? 0.005 : 0.1 * lvl;
    case 'saturation':
      return magnitude <= 1.0001 ? 0.03 : 0.05 * lvl;
    case 'latency':
    case 'traffic':
      return 0.1 * lvl;
    default:
      return 0.03 * lvl;
  }
}
