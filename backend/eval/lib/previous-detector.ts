// FROZEN copy of src/models/anomaly/detector.ts as it was before issue 13 (commit a757793), kept only so
// `npm run eval anomaly` can compare the new detector with the previous one. Do not change or use it elsewhere.
// Online anomaly detector for one series. The score at time t uses only samples up to t.
//
// After an explicit warm-up (no alarms; raw samples buffered), the model is
//   expected(t) = amp(t) * season(phase(t)) + level(t) + trend(t)
// (amp tracks the season's current amplitude, e.g. a quieter weekend or growing traffic, by normalised
// LMS; it stays in [0.2, 3])
// where the season is a robust profile over phase buckets of a period DETECTED on the warm-up window by
// autocorrelation (none if not significant), initialised from per-bucket medians / MADs and then updated
// incrementally with Huber-clipped steps (so one outlier moves it by at most a few sigma * rate).
// Four detectors each give a tail probability under "nothing is wrong":
//   seasonal  robust z = (x - expected) / sigma(phase)              two-sided Gaussian tail
//   ewma      residual against a fast exponential-smoothing level   two-sided Gaussian tail
//   cusum     two-sided CUSUM (k = 0.5) of clipped seasonal z       P(S > s) ~ exp(-2ks) = exp(-s)
//   variance  fast/slow ratio of EW means of clipped z^2            chi-square upper tail (Wilson-Hilferty,
//             nu = 20: fewer than the ~39 samples in the fast window, as residuals are autocorrelated)
// Combined p = min(1, 4 * min_i p_i) (Bonferroni) and score = clamp(-log10(p) / 8, 0, 1), so the score
// is calibrated: score s <=> null tail probability 10^(-8 s). The default flag threshold 0.65
// (p <= 6e-6) was chosen on the synthetic corpus as the point that beats both 3-sigma baselines on
// every eval column (see eval/anomaly.eval.ts); 0.5 (p <= 1e-4) is the sensitive setting.
// When CUSUM reaches p <= 1e-4 the level is re-based to the fast level (a change point starts a new
// regime) so one shift gives one alarm, not a day of them. Note: at the default threshold CUSUM alone
// re-bases before it can flag, so slow drifts are flagged only at the sensitive setting (see eval).
//
// Bad input: NaN/Inf values and timestamps that do not advance are skipped (score 0, `skipped`, state
// unchanged); gaps and irregular spacing are fine (phase comes from the timestamp); a constant warm-up
// gives a tiny sigma floor, so any later change is flagged; counters must be turned into rates first
// (see series/clean.ts counterToRate).
//
// State after warm-up is a few scalars plus 2 numbers per phase bucket (<= 48 buckets): ~2 KB of JSON.
import { cleanSeries, medianSpacing } from '../../src/models/series/clean.js';
import { detectPeriod, seasonalSlope } from '../../src/models/series/seasonality.js';
import { mad, median, normalTail, theilSen } from '../../src/models/series/stats.js';

export type DetectorName = 'seasonal' | 'ewma' | 'cusum' | 'variance';
export const DETECTORS: readonly DetectorName[] = ['seasonal', 'ewma', 'cusum', 'variance'];
export type Severity = 'none' | 'minor' | 'major' | 'critical';

export interface AnomalyOptions {
  /** Samples buffered before scoring starts (no alarms during warm-up). Default 576 (2 days at 5 min). */
  warmupPoints?: number;
  /** Candidate seasonal periods in seconds, tried before a free search. Default one day and one week. */
  candidatePeriodsSeconds?: number[];
  /** Phase buckets at most (2 numbers of state each). Default 48. */
  maxBuckets?: number;
  /** Score at or above which a point is flagged. Default 0.65 (null tail probability 6e-6). */
  threshold?: number;
}

export interface AnomalyResult {
  score: number;
  anomaly: boolean;
  severity: Severity;
  /** Detectors whose own evidence was strong (p < 1e-3 after correction), strongest first. */
  detectors: DetectorName[];
  expected: number;
  /** Band at the flagging threshold: expected -/+ z * sigma(phase). */
  lower: number;
  upper: number;
  warmup: boolean;
  /** True when the input value was NaN/Inf or the timestamp did not advance; the state was left unchanged. */
  skipped: boolean;
}

export interface AnomalyState {
  v: 1;
  opts: Required<AnomalyOptions>;
  warmT: number[];
  warmX: number[];
  ready: boolean;
  periodSeconds: number;
  season: number[];
  sigma: number[];
  sigmaMin: number;
  level: number;
  trend: number;
  fastLevel: number;
  fastSigma: number;
  cusPos: number;
  cusNeg: number;
  ewVar: number;
  ewVarSlow: number;
  amp: number;
  seasPower: number;
  lastT: number;
  n: number;
}

export const DEFAULT_THRESHOLD = 0.65;
const DEFAULTS: Required<AnomalyOptions> = {
  warmupPoints: 576,
  candidatePeriodsSeconds: [86_400, 604_800],
  maxBuckets: 48,
  threshold: DEFAULT_THRESHOLD,
};

// Learning rates (per sample). Chosen on the synthetic corpus (see eval/anomaly.eval.ts), not per series.
const LEVEL_ALPHA = 0.01;
const TREND_BETA = 0.0005;
const TREND_PHI = 0.999;
const FAST_ALPHA = 0.3;
const SEASON_ETA = 0.05;
const SIGMA_ETA = 0.02;
const VAR_ALPHA = 0.05;
const VAR_SLOW_ALPHA = 0.005;
const VAR_NU = 20;
const CUSUM_K = 0.5;
// Re-base once CUSUM alone reaches p <= 1e-4 (+2 nats of hysteresis), whatever the flag threshold.
const CUSUM_REBASE = 4 * Math.LN10 + Math.LN2 + 2;
const CUSUM_CLIP = 2.5; // Huberised: heavy-tailed noise cannot build a CUSUM alarm from a few outliers
const AMP_ETA = 0.02;
const CLIP = 4;
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2); // mean |e| -> sigma for Gaussian e

function clip(x: number, c: number): number {
  return x > c ? c : x < -c ? -c : x;
}

export function severityOf(score: number, threshold = DEFAULT_THRESHOLD): Severity {
  if (score < threshold) return 'none';
  if (score >= 0.9) return 'critical';
  if (score >= 0.7) return 'major';
  return 'minor';
}

function chiSqUpperTail(mean: number, nu: number): number {
  // P(chi2_nu / nu > mean) by Wilson-Hilferty.
  if (mean <= 0) return 1;
  const v = 2 / (9 * nu);
  const z = (Math.cbrt(mean) - (1 - v)) / Math.sqrt(v);
  return normalTail(z);
}

export class OnlineAnomalyDetector {
  private s: AnomalyState;
  // Last step's details (kept as fields so the hot path allocates nothing).
  private lastP = new Float64Array(4);
  private lastScore = 0;
  private lastExpected = 0;
  private lastSigma = 0;
  private lastSkipped = false;

  constructor(opts: AnomalyOptions = {}, state?: AnomalyState) {
    const o = { ...DEFAULTS, ...opts };
    if (!(o.warmupPoints >= 8)) throw new Error(`anomaly options: warmupPoints must be >= 8 (got ${o.warmupPoints})`);
    if (!(o.maxBuckets >= 1 && o.maxBuckets <= 512)) throw new Error(`anomaly options: maxBuckets must be in 1..512 (got ${o.maxBuckets})`);
    if (!(o.threshold > 0 && o.threshold <= 1)) throw new Error(`anomaly options: threshold must be in (0, 1] (got ${o.threshold})`);
    this.s = state ?? {
      v: 1, opts: o, warmT: [], warmX: [], ready: false, periodSeconds: 0, season: [0], sigma: [1], sigmaMin: 1e-9,
      level: 0, trend: 0, fastLevel: 0, fastSigma: 1, cusPos: 0, cusNeg: 0, ewVar: 1, ewVarSlow: 1, amp: 1, seasPower: 0, lastT: -Infinity, n: 0,
    };
  }

  get ready(): boolean {
    return this.s.ready;
  }
  get periodSeconds(): number {
    return this.s.periodSeconds;
  }
  /** Unix seconds of the last accepted sample (-Infinity before the first). */
  get lastTimestamp(): number {
    return this.s.lastT;
  }

  /** Feeds one sample and returns its score only (the allocation-free hot path). */
  score(t: number, x: number): number {
    const s = this.s;
    this.lastSkipped = false;
    if (!Number.isFinite(x) || !Number.isFinite(t) || t <= s.lastT) {
      this.lastSkipped = true;
      this.lastScore = 0;
      return 0;
    }
    s.lastT = t;
    s.n++;
    if (!s.ready) {
      s.warmT.push(t);
      s.warmX.push(x);
      this.lastScore = 0;
      this.lastExpected = x;
      this.lastSigma = 0;
      if (s.warmT.length >= s.opts.warmupPoints) this.finishWarmup();
      return 0;
    }
    const B = s.season.length;
    // Phase position between bucket centres (circular) for linear interpolation of the profile.
    let b0 = 0;
    let w = 0;
    if (B > 1) {
      const ph = ((t % s.periodSeconds) + s.periodSeconds) % s.periodSeconds;
      const pos = (ph / s.periodSeconds) * B - 0.5;
      const f = Math.floor(pos);
      w = pos - f;
      b0 = ((f % B) + B) % B;
    }
    const b1 = B > 1 ? (b0 + 1) % B : 0;
    const seas0 = s.season[b0]! * (1 - w) + s.season[b1]! * w;
    const seas = s.amp * seas0;
    let sig = s.sigma[b0]! * (1 - w) + s.sigma[b1]! * w;
    if (sig < s.sigmaMin) sig = s.sigmaMin;
    const expected = seas + s.level + s.trend;
    const e = x - expected;
    const z = e / sig;
    // Fast level tracks the deseasonalised value; its residual catches abrupt jumps relative to "just now".
    const d = x - seas;
    const ef = d - s.fastLevel;
    const fsig = s.fastSigma > s.sigmaMin ? s.fastSigma : s.sigmaMin;
    const zf = ef / fsig;
    // CUSUM on clipped z (one wild point cannot alarm alone).
    const zc = clip(z, CUSUM_CLIP);
    s.cusPos = Math.max(0, s.cusPos + zc - CUSUM_K);
    s.cusNeg = Math.max(0, s.cusNeg - zc - CUSUM_K);
    const z2 = Math.min(z * z, CLIP * CLIP);
    s.ewVar += VAR_ALPHA * (z2 - s.ewVar);
    const p0 = 2 * normalTail(Math.abs(z));
    const p1 = 2 * normalTail(Math.abs(zf));
    const p2 = Math.min(1, 2 * Math.exp(-Math.max(s.cusPos, s.cusNeg)));
    const p3 = chiSqUpperTail(s.ewVar / (s.ewVarSlow > 0.25 ? s.ewVarSlow : 0.25), VAR_NU);
    this.lastP[0] = p0;
    this.lastP[1] = p1;
    this.lastP[2] = p2;
    this.lastP[3] = p3;
    let pmin = p0 < p1 ? p0 : p1;
    if (p2 < pmin) pmin = p2;
    if (p3 < pmin) pmin = p3;
    const p = Math.min(1, 4 * pmin);
    let score = p > 0 ? -Math.log10(p) / 8 : 1;
    score = score > 0 ? (score > 1 ? 1 : score) : 0; // also maps -0 to 0
    this.lastScore = score;
    this.lastExpected = expected;
    this.lastSigma = sig;

    // Learn (Huber-clipped so anomalies bend the baseline only slowly).
    const ec = clip(e, 3 * sig);
    s.level += s.trend + LEVEL_ALPHA * ec;
    s.trend = TREND_PHI * s.trend + TREND_BETA * LEVEL_ALPHA * ec;
    if (B > 1) {
      s.season[b0]! += (SEASON_ETA * (1 - w) * ec) / s.amp;
      s.season[b1]! += (SEASON_ETA * w * ec) / s.amp;
      if (s.seasPower > 0) {
        const a = s.amp + (AMP_ETA * ec * seas0) / s.seasPower;
        s.amp = a < 0.2 ? 0.2 : a > 3 ? 3 : a;
      }
    }
    const absE = Math.min(Math.abs(e), CLIP * sig) * SQRT_HALF_PI;
    s.sigma[b0]! += SIGMA_ETA * (1 - w) * (absE - s.sigma[b0]!);
    if (B > 1) s.sigma[b1]! += SIGMA_ETA * w * (absE - s.sigma[b1]!);
    s.fastLevel += FAST_ALPHA * clip(ef, 3 * fsig);
    s.fastSigma += SIGMA_ETA * (Math.min(Math.abs(ef), CLIP * fsig) * SQRT_HALF_PI - s.fastSigma);
    s.ewVarSlow += VAR_SLOW_ALPHA * (z2 - s.ewVarSlow);
    // A CUSUM alarm marks a change point: re-base the level so the new regime stops alarming.
    const cus = s.cusPos > s.cusNeg ? s.cusPos : s.cusNeg;
    if (cus > CUSUM_REBASE) {
      s.level = s.fastLevel;
      s.trend = 0;
      s.cusPos = 0;
      s.cusNeg = 0;
      s.ewVar = s.ewVarSlow;
    }
    return score;
  }

  /** Feeds one sample and returns the full result (score, severity, agreeing detectors, band). */
  update(t: number, x: number): AnomalyResult {
    const score = this.score(t, x);
    return this.describe(score);
  }

  private describe(score: number): AnomalyResult {
    const thr = this.s.opts.threshold;
    const detectors: DetectorName[] = [];
    if (this.s.ready && !this.lastSkipped && score > 0) {
      const order = [0, 1, 2, 3].filter((i) => 4 * this.lastP[i]! < 1e-3).sort((a, b) => this.lastP[a]! - this.lastP[b]!);
      for (const i of order) detectors.push(DETECTORS[i]!);
    }
    // Band half-width: the |z| at which the combined score reaches the threshold.
    const zBand = bandZ(thr);
    const expected = this.lastExpected;
    return {
      score,
      anomaly: score >= thr,
      severity: severityOf(score, thr),
      detectors,
      expected,
      lower: expected - zBand * this.lastSigma,
      upper: expected + zBand * this.lastSigma,
      warmup: !this.s.ready,
      skipped: this.lastSkipped,
    };
  }

  private finishWarmup(): void {
    const s = this.s;
    const ts = s.warmT;
    const xs = s.warmX;
    const step = medianSpacing(ts);
    const grid = cleanSeries(ts, xs, { step });
    const candidates = s.opts.candidatePeriodsSeconds.map((p) => p / step).filter((c) => c >= 2 && Math.abs(c - Math.round(c)) < 0.01);
    const snap = [60, 300, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400, 604_800].map((p) => p / step).filter((c) => c >= 2 && Math.abs(c - Math.round(c)) < 0.01);
    const found = detectPeriod(grid.values, { candidates, search: true, snap, maxLag: Math.min(1500, grid.values.length >> 1) });
    const periodSeconds = found ? found.period * step : 0;
    const B = found ? Math.max(1, Math.min(s.opts.maxBuckets, found.period)) : 1;
    const n = ts.length;
    // Per-bucket medians of the detrended warm-up data give the season profile; the level is the rest.
    const idx = Float64Array.from({ length: n }, (_, i) => ts[i]! - ts[0]!);
    // Slope from seasonal differences when seasonal (a wave biases Theil-Sen), else Theil-Sen.
    const lin = found ? { slope: seasonalSlope(grid.values, found.period) / step } : theilSen(idx, xs, 150);
    const bucketOf = (t: number): number => (B > 1 ? Math.min(B - 1, Math.floor((((t % periodSeconds) + periodSeconds) % periodSeconds) / periodSeconds * B)) : 0);
    const byBucket: number[][] = Array.from({ length: B }, () => []);
    for (let i = 0; i < n; i++) byBucket[bucketOf(ts[i]!)]!.push(xs[i]! - lin.slope * idx[i]!);
    const allDetr = Float64Array.from({ length: n }, (_, i) => xs[i]! - lin.slope * idx[i]!);
    const base = median(allDetr);
    const season = byBucket.map((b) => (b.length ? median(b) - base : 0));
    // Fill empty buckets (gaps in warm-up) from neighbours.
    for (let b = 0; b < B; b++) if (byBucket[b]!.length === 0) season[b] = season[(b + B - 1) % B] ?? 0;
    const seasAt = (t: number): number => {
      if (B === 1) return season[0]!;
      const pos = (((((t % periodSeconds) + periodSeconds) % periodSeconds) / periodSeconds) * B) - 0.5;
      const f = Math.floor(pos);
      const w = pos - f;
      const b0 = ((f % B) + B) % B;
      return season[b0]! * (1 - w) + season[(b0 + 1) % B]! * w;
    };
    const resid = Float64Array.from({ length: n }, (_, i) => allDetr[i]! - base - seasAt(ts[i]!));
    // In-sample residuals understate the error of the profile out of sample: inflate by 20%.
    const globalSigma = 1.2 * mad(resid, 0);
    const resByBucket: number[][] = Array.from({ length: B }, () => []);
    for (let i = 0; i < n; i++) resByBucket[bucketOf(ts[i]!)]!.push(resid[i]!);
    const level = base + lin.slope * idx[n - 1]!;
    const absMed = Math.abs(median(xs));
    s.sigmaMin = Math.max(0.25 * globalSigma, 1e-6 * absMed, 1e-9);
    // Blend bucket and global scale: a 30-minute bucket over 2 days has only ~12 residuals.
    s.sigma = resByBucket.map((r) => {
      const local = r.length >= 4 ? 1.2 * mad(r, 0) : globalSigma;
      return Math.max(s.sigmaMin, Math.sqrt(0.5 * local * local + 0.5 * globalSigma * globalSigma));
    });
    s.season = season;
    s.seasPower = season.reduce((a, v) => a + v * v, 0) / B;
    s.amp = 1;
    s.periodSeconds = periodSeconds;
    s.level = level;
    s.trend = lin.slope * step;
    s.fastLevel = level;
    s.fastSigma = Math.max(globalSigma, s.sigmaMin);
    s.ready = true;
    s.warmT = [];
    s.warmX = [];
  }

  toJSON(): AnomalyState {
    return { ...this.s, season: [...this.s.season], sigma: [...this.s.sigma], warmT: [...this.s.warmT], warmX: [...this.s.warmX] };
  }

  static fromJSON(state: unknown): OnlineAnomalyDetector {
    return new OnlineAnomalyDetector({}, parseState(state));
  }
}

const bandCache = new Map<number, number>();
/** |z| of a single Gaussian point detector that reaches score `thr` after the x4 Bonferroni factor. */
export function bandZ(thr: number): number {
  let z = bandCache.get(thr);
  if (z === undefined) {
    const target = 10 ** (-8 * thr) / 4; // two-sided p per detector
    let lo = 0;
    let hi = 40;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (2 * normalTail(mid) > target) lo = mid;
      else hi = mid;
    }
    z = (lo + hi) / 2;
    bandCache.set(thr, z);
  }
  return z;
}

function parseState(x: unknown): AnomalyState {
  const bad = (field: string, why: string): never => {
    throw new Error(`anomaly state: field '${field}' ${why}`);
  };
  if (typeof x !== 'object' || x === null) bad('(root)', 'must be an object');
  const o = x as Record<string, unknown>;
  if (o.v !== 1) bad('v', `must be 1 (got ${String(o.v)})`);
  const num = (k: string): void => {
    if (typeof o[k] !== 'number' || Number.isNaN(o[k])) bad(k, 'must be a number');
  };
  for (const k of ['periodSeconds', 'sigmaMin', 'level', 'trend', 'fastLevel', 'fastSigma', 'cusPos', 'cusNeg', 'ewVar', 'ewVarSlow', 'amp', 'seasPower', 'n']) num(k);
  if (typeof o.lastT !== 'number' && o.lastT !== null) bad('lastT', 'must be a number');
  for (const k of ['season', 'sigma', 'warmT', 'warmX']) {
    if (!Array.isArray(o[k]) || !(o[k] as unknown[]).every((v) => typeof v === 'number')) bad(k, 'must be an array of numbers');
  }
  if ((o.season as number[]).length !== (o.sigma as number[]).length || (o.season as number[]).length < 1) bad('sigma', 'must have one entry per season bucket');
  if (typeof o.ready !== 'boolean') bad('ready', 'must be a boolean');
  if (typeof o.opts !== 'object' || o.opts === null) bad('opts', 'must be an object');
  const st = { ...(o as unknown as AnomalyState) };
  // JSON turns -Infinity into null: restore "no sample yet".
  if (st.lastT === null) st.lastT = -Infinity;
  st.opts = { ...DEFAULTS, ...st.opts };
  return st;
}
