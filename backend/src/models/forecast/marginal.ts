// Bands from the recent distribution of the (seasonally adjusted) values themselves, as an alternative
// to bands around the forecast. On a series that keeps reverting to a level through noise and spikes
// (latencies, busy request counts), the next hour's values are drawn from about the same distribution as
// the last day's: its empirical quantiles are a forecast of their own, with no error of a point forecast
// in them. Whether that band, the conformal band around the forecast, or their average is used is decided
// per series on the rolling-origin validation, by the interval score of each there.
import { bandWidths, levelRanks, orderStats, type BandFit, type ValidationErrors, type Widths } from './conformal.js';
import { scratchF64 } from '../series/scratch.js';
import { median } from '../series/stats.js';

/**
 * Empirical 2.5/10/90/97.5% quantiles of a[end - W, end) into out, ranks rounded outwards as the conformal
 * ones. buf: scratch of at least W values.
 */
export function windowQuantiles(a: Float64Array, end: number, W: number, out: Float64Array, buf = scratchF64(W)): void {
  const from = Math.max(0, end - W);
  const len = end - from;
  buf.set(a.subarray(from, end));
  const r = new Int32Array(4);
  levelRanks(len, r);
  orderStats(buf, len, r, out);
}

/**
 * Whether the window [end - W, end) of `a` still describes the values of now: the median of its last
 * min(24, W / 12) observed values (not `filled` in across a gap) lies within the window's own 10-90%
 * quantiles (mq). After a level shift it does not (the window's quantiles straddle the old level and the
 * new one), and a band from them would reach back to the old level. On values that keep their level, the
 * median of 24 falls outside that range about once in a million windows.
 */
export function windowIsCurrent(a: Float64Array, end: number, W: number, mq: Float64Array, filled?: Uint8Array): boolean {
  const m = Math.max(1, Math.min(24, Math.floor(W / 12)));
  const recent = scratchF64(m);
  let k = 0;
  for (let i = end - 1; i >= Math.max(0, end - W) && k < m; i--) if (!filled?.[i]) recent[k++] = a[i]!;
  if (!k) return true;
  const med = median(recent, k);
  return med >= mq[1]! && med <= mq[2]!;
}

/**
 * The bands offered: conformal around the forecast, marginal (the window's quantiles), and the average
 * of the two bounds. (Weights 0.25 and 0.75 as well, or a weight growing with the step, did no better
 * in eval and made the choice noisier.)
 */
export type BandKind = 'conformal' | 'blend' | 'marginal';
export const BAND_KINDS: BandKind[] = ['conformal', 'blend', 'marginal'];
/** Each kind's weight on the marginal bounds. */
const WEIGHTS = Float64Array.of(0, 0.5, 1);

/** Values a window holds at least: about 7 beyond each 2.5% tail. */
export const MIN_WINDOW = 288;

/** Interval score of one bound pair at one value: the width plus `miss` (2 / alpha) times any miss. */
function intervalScore(lo: number, hi: number, y: number, miss: number): number {
  return hi - lo + miss * (Math.max(0, lo - y) + Math.max(0, y - hi));
}

/**
 * Mean 80% + 95% interval score of each band kind over the validation origins (at most ~100 of them,
 * evenly spaced), for the steps before `split` and for those from it on (2 x kinds, kind fastest). The
 * conformal band at an origin is the one fitted on the other half of the origins (`late` for origins
 * before `half`, `early` from it on: two bands, not a callback, which V8 deoptimised on); the marginal
 * one the quantiles of the W adjusted values (a) before the origin plus the season ahead (S). Both are
 * out-of-sample.
 */
export function scoreBands(y: Float64Array, a: Float64Array, S: Float64Array, origins: number[], v: ValidationErrors, early: BandFit, late: BandFit, half: number, W: number, split: number): Float64Array {
  const { fc, lim, K, hv } = v;
  const nb = WEIGHTS.length;
  const scores = new Float64Array(2 * nb); // [step block][kind]
  const count = new Float64Array(2);
  const stride = Math.max(1, Math.ceil(K / 100));
  // The window's quantiles are taken afresh every W / 3 points (~4 us each), and each origin is scored
  // with the latest taken at or before it: a little stale, never from its future. (Every W / 6 points
  // scored the same in eval, within 0.2%.)
  const every = Math.max(1, Math.ceil(W / 3));
  const buf = scratchF64(W);
  const mq = new Float64Array(4);
  let taken = -Infinity;
  const w: Widths = { lo80: scratchF64(hv), hi80: scratchF64(hv), lo95: scratchF64(hv), hi95: scratchF64(hv) };
  for (let k = 0; k < K; k += stride) {
    const o = origins[k]!;
    const path = fc.subarray(k * hv, (k + 1) * hv);
    bandWidths(k < half ? late : early, path, w);
    if (o - taken >= every) {
      windowQuantiles(a, o, W, mq, buf);
      taken = o;
    }
    for (let j = 0; j < lim[k]!; j++) {
      const f = path[j]!;
      const s = S[o + j]!;
      const yy = y[o + j]!;
      // Conformal bounds, and the marginal bounds' distance from them.
      const cl95 = f - w.lo95[j]!, cl80 = f - w.lo80[j]!, ch80 = f + w.hi80[j]!, ch95 = f + w.hi95[j]!;
      const dl95 = mq[0]! + s - cl95, dl80 = mq[1]! + s - cl80, dh80 = mq[2]! + s - ch80, dh95 = mq[3]! + s - ch95;
      const at = j < split ? 0 : nb;
      for (let b = 0; b < nb; b++) {
        const wt = WEIGHTS[b]!;
        scores[at + b]! += intervalScore(Math.min(f, cl95 + wt * dl95), Math.max(f, ch95 + wt * dh95), yy, 40) + intervalScore(Math.min(f, cl80 + wt * dl80), Math.max(f, ch80 + wt * dh80), yy, 10);
      }
      count[at ? 1 : 0]!++;
    }
  }
  for (let b = 0; b < scores.length; b++) scores[b] = count[(b / nb) | 0]! ? scores[b]! / count[(b / nb) | 0]! : Infinity;
  return scores;
}

/** Final bounds: at each step, the conformal bounds given moved towards the marginal ones by that step's kind's weight. */
export function mixBounds(kinds: BandKind[], mean: Float64Array, mq: Float64Array, S: Float64Array, n: number, b: { lo80: Float64Array; hi80: Float64Array; lo95: Float64Array; hi95: Float64Array }): void {
  for (let j = 0; j < mean.length; j++) {
    const wt = WEIGHTS[BAND_KINDS.indexOf(kinds[j]!)]!;
    if (!wt) continue;
    const f = mean[j]!;
    const s = S[n + j]!;
    b.lo95[j] = Math.min(f, (1 - wt) * b.lo95[j]! + wt * (mq[0]! + s));
    b.lo80[j] = Math.min(f, (1 - wt) * b.lo80[j]! + wt * (mq[1]! + s));
    b.hi80[j] = Math.max(f, (1 - wt) * b.hi80[j]! + wt * (mq[2]! + s));
    b.hi95[j] = Math.max(f, (1 - wt) * b.hi95[j]! + wt * (mq[3]! + s));
  }
}

/**
 * The band kind per step with the lowest validation interval score, chosen apart for the first quarter
 * of the steps and the rest: near the origin a band around the forecast is sharp even where the values
 * wander (a random walk), far from it their own distribution may do better. The conformal band is
 * cross-fitted: fitted on the first half of the origins for the second half and the other way round
 * (fitted on all of them, it would be scored on its own errors and win too often: eval PetShop 1 h MSIS
 * 4.62 in-sample vs 4.57 cross-fitted, and with a 2% margin for the marginal ones 4.67).
 */
export function chooseBand(y: Float64Array, a: Float64Array, S: Float64Array, origins: number[], v: ValidationErrors, band: BandFit, W: number, h: number): BandKind[] {
  const kinds: BandKind[] = new Array<BandKind>(h).fill('conformal');
  const K = origins.length;
  if (K < 8 || !band.halves) return kinds;
  const half = K >> 1;
  const early: BandFit = { ...band, z: band.halves[0].z, step: band.halves[0].step, halves: null };
  const late: BandFit = { ...band, z: band.halves[1].z, step: band.halves[1].step, halves: null };
  const split = Math.ceil(h / 4);
  const sc = scoreBands(y, a, S, origins, v, early, late, half, W, split);
  const nb = BAND_KINDS.length;
  for (let blk = 0; blk < 2; blk++) {
    let best = 0;
    for (let b = 1; b < nb; b++) if (sc[blk * nb + b]! < sc[blk * nb + best]!) best = b;
    // Steps past the validation's reach are as the last validated ones.
    for (let j = blk ? split : 0; j < (blk ? h : split); j++) kinds[j] = BAND_KINDS[best]!;
  }
  return kinds;
}

/** What the notes say of the bands chosen per step (runs of one kind). */
export function bandNote(kinds: BandKind[], W: number): string {
  const what: Record<BandKind, string> = {
    conformal: 'around the forecast',
    blend: `the average of the band around the forecast and the last ${W} values' own quantiles`,
    marginal: `the last ${W} values' own quantiles`,
  };
  const parts: string[] = [];
  for (let j = 0; j < kinds.length; ) {
    let e = j;
    while (e + 1 < kinds.length && kinds[e + 1] === kinds[j]) e++;
    parts.push(`${j === e ? `step ${j + 1}` : `steps ${j + 1}-${e + 1}`}: ${what[kinds[j]!]}`);
    j = e + 1;
  }
  return `band (chosen by its interval score in validation): ${parts.join('; ')}`;
}
