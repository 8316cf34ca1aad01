// Deterministic noise: a hash of (seed, stream, index), so the value at a time does not depend on how
// the simulator was stepped to get there (same seed → same series, whatever the scrape pattern).

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1). */
export function uniform(seed: number, stream: number, index: number): number {
  const h = mix((seed | 0) ^ mix(Math.imul(stream + 1, 0x9e3779b1) ^ mix(index | 0) ^ mix(Math.floor(index / 4294967296))));
  return h / 4294967296;
}

/** Roughly standard normal (Irwin–Hall of 3 uniforms, rescaled; bounded at ±3). */
export function gaussian(seed: number, stream: number, index: number): number {
  const s = uniform(seed, stream * 3, index) + uniform(seed, stream * 3 + 1, index) + uniform(seed, stream * 3 + 2, index);
  return (s - 1.5) * 2;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf; |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
