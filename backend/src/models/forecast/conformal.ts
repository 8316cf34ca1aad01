// Split-conformal intervals from rolling-origin validation errors, per horizon step.
// Errors are divided by a scale before their quantiles are taken, and the final widths multiplied by the
// final forecast's scale: with scale = level^kappa (kappa 0: additive errors; 0.5: errors growing like
// the square root of the level, as in counts; 1: errors proportional to the level; 1.5: errors growing
// faster than the level, as in latencies whose spikes come at busy times), a series whose noise
// grows with its level gets narrow bands at quiet times and wide ones at busy times instead of one
// width fitted to the worst. kappa is chosen per series by how well each scaling fits the validation errors (a Laplace likelihood).

import { select } from '../series/stats.js';
import { scratchF64 } from '../series/scratch.js';

/** Validation errors: K origins x hv steps (row k valid for its first lim[k] steps). */
export interface ValidationErrors {
  /** actual - forecast, flat K x hv. */
  err: Float64Array;
  /** The forecast itself at the same places (the level the scale is taken from). */
  fc: Float64Array;
  lim: Int32Array;
  K: number;
  hv: number;
}

export interface Widths {
  lo80: Float64Array;
  hi80: Float64Array;
  lo95: Float64Array;
  hi95: Float64Array;
}

const LEVELS: [keyof Widths, number][] = [['lo95', 0.025], ['lo80', 0.1], ['hi80', 0.9], ['hi95', 0.975]];
// 1.5 lowered 1 h MSIS on every set with level-dependent noise (eval: PetShop 5.08 -> 5.05, demo 4.31 -> 4.26).
export const KAPPAS = [0, 0.5, 1, 1.5]; // (multiples of 0.5: scaleNll relies on it)

/** Conformal rank of level q among n, rounded outwards (towards the tail) so small samples err wide. */
function rank(q: number, n: number): number {
  const r = q < 0.5 ? Math.floor(q * (n + 1)) - 1 : Math.ceil(q * (n + 1)) - 1;
  return Math.min(n - 1, Math.max(0, r));
}

/** Scale of a forecast value for a given kappa (floored so values near zero do not blow up). */
export function scaleOf(f: number, kappa: number, floor: number): number {
  if (kappa === 0) return 1;
  const a = Math.max(Math.abs(f), floor);
  // (a * sqrt(a) for 1.5: Math.pow is several times slower, and this runs for every validation error.)
  return kappa === 1 ? a : kappa === 0.5 ? Math.sqrt(a) : kappa === 1.5 ? a * Math.sqrt(a) : Math.pow(a, kappa);
}

/**
 * Laplace negative log-likelihood of the errors when step j's errors have scale b_j * s_kj, s = the
 * forecast level^kappa (b_j fitted): sum_j N_j log(mean_k |e_kj| / s_kj) + sum log s_kj, up to a
 * constant. Lower is better; it compares scalings in O(errors), with no quantiles. `logLevel` is
 * sum log max(|f|, floor) over the errors (the kappa = 1 term); r = 1 / sqrt(max(|f|, floor)) per error
 * (so 1 / level^kappa is a product of 1, 2 or 3 of them: no division or root per error and kappa).
 */
function scaleNll(v: ValidationErrors, kappa: number, r: Float64Array, logLevel: number, sumAbs: Float64Array, count: Float64Array): number {
  const { err, lim, K, hv } = v;
  sumAbs.fill(0);
  count.fill(0);
  const p = Math.round(2 * kappa);
  for (let k = 0; k < K; k++) {
    const row = k * hv;
    for (let j = 0; j < lim[k]!; j++) {
      const q = r[row + j]!;
      const inv = p === 0 ? 1 : p === 1 ? q : p === 2 ? q * q : q * q * q;
      sumAbs[j]! += Math.abs(err[row + j]!) * inv;
      count[j]!++;
    }
  }
  let nll = kappa * logLevel;
  for (let j = 0; j < hv; j++) if (count[j]! > 0) nll += count[j]! * Math.log(Math.max(sumAbs[j]! / count[j]!, 1e-300));
  return nll;
}

/**
 * A fitted band: distances below / above a forecast in units of a scale, the scale per step (the typical
 * normalised error there) and the level scaling. Width at step j for a forecast value f:
 * z x step[j] x scaleOf(f, kappa, floor).
 */
export interface BandFit {
  /** Distances for lo95, lo80, hi80, hi95 (all >= 0). */
  z: Float64Array;
  step: Float64Array;
  kappa: number;
  floor: number;
  /**
   * With a split row: the band fitted on rows [0, split) and on rows [split, K) alone (the same kappa),
   * for a cross-fitted check of the band; else null.
   */
  halves: [{ z: Float64Array; step: Float64Array }, { z: Float64Array; step: Float64Array }] | null;
}

/**
 * The band for the validation errors: unscaled (additive) errors, or, for a non-negative series, errors
 * scaled by the forecast level^kappa, whichever fits the validation errors best (scaleNll), unless kappa
 * is given. A scaled band must beat the additive one clearly (by 1 nat per 50 errors), so a tie keeps
 * the simpler band.
 */
export function fitBand(v: ValidationErrors, h: number, o: { positive: boolean; level: number; kappa?: number }, split = 0): BandFit {
  const floor = Math.max(0.05 * o.level, 1e-300);
  let kappa = o.kappa ?? 0;
  if (o.positive && o.kappa === undefined) {
    const sumAbs = scratchF64(v.hv);
    const count = scratchF64(v.hv);
    let n = 0;
    let logLevel = 0;
    const r = scratchF64(v.err.length);
    for (let k = 0; k < v.K; k++) {
      n += v.lim[k]!;
      for (let j = 0; j < v.lim[k]!; j++) {
        const a = Math.max(Math.abs(v.fc[k * v.hv + j]!), floor);
        logLevel += Math.log(a);
        r[k * v.hv + j] = 1 / Math.sqrt(a);
      }
    }
    let best = scaleNll(v, 0, r, logLevel, sumAbs, count) - n / 50;
    for (const kap of KAPPAS.slice(1)) {
      const nll = scaleNll(v, kap, r, logLevel, sumAbs, count);
      if (nll < best) {
        best = nll;
        kappa = kap;
      }
    }
  }
  let u = v.err;
  if (kappa) {
    u = scratchF64(v.err.length);
    for (let i = 0; i < u.length; i++) u[i] = v.err[i]! / scaleOf(v.fc[i]!, kappa, floor);
  }
  const pool = scratchF64(v.K * v.hv + 1);
  const { z, step } = normalisedQuantiles(v, u, h, pool);
  const halves: BandFit['halves'] = split > 0 && split < v.K ? [normalisedQuantiles(v, u, h, pool, 0, split), normalisedQuantiles(v, u, h, pool, split, v.K)] : null;
  return { z, step, kappa, floor, halves };
}

/** Widths of a fitted band around a forecast path (steps past the fit's reach as fitted). */
export function bandWidths(b: BandFit, path: Float64Array, out: Widths, factor = 1): void {
  const { z, step, kappa, floor } = b;
  for (let j = 0; j < path.length; j++) {
    const sc = step[j]! * factor * (kappa ? scaleOf(path[j]!, kappa, floor) : 1);
    out.lo95[j] = z[0]! * sc;
    out.lo80[j] = z[1]! * sc;
    out.hi80[j] = z[2]! * sc;
    out.hi95[j] = z[3]! * sc;
  }
}

/** Widths per step for a final forecast `mean` (fitBand, then bandWidths). */
export function conformalBands(v: ValidationErrors, mean: Float64Array, o: { positive: boolean; level: number }): Widths & { kappa: number } {
  const h = mean.length;
  const b = fitBand(v, h, o);
  const w: Widths = { lo80: new Float64Array(h), hi80: new Float64Array(h), lo95: new Float64Array(h), hi95: new Float64Array(h) };
  bandWidths(b, mean, w);
  return { ...w, kappa: b.kappa };
}

/**
 * Ratio of final to validation error spread when seasons are phase means over `cFinal` cycles for the
 * final forecast but `cVal` for the validation ones: errors are noise (sigma^2) plus the estimate's own
 * noise (sigma^2 / c), so the spread scales with sqrt(1 + 1/c). 1 when the final has no more cycles.
 */
export function seasonNoiseRatio(cVal: number, cFinal: number): number {
  if (!(cVal >= 1) || !(cFinal > cVal)) return 1;
  return Math.sqrt((1 + 1 / cFinal) / (1 + 1 / cVal));
}

/**
 * Distances below / above the mean, in units of a scale per step: the errors of each step are divided
 * by their typical size there (mean |error| over steps [0.8 j, 1.25 j + 1]: a low-variance statistic),
 * and the empirical 2.5/10/90/97.5% quantiles of those normalised errors are taken over every step at
 * once, separately for each tail (skewed errors give skewed bands; the mean always stays inside). Width
 * at step j = quantile x typical size at j. Extreme quantiles from all ~K x reach errors are steadier
 * than from the few near one step (eval: MSIS lower at 1 d and 1 w, PetShop 1 d 9.70 -> 9.00). Steps past
 * the validation reach grow with the square root of the step. The 95% distances are at least the 80%.
 */
export function normalisedQuantiles(v: ValidationErrors, u: Float64Array, h: number, pool: Float64Array, k0 = 0, k1 = v.K): { z: Float64Array; step: Float64Array } {
  const { lim, hv } = v;
  const sum = scratchF64(hv);
  const cnt = scratchF64(hv);
  for (let k = k0; k < k1; k++) {
    const row = k * hv;
    for (let j = 0; j < lim[k]!; j++) {
      sum[j]! += Math.abs(u[row + j]!);
      cnt[j]!++;
    }
  }
  let reach = 0;
  while (reach < Math.min(h, hv) && cnt[reach]! >= 3) reach++;
  reach = Math.max(1, reach);
  const cs = scratchF64(reach + 1);
  const cc = scratchF64(reach + 1);
  for (let j = 0; j < reach; j++) {
    cs[j + 1] = cs[j]! + sum[j]!;
    cc[j + 1] = cc[j]! + cnt[j]!;
  }
  const step = scratchF64(h);
  let tiny = 0;
  for (let j = 0; j < reach; j++) {
    const a = Math.floor(j * 0.8);
    const b = Math.min(reach - 1, Math.ceil(j * 1.25) + 1);
    const c = cc[b + 1]! - cc[a]!;
    step[j] = c > 0 ? (cs[b + 1]! - cs[a]!) / c : 0;
    tiny = Math.max(tiny, step[j]!);
  }
  tiny *= 1e-9;
  let len = 0;
  for (let k = k0; k < k1; k++) {
    const row = k * hv;
    const end = Math.min(reach, lim[k]!);
    for (let j = 0; j < end; j++) pool[len++] = u[row + j]! / Math.max(step[j]!, tiny || 1e-300);
  }
  if (!len) pool[len++] = 0;
  const z = tails(pool, len);
  const last = step[reach - 1]!;
  for (let j = reach; j < h; j++) step[j] = last * Math.sqrt((j + 1) / reach);
  return { z, step };
}

/** Distances of the 2.5/10/90/97.5% quantiles of pool[0, len) below / above 0 (reorders the pool). */
/** Conformal ranks among len values of the 2.5/10/90/97.5% levels (rank: rounded outwards). */
export function levelRanks(len: number, out: Int32Array): void {
  for (let i = 0; i < 4; i++) out[i] = rank(LEVELS[i]![1], len);
}

function tails(pool: Float64Array, len: number): Float64Array {
  const r = new Int32Array(4);
  levelRanks(len, r);
  const q = new Float64Array(4);
  orderStats(pool, len, r, q);
  const z = new Float64Array(4);
  for (let i = 0; i < 4; i++) z[i] = i < 2 ? Math.max(0, -q[i]!) : Math.max(0, q[i]!);
  z[0] = Math.max(z[0]!, z[1]!);
  z[3] = Math.max(z[3]!, z[2]!);
  return z;
}

/**
 * Values of ranks r[0] <= r[1] <= r[2] <= r[3] among a[0, len) into out (reorders a). The two inner ranks
 * are selected over the whole array, the outer ones then only in the few values beyond them: two
 * selections over the whole array instead of four.
 */
export function orderStats(a: Float64Array, len: number, r: Int32Array, out: Float64Array): void {
  const r0 = r[0]!, r1 = Math.max(r0, r[1]!), r2 = Math.max(r1, r[2]!), r3 = Math.max(r2, r[3]!);
  out[1] = select(a, len, r1);
  out[0] = r0 < r1 ? select(a, r1, r0) : out[1]!;
  out[2] = r2 > r1 ? select(a, len, r2, r1 + 1) : out[1]!;
  out[3] = r3 > r2 ? select(a, len, r3, r2 + 1) : out[2]!;
}
