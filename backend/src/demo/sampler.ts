// Offline sampling for evaluations: steps a simulator over a time range like a Prometheus scrape
// would and returns each series as typed arrays (the PromClient RangeSeries shape, with __name__).
import type { Simulator } from './simulator.js';

export interface SampledSeries {
  labels: Record<string, string>;
  timestamps: Float64Array; // unix seconds
  values: Float64Array;
}

export interface SampleOptions {
  fromMs: number;
  toMs: number;
  stepMs: number;
  /** keep only series whose name passes (default: all) */
  names?: (name: string) => boolean;
}

/** Advances `sim` from fromMs to toMs (inclusive) in steps and records every series' raw value. */
export function sampleSimulator(sim: Simulator, o: SampleOptions): SampledSeries[] {
  if (!(o.stepMs > 0)) throw new Error(`sampleSimulator: stepMs must be > 0; got ${o.stepMs}`);
  if (o.toMs < o.fromMs) throw new Error(`sampleSimulator: toMs ${o.toMs} is before fromMs ${o.fromMs}`);
  const n = Math.floor((o.toMs - o.fromMs) / o.stepMs) + 1;
  const timestamps = new Float64Array(n);
  // metrics() lists the same samples in the same order every time, so series are matched by position
  // (checked by name) instead of hashing label sets on every step.
  let series: SampledSeries[] | undefined;
  let keep: boolean[] = [];
  for (let k = 0; k < n; k++) {
    const t = o.fromMs + k * o.stepMs;
    timestamps[k] = t / 1000;
    sim.advance(t);
    const samples = sim.metrics().flatMap((f) => f.samples);
    if (!series) {
      keep = samples.map((s) => !o.names || o.names(s.name));
      series = samples.flatMap((s, i) => (keep[i] ? [{ labels: { __name__: s.name, ...s.labels }, timestamps, values: new Float64Array(n).fill(NaN) }] : []));
    }
    if (samples.length !== keep.length) throw new Error('sampleSimulator: the simulator changed its series set mid-run');
    let j = 0;
    for (let i = 0; i < samples.length; i++) {
      if (!keep[i]) continue;
      series[j++].values[k] = samples[i].value;
    }
  }
  return series ?? [];
}
