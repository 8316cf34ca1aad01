// Online anomaly detector for one series; the result at time t uses only samples up to t.
//
// Model: expected(t) = level(t) + the seasonal profiles found to help (hourly, daily, weekly).
//  - Profiles are learned at the data's resolution from the first point on (hourly: buckets of
//    max(step, 1 min); daily: max(step, 5 min); weekly: 1 h). A profile is used only once it has seen
//    1.5 of its cycles AND predicts better than without it (squared error < 0.7x the level-only model's
//    on the same points, from its second cycle on, both clipped at 5 of its scales),
//    so seasons are found from the data: none, one or several.
//  - Scale: robust EW of |residual| times, for a seasonal model, its phase's factor (|residual| in that
//    5 min of the hour / hour of the day over the overall scale, learned over a week: a square wave whose
//    high state is noisier, noise that grows with traffic), never below the data's noise floor = max(smallest non-zero step
//    seen (the quantum), running median of |first differences|). No absolute constant touches the
//    values, so scores are scale invariant: quantised to 1/4096, they are bit-identical for the series
//    times any positive constant (the rounding of x * k never reaches a grid boundary in practice, and
//    thresholds on |z|, which quantised data hits exactly, are taken with a 1e-9 tie margin).
//  - Score = calibrated rarity. |z| above 2 is modelled by a generalised Pareto tail fitted online to
//    the series' own exceedances (peaks over threshold, as in SPOT/DSPOT; method of moments with a
//    20-exceedance prior); a CUSUM of clipped z catches slow drifts and small sustained shifts (its
//    tail from Siegmund's ARL). p = per-point tail probability; the expected time between chance
//    deviations this large is W = step / p; score = log10(W / 1 h) / log10(1 year / 1 h), clamped to
//    [0, 1]: 0 = happens hourly by chance, 0.35 = daily, 0.56 = weekly, 0.72 = monthly, 1 = yearly.
//    The score therefore means the same on every series and step.
//  - Gross deviations: |z| >= 6 and >= 3x the largest residual seen outside episodes (that record
//    decays over a week; it learns points within 6 scales and each episode's first point, so a kind of
//    jump that keeps coming stops being gross, but a ramp-in does not teach it) reach the sensitivity whatever the
//    fitted tail says: after a short warm-up on fast data (1 s step: a once-a-week chance is p ~ 1e-6
//    per point) a tail from a few dozen noisy residuals cannot vouch for a 20x jump, but this test can.
//  - Sensitivity: high / medium / low alarm at W >= 1 day / 1 week / 30 days, i.e. about one false
//    alarm per series-day / -week / -month on data that behaves as it did.
//  - Warm-up is time: for `warmupSeconds` (default 1 day) only gross deviations alarm (W is divided by
//    100) and no season is used; the robust level/scale test runs from the 10th point (the scale is a
//    plain mean |residual| until then).
//  - Events: an episode opens when the score reaches the sensitivity for `minDurationSeconds`
//    (default 0: at once), `alarm` is true on its first point only, `anomaly` while it lasts; it closes
//    after `closeAfterSeconds` (default 10 min) below a lower threshold (W < 1/100 of the alarm's).
//    While open nothing is learned. A level shift that lasts `adaptSeconds` (default 1 h) becomes the
//    new normal: the level is re-based to the recent level and the episode closes, so a permanent shift
//    gives one alarm lasting at most adaptSeconds; if the values are back by then, the episode closes
//    without a re-base (an incident that ended raises no second alarm on its return).
//  - Bad input: NaN/Inf values and timestamps that do not advance are skipped (`skipped`, state
//    unchanged); gaps are fine (phase comes from the timestamp). Counters must be turned into rates.
// State: ~40 scalars plus the profiles as base64 24-bit floats (<= 60 + 288 + 168 buckets) and the phase
// factors as uint16 (12 + 24 + 24): <= 3.5 KB of JSON at any step (test: state size).

import { nextQuantum, nextTypicalDiff, resolutionFloor } from '../series/noise-floor.js';

// 'seasonal' | 'ewma' | 'cusum' | 'variance' were the previous detector's names; kept in the type so
// findings stored before the change still read.
export type DetectorName = 'point' | 'drift' | 'new_behaviour' | 'seasonal' | 'ewma' | 'cusum' | 'variance';
export const DETECTORS: readonly DetectorName[] = ['point', 'drift', 'new_behaviour'];
export type Severity = 'none' | 'minor' | 'major' | 'critical';
export type Sensitivity = 'low' | 'medium' | 'high';

const HOUR = 3600;
const YEAR = 365 * 86_400;
/** Score of a deviation expected by chance once every `waitSeconds` (see header). */
export function scoreForWait(waitSeconds: number): number {
  const s = Math.log10(waitSeconds / HOUR) / Math.log10(YEAR / HOUR);
  return s > 0 ? (s < 1 ? s : 1) : 0;
}

export const SENSITIVITIES: readonly { name: Sensitivity; label: string; waitSeconds: number; score: number }[] = [
  { name: 'high', label: 'series-day', waitSeconds: 86_400, score: scoreForWait(86_400) },
  { name: 'medium', label: 'series-week', waitSeconds: 7 * 86_400, score: scoreForWait(7 * 86_400) },
  { name: 'low', label: 'series-month', waitSeconds: 30 * 86_400, score: scoreForWait(30 * 86_400) },
];
export const DEFAULT_SENSITIVITY: Sensitivity = 'medium';
/** Score threshold of the default sensitivity (about one false alarm per series-week). */
export const DEFAULT_THRESHOLD = scoreForWait(7 * 86_400);

export function sensitivityScore(s: Sensitivity): number {
  return SENSITIVITIES.find((x) => x.name === s)!.score;
}

export interface AnomalyOptions {
  /** Expected false-alarm rate: high ~1/series-day, medium ~1/series-week, low ~1/series-month. */
  sensitivity?: Sensitivity;
  /** Explicit score threshold in (0, 1]; overrides `sensitivity`. */
  threshold?: number;
  /** Time during which only gross deviations alarm and no season is used. Default 86400. */
  warmupSeconds?: number;
  /** An episode opens only after the score stayed at the threshold this long. Default 0. */
  minDurationSeconds?: number;
  /** An episode closes after this long below the lower threshold. Default 600. */
  closeAfterSeconds?: number;
  /** A shift lasting this long becomes the new normal (re-based, episode closed). Default 3600. */
  adaptSeconds?: number;
  /** Level time constant. Default 4 h. */
  levelSeconds?: number;
}

export interface AnomalyResult {
  score: number;
  /** Inside an open episode. */
  anomaly: boolean;
  /** First point of an episode: one alarm per episode. */
  alarm: boolean;
  severity: Severity;
  /** Tests whose own evidence reached the threshold, strongest first. */
  detectors: DetectorName[];
  expected: number;
  /** Band at the threshold: expected -/+ the |deviation| that would score it. */
  lower: number;
  upper: number;
  warmup: boolean;
  /** True when the value was NaN/Inf or the timestamp did not advance; the state was left unchanged. */
  skipped: boolean;
}

const DEFAULTS: Required<Omit<AnomalyOptions, 'threshold'>> & { threshold: number } = {
  sensitivity: DEFAULT_SENSITIVITY,
  threshold: 0,
  warmupSeconds: 86_400,
  minDurationSeconds: 0,
  closeAfterSeconds: 600,
  adaptSeconds: 3600,
  levelSeconds: 4 * HOUR,
};
type Opts = typeof DEFAULTS;

// Candidate models: 'none' (level only) and one per season, each Holt-Winters-like (own level with
// time constant tau, own profile at the data's resolution, learning rate per bucket visit >= eta);
// 'daily+weekly' adds an hour-of-week correction learned on top of the daily profile.
const CANDIDATES = [
  { name: 'hourly', period: 3600, width: 60, eta: 0.1, tau: 3600 },
  { name: 'daily', period: 86_400, width: 300, eta: 0.15, tau: 86_400 },
  { name: 'daily+weekly', period: 7 * 86_400, width: 3600, eta: 0.3, tau: 86_400 },
] as const;
const U = 2; // POT threshold on |z|
// Every threshold on a ratio of data-scaled quantities is taken TIE beyond it: on quantised data |z| is
// often exactly 2 or 6 (a residual of 2 quanta over a floor of 1 quantum), and x * 3.7 puts it a few
// 1e-16 either side, so the same series scaled counted an exceedance the other did not (scale invariance:
// 500 of 1.84 M scores differed on the synthetic corpus x 1e-9 / 3.7 / 1e12).
const TIE = 1 + 1e-9;
const U_TIE = U * TIE;
const PRIOR_N = 20; // prior weight, in exceedances
const PRIOR_M1 = 0.667; // GPD(xi 0.1, sigma 0.6) excess mean
const PRIOR_M2 = 1.0; // and second moment
const PRIOR_ZETA = 0.05; // prior exceedance fraction
// k = 0.75 caught more slow drifts (synthetic drift recall 0.50 -> 0.67) but doubled false alarms on
// heavy-tailed 1-minute latency and on the demo simulator (the Gaussian ARL is optimistic there).
const CUSUM_K = 1;
const CUSUM_CLIP = 2;
const BLOCK = 12; // points per batch mean for the long-run variance
const CLIP = 4;
// Model choice compares errors clipped at 5 scales: at 3 a model wrong by a lot 10% of the time (a level-only
// model on a square wave) looked as good as the season that predicts it.
const MSE_CLIP = 5;
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);
const MIN_POINTS = 10;
const WARM_PENALTY = 100;
// Gross deviations: |z| >= GROSS_Z and >= GROSS_FACTOR x the largest residual seen outside episodes
// (decaying with a time constant of PEAK_SECONDS) reach the sensitivity whatever the fitted tail says.
const GROSS_Z = 6;
const GROSS_FACTOR = 3;
const PEAK_SECONDS = 7 * 86_400;
const CLOSE_FACTOR = 100;
// Scale by phase (heteroscedastic seasons: a square wave whose high state is noisier, traffic whose
// noise grows with it): each seasonal model keeps, per phase bucket (5 min of the hour, 1 h of the day),
// the bucket's |residual| relative to the model's overall scale, learned over ~a week (MULT_SECONDS).
const MULT_ONE = 4096; // fixed point: exact in JSON, cheap to decode
const MULT_MAX = 65_535;
const MULT_SECONDS = 7 * 86_400;
const SCORE_GRID = 4096;
/** Scores are multiples of 1/4096 (a waiting time to within 0.2%). The same series times any positive
 * constant differs only by floating-point rounding (~1e-15 relative) in every quantity compared, so
 * the quantised scores, and every decision taken on them, are bit-identical unless a score falls within
 * that rounding of a grid boundary (about 1 in 1e10 points). */
function quantiseScore(s: number): number {
  return Math.round(s * SCORE_GRID) / SCORE_GRID;
}

function severityFor(score: number, thr: number): Severity {
  if (score < thr) return 'none';
  if (score >= 0.9) return 'critical';
  if (score >= Math.max(thr, sensitivityScore('low'))) return 'major';
  return 'minor';
}
export function severityOf(score: number, threshold = DEFAULT_THRESHOLD): Severity {
  return severityFor(score, threshold);
}

interface Profile {
  period: number;
  width: number;
  eta: number;
  tau: number;
  /** Index of the profile this one corrects (daily+weekly on daily), or -1. */
  on: number;
  p: Float32Array;
  /** The same buffer as bits, to round each learned value to 24 bits (see round24). */
  pBits: Uint32Array;
  level: number;
  scale: number;
  mse: number;
  /** The level-only model's error over the same points, with the same weights and clip as `mse` (paired comparison). */
  base: number;
  /** Scale by phase: |residual| in this phase bucket over `scale`, fixed point (MULT_ONE = 1x). */
  m: Uint16Array;
  /** Width (s) of a phase bucket of `m`. */
  mWidth: number;
}

export interface AnomalyState {
  v: 2;
  opts: Opts;
  n: number;
  t0: number;
  lastT: number;
  step: number;
  lastX: number;
  level: number;
  scale: number;
  quantum: number;
  medDiff: number;
  flatSince: number;
  /** Largest |residual| seen outside episodes, decaying (absent in states saved before it existed). */
  peak?: number;
  /** Unit of the profiles (absent in older states: 1). */
  ref?: number;
  /** Per model (level-only, then each candidate): exceedance fraction, excess mean and second moment, count; base64 float64. */
  tail: string;
  cusPos: number;
  cusNeg: number;
  episode: boolean;
  episodeStart: number;
  aboveSince: number;
  belowSince: number;
  mse: number;
  rFast: number;
  lrv: number;
  bSum: number;
  bN: number;
  nBlocks: number;
  sel: number;
  profiles: { period: number; width: number; p: string; level: number; scale: number; mse: number; m?: string; b?: number }[];
}

function newTail(): Float64Array {
  const t = new Float64Array(16);
  for (let i = 0; i < 16; i += 4) {
    t[i] = PRIOR_ZETA;
    t[i + 1] = PRIOR_M1;
    t[i + 2] = PRIOR_M2;
  }
  return t;
}

function b64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export class OnlineAnomalyDetector {
  private readonly o: Opts;
  private readonly thr: number;
  private n = 0;
  private t0 = Number.NaN;
  private lastT = -Infinity;
  private step = 0;
  private lastX = Number.NaN;
  private level = 0;
  private mse = 0;
  private rFast = 0;
  private lrv = 1;
  private bSum = 0;
  private bN = 0;
  private nBlocks = 0;
  private sel = -1;
  private scale = 0;
  private quantum = 0;
  private medDiff = 0;
  private flatSince = Number.NaN;
  private peak = Number.NaN;
  // Unit of the float32 profiles: the first non-zero |value|. Rounding to float32 then commutes with
  // multiplying the series by a constant (float32 of raw values would not: scale invariance).
  private ref = 0;
  private tail = newTail();
  private cusPos = 0;
  private cusNeg = 0;
  private episode = false;
  private episodeStart = Number.NaN;
  private aboveSince = Number.NaN;
  private belowSince = Number.NaN;
  private profiles: Profile[] = [];
  private readonly buckets = new Int32Array(CANDIDATES.length);
  private readonly mBuckets = new Int32Array(CANDIDATES.length);
  private aZ = PRIOR_ZETA; // this sample's learning rate of the exceedance fractions
  // Last step's details (fields so the hot path allocates nothing).
  private lastScore = 0;
  private lastExpected = Number.NaN;
  private lastScale = 0;
  private lastZ = 0;
  private lastWPoint = 0;
  private lastWDrift = 0;
  private lastNew = false;
  private lastGross = false;
  private lastAlarm = false;
  private lastSkipped = false;

  constructor(opts: AnomalyOptions = {}, state?: AnomalyState) {
    const o: Opts = { ...DEFAULTS, ...(state?.opts ?? {}), ...opts, threshold: opts.threshold ?? state?.opts.threshold ?? 0 };
    const bad = (k: string, why: string, v: unknown): never => {
      throw new Error(`anomaly options: ${k} ${why} (got ${String(v)})`);
    };
    if (!SENSITIVITIES.some((s) => s.name === o.sensitivity)) bad('sensitivity', 'must be low, medium or high', o.sensitivity);
    if (o.threshold !== 0 && !(o.threshold > 0 && o.threshold <= 1)) bad('threshold', 'must be in (0, 1]', o.threshold);
    for (const k of ['warmupSeconds', 'minDurationSeconds', 'closeAfterSeconds', 'adaptSeconds'] as const) if (!(o[k] >= 0 && Number.isFinite(o[k]))) bad(k, 'must be a finite number >= 0', o[k]);
    if (!(o.levelSeconds > 0 && Number.isFinite(o.levelSeconds))) bad('levelSeconds', 'must be > 0', o.levelSeconds);
    this.o = o;
    this.thr = o.threshold > 0 ? o.threshold : sensitivityScore(o.sensitivity);
    if (state) this.restore(state);
  }

  get ready(): boolean {
    return this.n >= MIN_POINTS && this.lastT - this.t0 >= this.o.warmupSeconds;
  }
  /** Periods (seconds) of the seasonal profiles in use, shortest first. */
  get seasons(): number[] {
    if (this.sel < 0) return [];
    const p = this.profiles[this.sel]!;
    return p.on >= 0 ? [this.profiles[p.on]!.period, p.period] : [p.period];
  }
  /** Longest seasonal period in use (0 = none). */
  get periodSeconds(): number {
    const s = this.seasons;
    return s.length ? s[s.length - 1]! : 0;
  }
  get lastTimestamp(): number {
    return this.lastT;
  }
  /** Whether the last sample was inside an open episode (what `update().anomaly` says, without the band). */
  get inAnomaly(): boolean {
    return !this.lastSkipped && (this.episode || this.lastAlarm);
  }
  get threshold(): number {
    return this.thr;
  }

  private initProfiles(step: number): void {
    this.profiles = [];
    for (const c of CANDIDATES) {
      const width = Math.max(step, c.width);
      const B = Math.round(c.period / width);
      if (B < 4 || Math.abs(c.period / width - B) > 1e-6) continue; // the step does not tile the period
      const on = c.name === 'daily+weekly' ? this.profiles.findIndex((p) => p.period === 86_400) : -1;
      if (c.name === 'daily+weekly' && on < 0) continue;
      const mWidth = multWidth(c.period, step);
      const p = new Float32Array(B);
      this.profiles.push({ period: c.period, width, eta: c.eta, tau: c.tau, on, p, pBits: new Uint32Array(p.buffer), level: this.level, scale: 0, mse: 0, base: 0, m: newMult(c.period, mWidth), mWidth });
    }
  }

  /** Prediction of candidate k (-1 = level only) at t. */
  /** Prediction of candidate k (-1 = level only) from the buckets of the current sample (`buckets`). */
  private predict(k: number): number {
    if (k < 0) return this.level;
    const pr = this.profiles[k]!;
    let v = pr.level + pr.p[this.buckets[k]!]! * this.ref;
    if (pr.on >= 0) v += this.profiles[pr.on]!.p[this.buckets[pr.on]!]! * this.ref;
    return v;
  }

  /** Scale factor of candidate k's phase bucket for the current sample. */
  private mult(k: number): number {
    return this.profiles[k]!.m[this.mBuckets[k]!]! / MULT_ONE;
  }

  /** Bucket of every profile at t, computed once per sample (the hot path). */
  private setBuckets(t: number): void {
    for (let k = 0; k < this.profiles.length; k++) {
      const pr = this.profiles[k]!;
      let ph = t % pr.period;
      if (ph < 0) ph += pr.period;
      const b = Math.floor(ph / pr.width);
      this.buckets[k] = b < pr.p.length ? b : pr.p.length - 1;
      const mb = Math.floor((ph % (pr.m.length * pr.mWidth)) / pr.mWidth);
      this.mBuckets[k] = mb < pr.m.length ? mb : pr.m.length - 1;
    }
  }

  /** Feeds one sample and returns its score only (the allocation-free hot path). */
  score(t: number, x: number): number {
    this.lastSkipped = false;
    this.lastAlarm = false;
    this.lastNew = false;
    this.lastGross = false;
    if (!Number.isFinite(x) || !Number.isFinite(t) || t <= this.lastT) {
      this.lastSkipped = true;
      this.lastScore = 0;
      return 0;
    }
    const first = this.n === 0;
    const dt = first ? 0 : t - this.lastT;
    if (first) {
      this.t0 = t;
      this.level = x;
      this.flatSince = t;
    } else if (this.n === 1) {
      this.step = dt;
      this.initProfiles(dt);
    } else if (dt < 4 * this.step) {
      this.step += 0.05 * (dt - this.step);
    }
    this.n++;
    this.lastT = t;
    const o = this.o;

    // Data resolution: the quantum (smallest non-zero step) and the running median of |differences|.
    if (!first) {
      const d = Math.abs(x - this.lastX);
      this.quantum = nextQuantum(this.quantum, d);
      this.medDiff = nextTypicalDiff(this.medDiff, d);
    }
    const prevX = this.lastX;
    this.lastX = x;
    if (this.ref === 0 && x !== 0) this.ref = x < 0 ? -x : x;

    // Prediction by the selected candidate model.
    this.setBuckets(t);
    const expected = this.predict(this.sel);
    const r = x - expected;
    const floor = resolutionFloor(this.quantum, this.medDiff);
    const ownScale = this.sel < 0 ? this.scale : this.profiles[this.sel]!.scale * this.mult(this.sel);
    const sc = ownScale > floor ? ownScale : floor;
    this.lastExpected = expected;
    this.lastScale = sc;
    const warm = t - this.t0 < o.warmupSeconds;
    const step = this.step > 0 ? this.step : 1;
    // The scale is learned unclipped over the first MIN_POINTS points (a plain mean |residual|): clipped at
    // CLIP x a scale that starts at 0, it grew by at most ~2x a point, so a start of a few equal values
    // (ratios of small counts: 1/1000, 1/1001, ...) left it 100x too small when scoring began, the first
    // scored point opened an episode, and the frozen model never learned its noise (e2e, issue 13).
    const young = this.n <= MIN_POINTS;

    let wPoint = 0;
    let wDrift = 0;
    let z = 0;
    if (this.n > MIN_POINTS) {
      if (sc > 0) {
        z = r / sc;
        const a = z < 0 ? -z : z;
        const tb = 4 * (this.sel + 1);
        if (a > U_TIE) wPoint = step / (this.tail[tb]! * this.gpdTail(tb, a - U));
        // CUSUM of clipped z, deflated by the residuals' long-run variance (batch means over blocks of
        // BLOCK points: sums of autocorrelated residuals grow faster than sqrt(n)).
        const f = Math.sqrt(this.lrv > 1 ? (this.lrv < 25 ? this.lrv : 25) : 1);
        const zc = (z > CUSUM_CLIP ? CUSUM_CLIP : z < -CUSUM_CLIP ? -CUSUM_CLIP : z) / f;
        this.cusPos = Math.max(0, this.cusPos + zc - CUSUM_K);
        this.cusNeg = Math.max(0, this.cusNeg - zc - CUSUM_K);
        const h = this.cusPos > this.cusNeg ? this.cusPos : this.cusNeg;
        if (h > 1) {
          // (below h = 1 the waiting time is a few dozen steps: score ~0, so the exp is skipped)
          // Siegmund: ARL0 = (e^(2kb) - 2kb - 1) / (2k^2), b = h + 1.166.
          const kb = 2 * CUSUM_K * (h + 1.166);
          wDrift = (step * (Math.exp(kb) - kb - 1)) / (2 * CUSUM_K * CUSUM_K);
        }
      } else if (x !== prevX) {
        // Perfectly flat until now: a first change is as rare as the flat stretch was long.
        this.lastNew = true;
        wPoint = t - this.flatSince;
        z = r > 0 ? Infinity : -Infinity;
      }
    }
    this.lastZ = z;
    this.lastWPoint = wPoint;
    this.lastWDrift = wDrift;
    let w = (wPoint > wDrift ? wPoint : wDrift) / 2; // two tests
    if (warm) w /= WARM_PENALTY;
    if (this.n > MIN_POINTS && sc > 0) {
      const a = r < 0 ? -r : r;
      // A tail fitted to a few dozen noisy residuals cannot vouch for a once-a-week deviation on
      // 1-second data (p ~ 1e-6 per point); a jump far outside everything seen is flagged anyway.
      if (a >= GROSS_Z * TIE * sc && !(a < GROSS_FACTOR * TIE * this.peak)) {
        this.lastGross = true;
        const wThr = waitForScore(this.thr);
        if (w < wThr) w = wThr;
        if (this.lastWPoint < 2 * wThr) this.lastWPoint = 2 * wThr;
      }
    }
    const score = quantiseScore(scoreForWait(w));
    this.lastScore = score;

    // Episodes with hysteresis.
    const thr = this.thr;
    const above = score >= thr;
    if (!this.episode) {
      if (above) {
        if (Number.isNaN(this.aboveSince)) this.aboveSince = t;
        if (t - this.aboveSince >= o.minDurationSeconds) {
          this.episode = true;
          this.episodeStart = t;
          this.belowSince = Number.NaN;
          this.lastAlarm = true;
        }
      } else this.aboveSince = Number.NaN;
    } else if (quantiseScore(scoreForWait(w * CLOSE_FACTOR)) < thr) {
      if (Number.isNaN(this.belowSince)) this.belowSince = t;
      if (t - this.belowSince >= o.closeAfterSeconds) this.closeEpisode();
    } else this.belowSince = Number.NaN;

    // Learning. Inside an episode the model in use is frozen, so the anomaly does not become its baseline;
    // the other candidates keep learning, so a pattern first flagged (a season's sharp edge) can still be
    // learned and chosen.
    this.rFast += 0.3 * (r - this.rFast);
    let frozen = -2; // candidate not to update (-1 = the level-only model, -2 = none)
    if (this.episode) {
      if (t - this.episodeStart >= o.adaptSeconds) {
        // A shift that lasted adaptSeconds is the new normal: the level of the model in use moves by it
        // (the other candidates kept learning through the episode).
        // Only if it is still there: an episode held open after the values came back (by the drift test's
        // memory of the episode) re-based on a residual average still full of the episode, so the return
        // to normal raised a second alarm and the recovery a third (drift).
        // Back = this point is within the noise and well below that average (a shift still there keeps them alike).
        const ar = r < 0 ? -r : r;
        const back = sc > 0 && ar * TIE < U * sc && 2 * TIE * ar < (this.rFast < 0 ? -this.rFast : this.rFast);
        if (!back) {
          if (this.sel < 0) this.level += this.rFast;
          else this.profiles[this.sel]!.level += this.rFast;
        }
        this.cusPos = 0;
        this.cusNeg = 0;
        this.closeEpisode();
        // (and this point is learned by every model: returning here skipped it, so the season's bucket
        // one adaptSeconds after a recurring edge was never learned and the season never chosen)
      } else frozen = this.sel;
    }
    // A residual far outside the noise (>= GROSS_Z scales) enters the record only when it opened an
    // episode: a jump ramping in over a few points (a rate() window) would otherwise teach the record
    // its own first steps and never be gross.
    // Until the scale is established (the first MIN_POINTS points, which are not scored) every residual
    // enters: a scale still near 0 would call each of them gross and keep the record at 0.
    if (young || this.lastAlarm || (!this.episode && !(sc > 0 && (r < 0 ? -r : r) >= GROSS_Z * TIE * sc))) {
      // The record of residuals learns every normal point and an episode's first one (as the tail does),
      // so a kind of jump that keeps coming stops being gross.
      const ar = r < 0 ? -r : r;
      const pk = this.peak * (dt < PEAK_SECONDS ? 1 - dt / PEAK_SECONDS : 0);
      this.peak = pk >= ar ? pk : ar; // (NaN before the first point and after an old state: reset)
    }
    if (!this.episode) {
      if (sc === 0 && x !== prevX) this.flatSince = t;
      if (this.lastNew) this.flatSince = t;
      if (this.n > MIN_POINTS && sc > 0) {
        const zc = z > CLIP ? CLIP : z < -CLIP ? -CLIP : z;
        this.bSum += zc;
        if (++this.bN === BLOCK) {
          const bm = this.bSum / BLOCK;
          this.nBlocks++;
          this.lrv += Math.max(1 / this.nBlocks, 1 / 50) * (BLOCK * bm * bm - this.lrv);
          this.bSum = 0;
          this.bN = 0;
        }
      }
    }
    this.aZ = Math.max(1 / 5000, 1 / (this.n - MIN_POINTS + 1 / PRIOR_ZETA));
    // Scale memory ~ 1 day of points, but at least the last 50 while young.
    const aS = Math.max(Math.min(1, dt / 86_400), 1 / Math.min(this.n, 50));
    const aM = Math.min(1, dt / 86_400) || 0;
    // Level-only model.
    if (frozen === -1 && this.lastAlarm && sc > 0) this.learnTail(0, r / sc);
    // The frozen model's error still counts (clipped as in learning): otherwise a model that alarms at
    // every edge of a square wave never pays for those edges and a season that predicts them is never chosen.
    const cF = MSE_CLIP * sc;
    const eF = frozen > -2 && sc > 0 ? clipAt(r, cF) : 0;
    // The level-only model's residual (before the level learns): it learns from it below, and the seasons'
    // paired comparison uses it (clipped as each season clips its own).
    const r0 = x - this.level;
    if (frozen === -1) this.mse += aM * (eF * eF - this.mse);
    if (frozen !== -1) {
      const s0 = this.scale > floor ? this.scale : floor;
      if (this.n > MIN_POINTS && s0 > 0) this.learnTail(0, r0 / s0);
      const c = 3 * s0;
      const rc = clipAt(r0, c);
      const aL = Math.min(1, dt / o.levelSeconds) || 0;
      this.level += aL * rc;
      const ar = r0 < 0 ? -r0 : r0;
      this.scale += aS * ((!young && s0 > 0 && ar > CLIP * s0 ? CLIP * s0 : ar) * SQRT_HALF_PI - this.scale);
      const cm = MSE_CLIP * s0;
      const em = clipAt(r0, cm);
      const e2 = em * em;
      this.mse += aM * (e2 - this.mse);
    }
    // Seasonal candidates (Holt-Winters-like): level and profile learn from each other's residual.
    for (let k = 0; k < this.profiles.length; k++) {
      if (k === frozen) {
        if (this.lastAlarm && sc > 0) this.learnTail(k + 1, r / sc); // an episode's first point is learned once
        this.profiles[k]!.mse += aM * (eF * eF - this.profiles[k]!.mse);
        const eL = clipAt(r0, cF);
        this.profiles[k]!.base += aM * (eL * eL - this.profiles[k]!.base);
        continue;
      }
      const pr = this.profiles[k]!;
      const pred = this.predict(k);
      const rk = x - pred;
      const mk = this.mult(k);
      const sk = pr.scale * mk > floor ? pr.scale * mk : floor;
      if (this.n > MIN_POINTS && sk > 0) this.learnTail(k + 1, rk / sk);
      // The overall scale learns |residual| clipped at CLIP of the phase's scale; the phase's factor,
      // that |residual| over the overall scale (clipped the same way), once the season has had a cycle.
      const s1 = pr.scale > floor ? pr.scale : floor;
      const c = 3 * sk;
      const rc = clipAt(rk, c);
      const b = this.buckets[k]!;
      // Earlier visits of this bucket = whole cycles since the first point (exact on regular data): a
      // running mean over the first visits, then the profile's own rate.
      const seen = Math.floor((t - this.t0) / pr.period);
      // The level holds still through the first cycle, which the profile learns whole: a level moving
      // under it (a square wave's edges pull it by tens of percent) left the profile off by that much.
      if (seen > 0) pr.level += (Math.min(1, dt / pr.tau) || 0) * rc;
      const eta = Math.max(pr.eta, 1 / (seen + 1));
      // Not clipped: a clipped step could take days to correct a profile learned while the level settled.
      if (this.ref > 0) {
        pr.p[b] = pr.p[b]! + (eta * rk) / this.ref;
        pr.pBits[b] = round24(pr.pBits[b]!);
      }
      const ar = rk < 0 ? -rk : rk;
      const arc = !young && sk > 0 && ar > CLIP * sk ? CLIP * sk : ar;
      pr.scale += aS * (arc * SQRT_HALF_PI - pr.scale);
      const span = pr.m.length * pr.mWidth;
      const seenM = Math.floor((t - this.t0) / span);
      if (seenM > 0 && s1 > 0) {
        const mi = this.mBuckets[k]!;
        const cur = pr.m[mi]! / MULT_ONE;
        const cycles = MULT_SECONDS / span;
        // per visit: a running mean over the bucket's visits so far, then a week's memory
        const aMult = (dt > 0 ? dt : this.step) / (pr.mWidth * (seenM < cycles ? seenM + 1 : cycles));
        const next = Math.round((cur + (aMult < 1 ? aMult : 1) * ((arc * SQRT_HALF_PI) / s1 - cur)) * MULT_ONE);
        pr.m[mi] = next < 1 ? 1 : next > MULT_MAX ? MULT_MAX : next;
      }
      // Error of the season only from its second cycle on (its first cycle only fills the profile), as a
      // running mean until that reaches the one-day memory: first-cycle errors kept it from being chosen
      // for days.
      const since = t - this.t0 - pr.period;
      if (since > 0) {
        const a = dt / since;
        const cm = MSE_CLIP * sk;
        const em = clipAt(rk, cm);
        const w = a > aM ? (a < 1 ? a : 1) : aM;
        pr.mse += w * (em * em - pr.mse);
        const eL = clipAt(r0, cm);
        pr.base += w * (eL * eL - pr.base);
      }
    }
    // Model choice: the seasonal candidate with the lowest error once it has seen 1.5 cycles, if it beats
    // the level-only model by 30% on the same points (and the current choice by 10%).
    if (!warm && !this.episode) {
      let best = -1;
      // Each season is judged against the level-only model on the same points (`base`): the level-only
      // error is an EW over a day from the first point, the season's a mean over its cycles since the
      // first, and on a zero-heavy series a spike or two in one and not the other chose a season that had
      // learned one spike as its profile (alarms each hour where the spike did not recur).
      let bestMse = Infinity;
      this.profiles.forEach((pr, k) => {
        if (t - this.t0 >= 1.5 * pr.period && pr.mse < 0.7 * pr.base && pr.mse < bestMse) {
          best = k;
          bestMse = pr.mse;
        }
      });
      if (best !== this.sel) {
        const cur = this.sel < 0 ? Infinity : this.profiles[this.sel]!.mse;
        if (bestMse < 0.9 * cur || (this.sel >= 0 && cur > 0.7 * this.profiles[this.sel]!.base)) this.sel = best;
      }
    }
    return score;
  }

  private closeEpisode(): void {
    this.episode = false;
    this.episodeStart = Number.NaN;
    this.aboveSince = Number.NaN;
    this.belowSince = Number.NaN;
  }

  /** Tail of one model from |z|: exceedance fraction and excess moments (learned from every point it
   * saw outside an episode and from each episode's first point, so a kind of spike that keeps coming
   * becomes normal, unlike SPOT, which never learns from alarms). */
  private learnTail(i: number, z: number): void {
    const a = z < 0 ? -z : z;
    const tb = 4 * i;
    const t = this.tail;
    const aZ = this.aZ;
    t[tb] = t[tb]! + aZ * ((a > U_TIE ? 1 : 0) - t[tb]!);
    if (a > U_TIE) {
      const y = a - U < 50 ? a - U : 50;
      const ne = ++t[tb + 3]!;
      const aE = 1 / Math.min(ne + PRIOR_N, 500);
      t[tb + 1] = t[tb + 1]! + aE * (y - t[tb + 1]!);
      t[tb + 2] = t[tb + 2]! + aE * (y * y - t[tb + 2]!);
    }
  }

  private gpdTail(tb: number, y: number): number {
    // Survival of the excess y under GPD(xi, sigma) from the moments (method of moments).
    const m1 = this.tail[tb + 1]!;
    const m2 = this.tail[tb + 2]!;
    const v = m2 - m1 * m1;
    const r2 = v > 0 ? (m1 * m1) / v : 1;
    // Few exceedances leave the shape uncertain: lean to the heavier tail by half a standard error.
    let xi = 0.5 * (1 - r2) + 0.5 / Math.sqrt(this.tail[tb + 3]! + PRIOR_N);
    xi = xi < -0.3 ? -0.3 : xi > 0.45 ? 0.45 : xi;
    const sigma = 0.5 * m1 * (1 + r2);
    if (!(sigma > 0)) return 0;
    if (Math.abs(xi) < 1e-6) return Math.exp(-y / sigma);
    const base = 1 + (xi * y) / sigma;
    return base > 0 ? Math.pow(base, -1 / xi) : 0;
  }

  /** |z| at which the point test reaches the threshold (for the band). */
  private zAt(thr: number, warm: boolean): number {
    const step = this.step > 0 ? this.step : 1;
    const tb = 4 * (this.sel + 1);
    const pTarget = (step / (2 * waitForScore(thr) * (warm ? WARM_PENALTY : 1))) / this.tail[tb]!;
    let lo = U;
    let hi = U + 1;
    while (this.gpdTail(tb, hi - U) > pTarget && hi < 1e6) hi *= 2;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (this.gpdTail(tb, mid - U) > pTarget) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** Feeds one sample and returns the full result. */
  update(t: number, x: number): AnomalyResult {
    const score = this.score(t, x);
    const detectors: DetectorName[] = [];
    if (!this.lastSkipped) {
      const wThr = waitForScore(this.thr) * 2;
      const tests: [DetectorName, number][] = [
        ['new_behaviour', this.lastNew ? this.lastWPoint : 0],
        ['point', this.lastNew ? 0 : this.lastWPoint],
        ['drift', this.lastWDrift],
      ];
      tests.sort((a, b) => b[1] - a[1]);
      for (const [name, w] of tests) if (w >= wThr) detectors.push(name);
    }
    const warm = !this.lastSkipped && this.lastT - this.t0 < this.o.warmupSeconds;
    const expected = this.lastExpected;
    const half = this.lastScale > 0 ? this.zAt(this.thr, warm) * this.lastScale : 0;
    return {
      score,
      anomaly: !this.lastSkipped && (this.episode || this.lastAlarm),
      alarm: this.lastAlarm,
      severity: severityFor(score, this.thr),
      detectors,
      expected,
      lower: expected - half,
      upper: expected + half,
      warmup: !this.ready,
      skipped: this.lastSkipped,
    };
  }

  toJSON(): AnomalyState {
    return {
      v: 2, opts: optsDiff(this.o), n: this.n, t0: this.t0, lastT: this.lastT, step: this.step, lastX: this.lastX, level: this.level, mse: this.mse, rFast: this.rFast, lrv: this.lrv, bSum: this.bSum, bN: this.bN, nBlocks: this.nBlocks, sel: this.sel,
      scale: this.scale, quantum: this.quantum, medDiff: this.medDiff, flatSince: this.flatSince, peak: this.peak, ref: this.ref, tail: b64(this.tail),
      cusPos: this.cusPos, cusNeg: this.cusNeg, episode: this.episode, episodeStart: this.episodeStart, aboveSince: this.aboveSince, belowSince: this.belowSince,
      profiles: this.profiles.map((p) => ({ period: p.period, width: p.width, p: pack24(p.pBits), level: p.level, scale: p.scale, mse: p.mse, m: b64(p.m), b: p.base })),
    };
  }

  private restore(s: AnomalyState): void {
    this.n = s.n;
    this.t0 = s.t0;
    this.lastT = s.lastT;
    this.step = s.step;
    this.lastX = s.lastX;
    this.level = s.level;
    this.mse = s.mse;
    this.rFast = s.rFast;
    this.lrv = s.lrv;
    this.bSum = s.bSum;
    this.bN = s.bN;
    this.nBlocks = s.nBlocks;
    this.sel = s.sel;
    this.scale = s.scale;
    this.quantum = s.quantum;
    this.medDiff = s.medDiff;
    this.flatSince = s.flatSince;
    this.peak = s.peak ?? Number.NaN;
    this.ref = s.ref ?? 1; // states saved before it existed hold profiles in the data's own units
    const tb = Buffer.from(s.tail, 'base64');
    this.tail = new Float64Array(16);
    new Uint8Array(this.tail.buffer).set(tb.subarray(0, 128));
    this.cusPos = s.cusPos;
    this.cusNeg = s.cusNeg;
    this.episode = s.episode;
    this.episodeStart = s.episodeStart;
    this.aboveSince = s.aboveSince;
    this.belowSince = s.belowSince;
    this.profiles = s.profiles.map((p) => {
      const def = CANDIDATES.find((x) => x.period === p.period)!;
      const arr = unpackProfile(Buffer.from(p.p, 'base64'), Math.round(p.period / p.width));
      const mWidth = multWidth(p.period, s.step);
      const m = newMult(p.period, mWidth);
      // (states saved before the scale by phase existed: every factor 1)
      if (p.m !== undefined) new Uint8Array(m.buffer).set(Buffer.from(p.m, 'base64').subarray(0, m.byteLength));
      return { period: p.period, width: p.width, eta: def.eta, tau: def.tau, on: -1, p: arr, pBits: new Uint32Array(arr.buffer), level: p.level, scale: p.scale, mse: p.mse, base: p.b ?? s.mse, m, mWidth };
    });
    const daily = this.profiles.findIndex((p) => p.period === 86_400);
    for (const p of this.profiles) if (p.period === 7 * 86_400) p.on = daily;
    if (this.sel >= this.profiles.length) this.sel = -1;
  }

  static fromJSON(state: unknown): OnlineAnomalyDetector {
    return new OnlineAnomalyDetector({}, parseState(state));
  }
}

/** Only the options that differ from the defaults (keeps the state small). */
function optsDiff(o: Opts): Opts {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (DEFAULTS[k as keyof Opts] !== v) out[k] = v;
  return out as Opts;
}

/** Inverse of scoreForWait. */
export function waitForScore(score: number): number {
  return HOUR * (YEAR / HOUR) ** score;
}

function parseState(x: unknown): AnomalyState {
  const bad = (field: string, why: string): never => {
    throw new Error(`anomaly state: field '${field}' ${why}`);
  };
  if (typeof x !== 'object' || x === null) bad('(root)', 'must be an object');
  const o = x as Record<string, unknown>;
  if (o.v !== 2) bad('v', `must be 2 (got ${String(o.v)}; state of an older detector version is not reused)`);
  // JSON turns NaN / -Infinity into null: restore them.
  const nums = ['n', 'step', 'level', 'mse', 'rFast', 'lrv', 'bSum', 'bN', 'nBlocks', 'sel', 'scale', 'quantum', 'medDiff', 'cusPos', 'cusNeg'];
  for (const k of nums) if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) bad(k, 'must be a finite number');
  const st = { ...(o as unknown as AnomalyState) };
  for (const k of ['t0', 'lastX', 'flatSince', 'episodeStart', 'aboveSince', 'belowSince', 'peak'] as const) {
    if (k === 'peak' && o[k] === undefined) continue;
    if (o[k] === null) st[k] = Number.NaN;
    else if (typeof o[k] !== 'number') bad(k, 'must be a number or null');
  }
  if (o.ref !== undefined && !(typeof o.ref === 'number' && Number.isFinite(o.ref) && o.ref >= 0)) bad('ref', 'must be a finite number >= 0');
  if (o.lastT === null) st.lastT = -Infinity;
  else if (typeof o.lastT !== 'number') bad('lastT', 'must be a number or null');
  if (typeof o.episode !== 'boolean') bad('episode', 'must be a boolean');
  if (typeof o.tail !== 'string' || Buffer.from(o.tail, 'base64').byteLength !== 128) bad('tail', 'must be 16 float64 in base64');
  if (typeof o.opts !== 'object' || o.opts === null) bad('opts', 'must be an object');
  if (!Array.isArray(o.profiles)) bad('profiles', 'must be an array');
  (o.profiles as unknown[]).forEach((p, i) => {
    const q = p as Record<string, unknown>;
    if (typeof q !== 'object' || q === null || !CANDIDATES.some((s) => s.period === q.period) || typeof q.p !== 'string' || typeof q.width !== 'number' || typeof q.level !== 'number' || typeof q.scale !== 'number' || typeof q.mse !== 'number') {
      bad(`profiles[${i}]`, 'must be {period, width, p, level, scale, mse}');
    }
    if (q.b !== undefined && !(typeof q.b === 'number' && Number.isFinite(q.b) && q.b >= 0)) bad(`profiles[${i}].b`, 'must be a finite number >= 0');
    const pb = Buffer.from(q.p as string, 'base64').byteLength;
    const nb = Math.round((q.period as number) / (q.width as number));
    if (pb !== 3 * nb && pb !== 4 * nb) bad(`profiles[${i}].p`, 'must hold one 24-bit (or, saved before, 32-bit) float per bucket');
    if (q.m !== undefined && (typeof q.m !== 'string' || Buffer.from(q.m, 'base64').byteLength !== 2 * newMult(q.period as number, multWidth(q.period as number, o.step as number)).length)) bad(`profiles[${i}].m`, 'must hold one uint16 per phase bucket');
  });
  return st;
}

/** v with |v| at most c; unchanged while there is no scale yet (c = 0: clipping would zero it). */
function clipAt(v: number, c: number): number {
  return c > 0 ? (v > c ? c : v < -c ? -c : v) : v;
}

/** Width of a scale-by-phase bucket: 5 min of the hour, 1 h of the day (the weekly model uses the day's
 * phase too: a week of hourly factors would take weeks to learn); never finer than the step. */
function multWidth(period: number, step: number): number {
  const w = period <= 3600 ? 300 : 3600;
  return step > w ? step : w;
}

function newMult(period: number, width: number): Uint16Array {
  const span = period < 86_400 ? period : 86_400;
  return new Uint16Array(Math.max(1, Math.round(span / width))).fill(MULT_ONE);
}

/** A float32 (as its bits) rounded to its top 24 bits: 15 bits of mantissa, a relative error below 2^-16.
 * Every learned profile value is kept so, in memory too, so that a saved state (3 bytes a bucket, not 4:
 * the profiles are most of the state) continues exactly as the detector it came from. A profile moves by
 * eta x the residual per visit, so only a season 1e4 times its noise loses a step to the rounding. */
function round24(bits: number): number {
  return ((bits + 0x80) & 0xffffff00) >>> 0;
}

function pack24(bits: Uint32Array): string {
  const out = Buffer.alloc(3 * bits.length);
  for (let i = 0; i < bits.length; i++) {
    const v = bits[i]!;
    out[3 * i] = (v >>> 8) & 0xff;
    out[3 * i + 1] = (v >>> 16) & 0xff;
    out[3 * i + 2] = v >>> 24;
  }
  return out.toString('base64');
}

/** Profile from its saved bytes: 3 a bucket, or 4 (a float32) in states saved before, rounded on load. */
function unpackProfile(b: Buffer, n: number): Float32Array {
  const p = new Float32Array(n);
  const bits = new Uint32Array(p.buffer);
  if (b.byteLength === 4 * n) {
    new Uint8Array(p.buffer).set(b);
    for (let i = 0; i < n; i++) bits[i] = round24(bits[i]!);
  } else for (let i = 0; i < n; i++) bits[i] = ((b[3 * i]! << 8) | (b[3 * i + 1]! << 16) | (b[3 * i + 2]! << 24)) >>> 0;
  return p;
}
