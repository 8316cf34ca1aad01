// A small ensemble chosen on the series' own history. The members' parameters are fitted on the first
// part of the history (train); with those parameters fixed each member then runs through the rest
// (validation) and forecasts from 14-1,000 rolling origins there. That gives every member an out-of-sample
// error, picks the combination (best single member, median of the best three, or inverse-error
// weights of the best two) with the lowest validation MAE, and yields the errors the intervals are
// calibrated on (split conformal: a scale per horizon step, tail shape pooled over all steps; on a series
// that reverts to its level, the validation may instead pick the recent values' own quantiles, or their
// average with it: marginal.ts). The final forecast runs the same members from the end of the history.
// Members: naive, seasonal naive per season, ETS with the longest usable season (N / Ad trend by AICc),
// decomposition (all seasons) + ETS (N / Ad by AICc), decomposition + Theta, decomposition + drift,
// decomposition + a robust level (median of the last max(horizon, longest season) adjusted values),
// decomposition + a slow level with an AR(1) deviation (short memory decaying to the level), and with an
// AR(p) deviation, p 2-12 by AIC (cycles whose phase drifts, which no fixed season holds).
import { etsPaths, fitEts, type EtsFit } from './ets.js';
import { bandWidths, fitBand, seasonNoiseRatio, type ValidationErrors, type Widths } from './conformal.js';
import { select } from '../series/stats.js';
import { bandNote, chooseBand, MIN_WINDOW, mixBounds, windowIsCurrent, windowQuantiles } from './marginal.js';
import { decompose, seasonalSum, type SeasonComponent } from './seasons.js';
import { scratchF64 } from '../series/scratch.js';

export interface EnsembleResult {
  mean: Float64Array;
  lo80: Float64Array;
  hi80: Float64Array;
  lo95: Float64Array;
  hi95: Float64Array;
  /** Members combined, and how. */
  members: string[];
  combine: 'single' | 'median' | 'weighted';
  /** Validation MAE of the chosen combination, and of each member. */
  validationMae: number;
  memberMae: Record<string, number>;
  origins: number;
  /** Points the members were fitted on (validation runs from there). */
  train: number;
  /** The seasons used: those given that fit twice in the train part. */
  seasons: number[];
  /** Parameters of the ETS member with a season (or the decomposition's ETS), for reporting. */
  ets: EtsFit | null;
  notes: string[];
}

/**
 * A member maps origins (ascending, each <= n) to mean paths of length h from those origins, written into
 * `rows` (row k, from rows[k * h], for origins[k]). (Rows, not a callback per path: callbacks of
 * several closures had V8 deoptimising and recompiling every member's loop in a batch's first series.)
 */
type Runner = (origins: number[], h: number, rows: Float64Array) => void;
/** (Every member has all three fields, ets undefined when none: one object shape for V8.) */
interface Member {
  name: string;
  ets: EtsFit | undefined;
  run: Runner;
}

const MIN_VALIDATION = 24; // points left to validate on (trainLength)
const ETS_MAX_SEASON = 700; // ETS' own season: longer ones are left to the decomposition
const FIT_MAX = 400; // non-seasonal parameters are fitted on at most this many recent train points

function bestEts(y: Float64Array, period: number, trends: ('N' | 'Ad')[] = ['N', 'Ad']): EtsFit {
  let best: EtsFit | null = null;
  for (const trend of trends) {
    const f = fitEts(y, { trend, period });
    if (!best || f.aicc < best.aicc) best = f;
  }
  return best!;
}

/** SES with alpha by golden-section search on the one-step SSE; Theta drift = half the OLS slope. */
function fitTheta(a: Float64Array): { alpha: number; drift: number; l0: number } {
  const n = a.length;
  const slope = olsSlope(a);
  const sse = (alpha: number): number => {
    let l = a[0]!;
    let s = 0;
    for (let i = 1; i < n; i++) {
      const e = a[i]! - l;
      s += e * e;
      l += alpha * e;
    }
    return s;
  };
  let lo = 0.001;
  let hi = 1;
  const g = 0.618_034;
  let x1 = hi - g * (hi - lo);
  let x2 = lo + g * (hi - lo);
  let f1 = sse(x1);
  let f2 = sse(x2);
  for (let it = 0; it < 25; it++) {
    if (f1 < f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = sse(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = sse(x2);
    }
  }
  return { alpha: (lo + hi) / 2, drift: slope / 2, l0: a[0]! };
}

function thetaRunner(a: Float64Array, fitFrom: number, th: { alpha: number; drift: number; l0: number }, S: Float64Array): Runner {
  return (origins, h, rows) => {
    let l = th.l0;
    let k = 0;
    const { alpha, drift } = th;
    for (let i = fitFrom; i <= a.length && k < origins.length; i++) {
      while (k < origins.length && origins[k] === i) {
        const seen = i - fitFrom;
        const off = (1 - Math.pow(1 - alpha, Math.max(1, seen))) / alpha;
        const row = k * h;
        for (let j = 0; j < h; j++) rows[row + j] = l + drift * (j + off) + S[i + j]!;
        k++;
      }
      if (i < a.length) l += alpha * (a[i]! - l);
    }
  };
}

interface LevelAr {
  alpha: number;
  phi: number;
}

function levelArRunner(a: Float64Array, fitFrom: number, p: LevelAr, S: Float64Array): Runner {
  return (origins, h, rows) => {
    let l = a[fitFrom]!;
    let e = 0;
    let k = 0;
    for (let i = fitFrom + 1; i <= a.length && k < origins.length; i++) {
      while (k < origins.length && origins[k] === i) {
        // e: the last value's deviation from the level before it (what phi was fitted on).
        let d = e * p.phi;
        const row = k * h;
        for (let j = 0; j < h; j++) {
          rows[row + j] = l + d + S[i + j]!;
          d *= p.phi;
        }
        k++;
      }
      if (i < a.length) {
        e = a[i]! - l;
        l += p.alpha * e;
      }
    }
  };
}

interface LevelArP {
  alpha: number;
  /** AR coefficients phi_1..phi_p of the deviations from the level. */
  phi: Float64Array;
}

const AR_MAX_ORDER = 12;

/** Deviations of a from an exponentially smoothed level (e_t = a_t - l_t before l_t is updated). */
function levelDeviations(a: Float64Array, alpha: number, out: Float64Array): void {
  let l = a[0]!;
  out[0] = 0;
  for (let i = 1; i < a.length; i++) {
    const e = a[i]! - l;
    out[i] = e;
    l += alpha * e;
  }
}

/** Level smoothing grid of both level + AR members. */
const LEVEL_ALPHAS = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2];

/**
 * One-step SSE of an AR(1) on deviations e[1..] (e[0] is none), phi by least squares in [0, 0.98] (into
 * out[0]: an object with a phi of 0 one time and 0.3 the next had V8 recompile its callers).
 */
function ar1Sse(e: Float64Array, out: Float64Array): number {
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 2; i < e.length; i++) {
    sxy += e[i]! * e[i - 1]!;
    sxx += e[i - 1]! * e[i - 1]!;
    syy += e[i]! * e[i]!;
  }
  const phi = sxx > 0 ? Math.min(0.98, Math.max(0, sxy / sxx)) : 0;
  out[0] = phi;
  return syy - 2 * phi * sxy + phi * phi * sxx;
}

/** Biased autocovariances r[0..P] of e[1..n) (e[0] is not a deviation). */
function autocovariances(e: Float64Array, n: number, P: number, r: Float64Array): void {
  const m = n - 1;
  let mean = 0;
  for (let i = 1; i < n; i++) mean += e[i]!;
  mean /= m;
  for (let k = 0; k <= P; k++) {
    let c = 0;
    for (let i = 1 + k; i < n; i++) c += (e[i]! - mean) * (e[i - k]! - mean);
    r[k] = c / m;
  }
}

/**
 * Both level + AR members from one pass of deviations per level smoothing alpha:
 * - level+ar1: alpha and phi by the smallest one-step SSE (least squares); null unless 0.05 < phi < 0.95.
 * - level+ar(p): p in 2..12 and alpha by AIC; Yule-Walker by Levinson-Durbin (from the biased
 *   autocovariances, so the AR is stationary and its forecast decays to the level). An AR(2) or higher
 *   follows cycles whose phase drifts (a load generator's, a GC's), which a fixed-period season cannot
 *   hold over many cycles. null when AR(1) does as well by AIC (a margin of a few nats more lost 0.5-1%
 *   of PetShop 1 h MSIS in eval).
 * (The best so far are plain numbers, not objects that start as null: with those, V8 compiled this
 * function six times in a 500-series batch, each time it met a path or a field type it had not seen.)
 */
function fitLevelArs(a: Float64Array): { ar: LevelAr | null; arp: LevelArP | null } {
  const n = a.length;
  if (n < 24) return { ar: null, arp: null };
  const P = AR_MAX_ORDER;
  const withP = n >= 4 * P;
  const e = scratchF64(n);
  const r = scratchF64(P + 1);
  const phi = scratchF64(P + 1);
  const prev = scratchF64(P + 1);
  const bestPhi = scratchF64(P); // coefficients of the best AR(p), p >= 2
  const o = scratchF64(1);
  let sse1 = Infinity, alpha1 = 0, phi1 = 0;
  let aicP = Infinity, alphaP = 0, orderP = 0;
  let bestAr1Aic = Infinity;
  for (let q = 0; q < LEVEL_ALPHAS.length; q++) {
    const alpha = LEVEL_ALPHAS[q]!;
    levelDeviations(a, alpha, e);
    const sse = ar1Sse(e, o);
    if (q === 0 || sse < sse1) {
      sse1 = sse;
      alpha1 = alpha;
      phi1 = o[0]!;
    }
    if (!withP) continue;
    const m = n - 1; // e[0] is not a deviation
    autocovariances(e, n, P, r);
    if (!(r[0]! > 0)) continue;
    // Levinson-Durbin: phi[1..p] of order p, v = innovation variance.
    phi.fill(0);
    let v = r[0]!;
    for (let p = 1; p <= P; p++) {
      let acc = r[p]!;
      for (let k = 1; k < p; k++) acc -= phi[k]! * r[p - k]!;
      const kp = acc / v;
      prev.set(phi);
      phi[p] = kp;
      for (let k = 1; k < p; k++) phi[k] = prev[k]! - kp * prev[p - k]!;
      v *= 1 - kp * kp;
      if (!(v > 0)) break;
      const aic = m * Math.log(v) + 2 * p;
      if (p === 1) bestAr1Aic = Math.min(bestAr1Aic, aic);
      else if (orderP === 0 || aic < aicP) {
        aicP = aic;
        alphaP = alpha;
        orderP = p;
        bestPhi.set(phi.subarray(1, p + 1));
      }
    }
  }
  return {
    ar: phi1 > 0.05 && phi1 < 0.95 ? { alpha: alpha1, phi: phi1 } : null,
    arp: orderP && aicP < bestAr1Aic ? { alpha: alphaP, phi: bestPhi.slice(0, orderP) } : null,
  };
}

function levelArPRunner(a: Float64Array, fitFrom: number, q: LevelArP, S: Float64Array): Runner {
  return (origins, h, rows) => {
    const p = q.phi.length;
    const { alpha, phi } = q;
    let l = a[fitFrom]!;
    const hist = scratchF64(p); // last p deviations, hist[0] the newest
    const d = scratchF64(p + h);
    let k = 0;
    for (let i = fitFrom + 1; i <= a.length && k < origins.length; i++) {
      while (k < origins.length && origins[k] === i) {
        // d[0..p) = past deviations (oldest first), then the AR recursion; the level moves by alpha of
        // each predicted deviation, as it would with those values.
        for (let j = 0; j < p; j++) d[j] = hist[p - 1 - j]!;
        let lev = l;
        const row = k * h;
        for (let j = 0; j < h; j++) {
          let x = 0;
          for (let m = 0; m < p; m++) x += phi[m]! * d[p + j - 1 - m]!;
          d[p + j] = x;
          rows[row + j] = lev + x + S[i + j]!;
          lev += alpha * x;
        }
        k++;
      }
      if (i < a.length) {
        const e = a[i]! - l;
        for (let j = p - 1; j > 0; j--) hist[j] = hist[j - 1]!;
        hist[0] = e;
        l += alpha * e;
      }
    }
  };
}

function adjusted(y: Float64Array, S: Float64Array, comps: SeasonComponent[]): Float64Array {
  if (!comps.length) return y;
  const a = scratchF64(y.length);
  for (let i = 0; i < y.length; i++) a[i] = y[i]! - S[i]!;
  return a;
}

interface Prefit {
  etsS: EtsFit | undefined;
  etsA: EtsFit;
  theta: { alpha: number; drift: number; l0: number };
  drift: number;
  ar: LevelAr | null;
  arp: LevelArP | null;
}

function olsSlope(a: Float64Array): number {
  const n = a.length;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += i;
    sy += a[i]!;
    sxx += i * i;
    sxy += i * a[i]!;
  }
  const den = n * sxx - sx * sx;
  return den > 0 ? (n * sxy - sx * sy) / den : 0;
}

/** Members fitted on y[0, train) (or given their fits); `comps` is the decomposition to use. */
// pre: the fits of an earlier call (the validation's), or null to fit. (Not an empty object for none:
// objects of two shapes here had V8 deoptimising and recompiling this function.)
function buildMembers(y: Float64Array, train: number, h: number, seasons: number[], comps: SeasonComponent[], pre: Prefit | null): { members: Member[]; fits: Prefit; a: Float64Array; S: Float64Array } {
  const out: Member[] = [];
  const fitFrom = Math.max(0, train - FIT_MAX);
  let etsS = pre?.etsS;
  out.push({
    name: 'naive',
    ets: undefined,
    run: (origins, h, rows) => {
      for (let k = 0; k < origins.length; k++) rows.fill(y[origins[k]! - 1]!, k * h, (k + 1) * h);
    },
  });
  for (const p of seasons) {
    out.push({
      name: `snaive(${p})`,
      ets: undefined,
      run: (origins, h, rows) => {
        for (let k = 0; k < origins.length; k++) {
          const o = origins[k]!;
          for (let j = 0; j < h; j++) rows[k * h + j] = y[o - p + (j % p)]!;
        }
      },
    });
  }
  // ETS with its own (longest usable) season.
  const pE = [...seasons].reverse().find((p) => p <= ETS_MAX_SEASON && train >= 2 * p) ?? 0;
  if (pE) {
    // Level + season only: trends are the decomposition members' job (and a fit costs ~1 ms).
    const from = Math.max(0, train - Math.max(3 * pE, 2 * FIT_MAX));
    const fit = etsS ?? bestEts(y.subarray(from, train), pE, ['N']);
    etsS = fit;
    out.push({
      name: `ets(A,${fit.trend},A)[${pE}]`,
      ets: fit,
      run: (origins, h, rows) => etsPaths(fit, y.subarray(from), origins.map((o) => o - from), h, rows),
    });
  }
  // Decomposition + ETS / Theta on the seasonally adjusted series.
  const S = seasonalSum(comps, y.length + h);
  const a = adjusted(y, S, comps);
  const fitA = pre?.etsA ?? bestEts(a.subarray(fitFrom, train), 0);
  // (A loop, not map().join(): the periods' array came in two element kinds, and V8 deoptimised here.)
  let label = '';
  for (let i = 0; i < comps.length; i++) label += `${i ? ',' : 'stl['}${comps[i]!.period}`;
  if (comps.length) label += ']+';
  out.push({
    name: `${label}ets(A,${fitA.trend},N)`,
    ets: fitA,
    run: (origins, h, rows) => {
      etsPaths(fitA, a.subarray(fitFrom), origins.map((o) => o - fitFrom), h, rows);
      for (let k = 0; k < origins.length; k++) {
        const o = origins[k]!;
        for (let j = 0; j < h; j++) rows[k * h + j]! += S[o + j]!;
      }
    },
  });
  // Drift: the last (adjusted) value plus the train window's straight-line slope, undamped, for the
  // steady trends a damped or smoothed member under-forecasts far ahead.
  const drift = pre?.drift ?? olsSlope(a.subarray(fitFrom, train));
  out.push({
    name: `${label}drift`,
    ets: undefined,
    run: (origins, h, rows) => {
      for (let k = 0; k < origins.length; k++) {
        const o = origins[k]!;
        for (let j = 0; j < h; j++) rows[k * h + j] = a[o - 1]! + drift * (j + 1) + S[o + j]!;
      }
    },
  });
  const th = pre?.theta ?? fitTheta(a.subarray(fitFrom, train));
  out.push({ name: `${label}theta`, ets: undefined, run: thetaRunner(a, fitFrom, th, S) });
  // Level + AR(1): a slow exponentially smoothed level and the deviation from it decaying at the rate
  // fitted on train. Between naive (all persistence) and a flat level (none): the short-range memory of
  // noisy, mean-reverting real metrics.
  // (Both branches give one object shape, as buildMembers keeps its other inputs: see above.)
  const { ar, arp } = pre ? { ar: pre.ar, arp: pre.arp } : fitLevelArs(a.subarray(fitFrom, train)); // null: fitted, none
  if (ar) out.push({ name: `${label}level+ar1`, ets: undefined, run: levelArRunner(a, fitFrom, ar, S) });
  if (arp) out.push({ name: `${label}level+ar${arp.phi.length}`, ets: undefined, run: levelArPRunner(a, fitFrom, arp, S) });
  // Robust level: the median of the last W (adjusted) values, flat. Far ahead, on spiky or
  // mean-reverting series, a level no single recent value can move beats every smoothed one. Only
  // offered where the train part reverts to its mean (variance ratio test): on a random walk a lagged
  // level can win a validation by chance but is never the right forecast.
  const W = Math.max(h, seasons.length ? seasons[seasons.length - 1]! : 0, 12);
  if (meanReverting(a.subarray(0, train), Math.min(W, Math.floor(train / 4)))) out.push({
    name: `${label}median`,
    ets: undefined,
    run: (origins, hh, rows) => {
      // At most 48 evenly spaced values of the window: as robust, and cheap at every origin.
      const stride = Math.ceil(W / 48);
      const buf = scratchF64(Math.ceil(W / stride));
      for (let k = 0; k < origins.length; k++) {
        const o = origins[k]!;
        let len = 0;
        for (let i = o - 1; i >= Math.max(0, o - W); i -= stride) buf[len++] = a[i]!;
        const med = select(buf, len, len >> 1);
        for (let j = 0; j < hh; j++) rows[k * hh + j] = med + S[o + j]!;
      }
    },
  });
  return { members: out, fits: { etsS, etsA: fitA, theta: th, drift, ar, arp }, a, S };
}

/**
 * Variance ratio (Lo & MacKinlay): Var(x[t+q] - x[t]) / (q Var(x[t+1] - x[t])) is about 1 for a random
 * walk and about 2/q for noise around a level; below `below` (0.5 unless given) the series reverts to
 * its mean.
 */
function meanReverting(x: Float64Array, q: number, below = 0.5): boolean {
  const n = x.length;
  if (q < 2 || n < 2 * q) return false;
  const varDiff = (lag: number): number => {
    let s = 0;
    let s2 = 0;
    for (let i = lag; i < n; i++) {
      const d = x[i]! - x[i - lag]!;
      s += d;
      s2 += d * d;
    }
    const c = n - lag;
    return s2 / c - (s / c) ** 2;
  };
  const v1 = varDiff(1);
  return v1 > 0 && varDiff(q) < below * q * v1;
}

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

type Combo = { kind: EnsembleResult['combine']; idx: number[]; w: Float64Array };

// The steps of ensembleForecast below are functions of their own (too large for V8 to inline): a
// deoptimisation in one then recompiles that step, not the whole forecast (80 ms a compile of the whole).
// They use plain loops, not map(), forEach() or destructuring, and one shape per object: arrays and
// objects of varying maps had V8 deoptimising and recompiling the forecast ten times in a 2,000-series
// batch (--trace-opt / --trace-deopt).

// The validation paths' matrix, reused across calls: a fresh one (100-300 KB) was zero-filled and
// page-faulted for every series (14% of the forecast's own time in a batch).
let flatScratch = new Float64Array(0);

/**
 * Validation paths, one flat K x hv matrix per member (row k = origin k); steps past the end unused.
 * The matrices are views on a scratch matrix, valid until the next call.
 */
function validationPaths(members: Member[], origins: number[], hv: number): Float64Array[] {
  const K2 = origins.length;
  const size = members.length * K2 * hv;
  if (flatScratch.length < size) flatScratch = new Float64Array(Math.max(size, 2 * flatScratch.length));
  const flat = flatScratch.subarray(0, size);
  flat.fill(0);
  const paths: Float64Array[] = [];
  for (let i = 0; i < members.length; i++) {
    const rows = flat.subarray(i * K2 * hv, (i + 1) * K2 * hv);
    members[i]!.run(origins, hv, rows);
    paths.push(rows);
  }
  return paths;
}

/** Mean absolute error of K x hv paths (row k from origins[k]) against y, over the steps y reaches. */
function maeOf(y: Float64Array, origins: number[], m: Float64Array, hv: number): number {
  const n = y.length;
  let s = 0;
  let c = 0;
  for (let k = 0; k < origins.length; k++) {
    const o = origins[k]!;
    const lim = Math.min(hv, n - o);
    for (let j = 0; j < lim; j++) s += Math.abs(y[o + j]! - m[k * hv + j]!);
    c += lim;
  }
  return c ? s / c : Infinity;
}

function comboPath(paths: Float64Array[], c: Combo, out: Float64Array): void {
  const a = paths[c.idx[0]!]!;
  if (c.kind === 'single') out.set(a);
  else if (c.kind === 'median') {
    const b = paths[c.idx[1]!]!;
    const d = paths[c.idx[2]!]!;
    for (let q = 0; q < out.length; q++) out[q] = median3(a[q]!, b[q]!, d[q]!);
  } else {
    const b = paths[c.idx[1]!]!;
    const w = c.w;
    for (let q = 0; q < out.length; q++) out[q] = w[0]! * a[q]! + w[1]! * b[q]!;
  }
}

/**
 * The combination with the lowest validation MAE: the best single member, the median of the best three,
 * or inverse-error weights of the best two. A combination must beat the previous by 0.1%.
 */
function chooseCombination(y: Float64Array, origins: number[], paths: Float64Array[], hv: number): { best: Combo; bestMae: number; bestPath: Float64Array; maes: Float64Array } {
  const n = y.length;
  const K2 = origins.length;
  const maes = scratchF64(paths.length);
  const order: number[] = [];
  for (let i = 0; i < paths.length; i++) {
    maes[i] = maeOf(y, origins, paths[i]!, hv);
    order.push(i);
  }
  order.sort((a, b) => maes[a]! - maes[b]!);
  const b0 = order[0]!;
  const b1 = order[1];
  const b2 = order[2];
  const combos: Combo[] = [{ kind: 'single', idx: [b0], w: Float64Array.of(1) }];
  if (b1 !== undefined && b2 !== undefined) combos.push({ kind: 'median', idx: [b0, b1, b2], w: Float64Array.of(1, 1, 1) });
  if (b1 !== undefined) {
    const w0 = 1 / Math.max(maes[b0]!, 1e-300);
    const w1 = 1 / Math.max(maes[b1]!, 1e-300);
    combos.push({ kind: 'weighted', idx: [b0, b1], w: Float64Array.of(w0 / (w0 + w1), w1 / (w0 + w1)) });
  }
  // Far past what the validation can check (horizon > 2x its reach), blends of members with different
  // trend behaviour (damped vs straight) drift apart unchecked: the single best member is used instead.
  const reach = n - origins[0]!;
  const allowed = hv > 2 * reach ? 1 : combos.length;
  let best = combos[0]!;
  let bestMae = Infinity;
  const tmp = scratchF64(K2 * hv);
  const bestPath = scratchF64(K2 * hv);
  for (let i = 0; i < allowed; i++) {
    const c = combos[i]!;
    comboPath(paths, c, tmp);
    const mae = maeOf(y, origins, tmp, hv);
    if (mae < bestMae * 0.999) {
      best = c;
      bestMae = mae;
      bestPath.set(tmp);
    }
  }
  return { best, bestMae, bestPath, maes };
}

/** Errors of the chosen combination per origin and step, and whether y is non-negative and its mean level. */
function validationErrors(y: Float64Array, origins: number[], bestPath: Float64Array, hv: number): { errors: ValidationErrors; positive: boolean; level: number } {
  const n = y.length;
  const K2 = origins.length;
  const lim = new Int32Array(K2);
  const err = scratchF64(K2 * hv);
  let positive = true;
  let level = 0;
  for (let i = 0; i < n; i++) {
    if (y[i]! < 0) positive = false;
    level += Math.abs(y[i]!);
  }
  level /= n;
  for (let k = 0; k < K2; k++) {
    const o = origins[k]!;
    lim[k] = Math.min(hv, n - o);
    for (let j = 0; j < lim[k]!; j++) err[k * hv + j] = y[o + j]! - bestPath[k * hv + j]!;
  }
  return { errors: { err, fc: bestPath, lim, K: K2, hv }, positive, level };
}

/**
 * Points the members are fitted on: at least half the history and two cycles of every season used past
 * it, leaving at least 24 points to validate on. A season that needs more is not used: 8 validation
 * points (the earlier minimum) gave intervals from a few calm hours (PetShop, 2 days of 5-minute data
 * with a one-day season hint: 95% band above every actual value).
 */
export function trainLength(n: number, seasons: number[]): number {
  // The longest season that fits: a longer one, dropped, does not set the train part either. (It did:
  // it shrank the validation to 24 origins for nothing; two days of 5-minute PetShop data with a one-day
  // season: 24 origins instead of 167; eval PetShop 1 h with --season 1d, MSIS 4.993 -> 4.975.)
  let longest = 0;
  for (const p of seasons) if (2 * p <= n - MIN_VALIDATION) longest = Math.max(longest, p);
  return Math.min(Math.max(Math.ceil(n / 2), Math.min(n - MIN_VALIDATION, 2 * longest + 1), 16), n - 8);
}

/** Origins validated on at least, when filled-in values leave a choice (as many as long horizons get). */
const MIN_ORIGINS = 14;

/**
 * K origins evenly spread over [train, n): where a series was filled in across long gaps (`filled`),
 * only over the origins whose last value and checked steps (the next h, as far as y goes) are all
 * observed, when there are at least MIN_ORIGINS of them (errors against filled-in values are no forecast's
 * errors: against a line across a gap they were tiny on a linear stretch and large across a daily
 * pattern); else over all, with a note.
 */
function validationOrigins(n: number, train: number, K: number, h: number, filled: Uint8Array | undefined, notes: string[]): number[] {
  const origins: number[] = [];
  let ok: number[] | null = null;
  if (filled) {
    const c = new Int32Array(n + 1); // filled-in values before each index
    for (let i = 0; i < n; i++) c[i + 1] = c[i]! + filled[i]!;
    ok = [];
    for (let p = train; p < n; p++) if (c[Math.min(n, p + h)]! - c[p - 1]! === 0) ok.push(p);
    if (ok.length === n - train) ok = null; // no gap in the validation part
    else if (ok.length < MIN_ORIGINS) {
      notes.push(`only ${ok.length} validation origins are clear of long gaps: the intervals were judged on filled-in values too`);
      ok = null;
    }
  }
  if (ok) {
    const k1 = Math.min(K, ok.length);
    for (let k = 0; k < k1; k++) origins.push(ok[Math.floor((ok.length * k) / k1)]!);
    notes.push(`validated on ${k1} origins clear of long gaps (${n - train - ok.length} of ${n - train} skipped)`);
  } else for (let k = 0; k < K; k++) origins.push(train + Math.floor(((n - train) * k) / K));
  return origins;
}

/**
 * y: a clean, finite series; h: horizon; seasons: ascending periods (each with >= 2 cycles in y).
 * Requires y.length >= 24. `filled`: see validationOrigins.
 */
export function ensembleForecast(y: Float64Array, h: number, seasons: number[], o: { train?: number; filled?: Uint8Array } = {}): EnsembleResult {
  const n = y.length;
  const notes: string[] = [];
  // (Or as given: two season sets are compared on the same validation origins.)
  const train = Math.min(o.train ?? trainLength(n, seasons), n - 8);
  const valSeasons = seasons.filter((p) => train >= 2 * p);
  for (const p of seasons) {
    if (!valSeasons.includes(p)) notes.push(`season ${p} not used: it needs ${2 * p + MIN_VALIDATION} points (two cycles and ${MIN_VALIDATION} to validate on), have ${n}`);
  }
  // Enough origins for ~2,000 validation errors per step range (short horizons need many origins). (Fewer,
  // ~1,000, cost 0.5-5% MSIS at 1-step horizons and let a random walk's band widen too little at 100.)
  // At least 14 origins at long horizons: with 12 the 1 d combination choice and tails were unsteady (eval
  // all sets 1 d MSIS 5.68 -> 5.33, MASE 0.801 -> 0.789; 20 or 24 gave the same within noise and cost
  // ~20% of the 288-step batch speed). Up to 1,000 origins at 1-2 steps: capped at 200 there, a one-step
  // horizon had 200 errors for its 2.5% tails, and those quantiles were noisy (eval hourly-2season 1 h,
  // one step: MSIS 3.18 -> 3.04 against a floor of 2.84; costs 0.9 -> 1.5 ms a 2,016-point series at h = 1).
  // More origins at 12 steps changed nothing: their errors overlap, and the series has no more to give.
  const K = Math.min(n - train, Math.max(14, Math.min(1000, Math.ceil(2000 / h))));
  const origins = validationOrigins(n, train, K, h, o.filled, notes);
  // Validation: members fitted on y[0, train), seasons estimated on train, run to every origin.
  const compsTrain = decompose(y.subarray(0, train), valSeasons);
  const { members: valMembers, fits, a: aVal, S: sVal } = buildMembers(y, train, h, valSeasons, compsTrain, null);
  const hv = h;
  const paths = validationPaths(valMembers, origins, hv);
  const { best, bestMae, bestPath, maes } = chooseCombination(y, origins, paths, hv);
  // Errors of the chosen combination per step, for the intervals. (Scaling them by the recent
  // volatility at each origin was tried twice, the second time chosen per series by likelihood, and did
  // not lower the interval score in eval/forecast.eval.ts; scaling by the forecast's own level, where
  // the series is non-negative, is chosen per series in conformal.ts.)
  const v = validationErrors(y, origins, bestPath, hv);
  const chosen: string[] = [];
  for (let q = 0; q < best.idx.length; q++) chosen.push(valMembers[best.idx[q]!]!.name);
  // Final: the same members (by name), fitted on the same train part, seasons re-estimated on all of y:
  // only when a chosen member is built on the decomposition (naive, seasonal naive and ETS's own season
  // do not use it, and their names are the same without it).
  const decomposed = chosen.some((name) => name.startsWith('stl['));
  const comps = decomposed ? decompose(y, valSeasons) : [];
  // Parameters are kept from the train fit (the final run updates the states through all of y).
  const fin = buildMembers(y, train, h, valSeasons, comps, fits);
  const finalMembers = fin.members;
  const byName = new Map(finalMembers.map((m) => [m.name, m]));
  const fpaths: Float64Array[] = [];
  for (let q = 0; q < chosen.length; q++) {
    const out = scratchF64(h);
    byName.get(chosen[q]!)!.run([n], h, out);
    fpaths.push(out);
  }
  const mean = new Float64Array(h);
  comboPath(fpaths, { kind: best.kind, idx: [0, 1, 2], w: best.w }, mean);
  // On a series that clearly reverts to its level (the median member's test, at half its bound), the band
  // may instead be the window's own quantiles or their average with the conformal band, as the validation
  // decides (the conformal band is then also fitted per half of the origins, for that check). (At the
  // median member's bound, 59 of 300 random walks of 500 points forecast 100 steps ahead got such a band,
  // and 28 a band less than twice as wide at step 100 as at step 1, against 5 without it; at half: 15, 12.)
  const Wmed = Math.max(h, valSeasons.length ? valSeasons[valSeasons.length - 1]! : 0, 12);
  const reverts = meanReverting(aVal.subarray(0, train), Math.min(Wmed, Math.floor(train / 4)), 0.25);
  const band = fitBand(v.errors, h, { positive: v.positive, level: v.level }, reverts ? origins.length >> 1 : 0);
  if (band.kappa) notes.push(`interval widths scale with the forecast level^${band.kappa}`);
  // The validation forecasts used seasons estimated on the train part, over fewer cycles of the longest
  // season than the final forecast: their errors carry more seasonal-estimation noise (about sigma^2 / c
  // for c cycles). The widths are narrowed by that known ratio so the final bands are not too wide.
  // Only members built on the decomposition carry that noise (naive, seasonal naive and ETS's own
  // seasonal states do not).
  // A lone season denoised as a low-rank matrix carries too little of that noise for the ratio (with it,
  // eval 95% coverage fell to 94.4% on synthetic 1 h and 92.7% on demo 1 d).
  const usesDecomp = decomposed && !comps[comps.length - 1]?.denoisedAlone;
  const pLong = valSeasons.length && usesDecomp ? valSeasons[valSeasons.length - 1]! : 0;
  const ratio = pLong ? seasonNoiseRatio(Math.min(Math.floor(train / pLong), 8), Math.min(Math.floor(n / pLong), 8)) : 1;
  const w: Widths = { lo80: scratchF64(h), hi80: scratchF64(h), lo95: scratchF64(h), hi95: scratchF64(h) };
  bandWidths(band, mean, w, ratio);
  const lo80 = new Float64Array(h), hi80 = new Float64Array(h), lo95 = new Float64Array(h), hi95 = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    lo80[j] = mean[j]! - w.lo80[j]!;
    hi80[j] = mean[j]! + w.hi80[j]!;
    lo95[j] = mean[j]! - w.lo95[j]!;
    hi95[j] = mean[j]! + w.hi95[j]!;
  }
  if (reverts) {
    const W = Math.max(MIN_WINDOW, valSeasons.length ? valSeasons[valSeasons.length - 1]! : 0);
    const kinds = chooseBand(y, aVal, sVal, origins, v.errors, band, W, h);
    if (kinds.some((k) => k !== 'conformal')) {
      // The final window: adjusted by the final seasons where the forecast used them.
      const mq = new Float64Array(4);
      const aFin = decomposed ? fin.a : aVal;
      windowQuantiles(aFin, n, W, mq);
      if (windowIsCurrent(aFin, n, W, mq, o.filled)) {
        mixBounds(kinds, mean, mq, decomposed ? fin.S : sVal, n, { lo80, hi80, lo95, hi95 });
        notes.push(bandNote(kinds, Math.min(W, n)));
      } else {
        notes.push(`band around the forecast: the last values left the range of the last ${Math.min(W, n)} (a level shift?), so their quantiles, chosen in validation, were not used`);
      }
    }
  }
  const memberMae: Record<string, number> = {};
  for (let i = 0; i < valMembers.length; i++) memberMae[valMembers[i]!.name] = maes[i]!;
  const etsM = valMembers.find((m) => chosen.includes(m.name) && m.ets) ?? valMembers.find((m) => m.ets);
  return { mean, lo80, hi80, lo95, hi95, members: chosen, combine: best.kind, validationMae: bestMae, memberMae, origins: origins.length, train, seasons: valSeasons, ets: etsM?.ets ?? null, notes };
}
