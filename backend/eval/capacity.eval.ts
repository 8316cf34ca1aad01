// Predictive disk alerts: Foresight's capacity forecast ("full within 24h") against the node-mixin's
// NodeFilesystemSpaceFillingUp rules on the same synthetic disks (no disk data in ../shared/datasets):
//   warning : avail% < 40 and predict_linear(avail[6h], 24h) < 0, for 1h
//   critical: avail% < 20 and predict_linear(avail[6h], 4h) < 0, for 1h
// predict_linear is Prometheus' formula (least squares over the window, extrapolated from the evaluation
// time). Every method is evaluated every 30 min on the history up to then. A warning episode is true when
// it is still firing when the disk fills (it never cleared before the fill); every episode that cleared
// (or fired on a disk that never fills) is a false warning. Lead time: fill time minus the true episode's start.
import { capacity } from '../src/models/capacity/capacity.js';
import { table } from './lib/metrics.js';
import { rng } from './lib/rng.js';

const STEP = 600; // 10-min samples
const DAY = 86_400;
const EVERY = 1800; // rule/forecast evaluation cadence
const SIZE = 100e9;

interface Scenario {
  name: string;
  days: number;
  /** used fraction of the disk at time t (seconds), before noise */
  used(t: number): number;
}

const clamp = (x: number) => Math.min(1, Math.max(0, x));
const daily = (t: number) => Math.sin((2 * Math.PI * (t - DAY / 4)) / DAY); // peaks mid-day
const SCENARIOS: Scenario[] = [
  { name: 'fast fill 30%/day', days: 8, used: (t) => clamp(t < 3 * DAY ? 0.2 : 0.2 + (0.3 * (t - 3 * DAY)) / DAY) },
  { name: 'steady fill 5%/day', days: 14, used: (t) => clamp(0.4 + (0.05 * t) / DAY) },
  { name: 'slow fill 1%/day (no fill)', days: 14, used: (t) => clamp(0.62 + (0.01 * t) / DAY) },
  { name: 'daily cycle ±15%, flat', days: 14, used: (t) => clamp(0.6 + 0.15 * daily(t)) },
  { name: 'daily cycle ±10% + 4%/day', days: 14, used: (t) => clamp(0.4 + 0.1 * daily(t) + (0.04 * t) / DAY) },
  // Fills 40% a day, a nightly cleanup job frees it all again: never full.
  { name: 'nightly cleanup, 45→85%', days: 14, used: (t) => clamp(0.45 + 0.4 * ((t % DAY) / DAY)) },
  // The same until the cleanup job breaks on day 8: then it fills.
  { name: 'cleanup stops on day 8', days: 14, used: (t) => clamp(t < 8 * DAY ? 0.45 + 0.4 * ((t % DAY) / DAY) : 0.45 + (0.4 * (t - 8 * DAY)) / DAY) },
  // A 3-hour log burst (+6%/h) on day 5 that stops and is cleaned up a day later.
  { name: 'log burst, cleaned next day', days: 10, used: (t) => clamp(0.5 + (t > 5 * DAY && t < 6 * DAY ? Math.min(0.18, (0.06 * (t - 5 * DAY)) / 3600) : 0)) },
];

/** Prometheus' predict_linear: least-squares line through (t, v) in (at - window, at], value at `at + ahead`. */
function predictLinear(ts: Float64Array, vs: Float64Array, end: number, window: number, ahead: number): number | undefined {
  let n = 0, st = 0, sv = 0, stt = 0, stv = 0;
  for (let i = end; i >= 0 && ts[i]! > ts[end]! - window; i--) {
    const x = ts[i]! - ts[end]!;
    n++; st += x; sv += vs[i]!; stt += x * x; stv += x * vs[i]!;
  }
  if (n < 2) return undefined;
  const slope = (n * stv - st * sv) / (n * stt - st * st);
  const intercept = sv / n - (slope * st) / n;
  return intercept + slope * ahead;
}

type Method = 'foresight (full within 24h, for 10m)' | 'node-mixin warning (6h→24h, <40%, for 1h)' | 'node-mixin critical (6h→4h, <20%, for 1h)';
const METHODS: Method[] = ['foresight (full within 24h, for 10m)', 'node-mixin warning (6h→24h, <40%, for 1h)', 'node-mixin critical (6h→4h, <20%, for 1h)'];
const FOR: Record<Method, number> = { 'foresight (full within 24h, for 10m)': 600, 'node-mixin warning (6h→24h, <40%, for 1h)': 3600, 'node-mixin critical (6h→4h, <20%, for 1h)': 3600 };

export default async function run(): Promise<void> {
  const rows: (string | number)[][] = [];
  const totals = new Map<Method, { fills: number; caught: number; lead: number[]; falses: number }>(METHODS.map((m) => [m, { fills: 0, caught: 0, lead: [], falses: 0 }]));
  SCENARIOS.forEach((sc, si) => {
    const r = rng(100 + si);
    const n = Math.round((sc.days * DAY) / STEP);
    const ts = new Float64Array(n);
    const avail = new Float64Array(n);
    const used = new Float64Array(n);
    let fillAt: number | undefined;
    for (let i = 0; i < n; i++) {
      ts[i] = i * STEP;
      const u = clamp(sc.used(ts[i]!) + 0.002 * r.gauss());
      used[i] = u * SIZE;
      avail[i] = (1 - u) * SIZE;
      if (fillAt === undefined && u >= 0.999) fillAt = ts[i];
    }
    const warmup = 2 * DAY; // both need history; Foresight reads 2 days, the mixin 6 h
    for (const m of METHODS) {
      const episodes: { start: number; end?: number }[] = [];
      let pendingSince: number | undefined;
      let firing = false;
      for (let at = warmup; at < (fillAt ?? sc.days * DAY); at += EVERY) {
        const end = Math.floor(at / STEP);
        let cond: boolean;
        if (m.startsWith('foresight')) {
          const from = Math.max(0, end - Math.round((2 * DAY) / STEP) + 1);
          const c = capacity(ts.subarray(from, end + 1), used.subarray(from, end + 1), { threshold: SIZE, horizonSeconds: 2 * DAY, step: STEP });
          cond = c.secondsToThreshold !== null && c.secondsToThreshold <= DAY;
        } else {
          const critical = m.includes('critical');
          const pct = (avail[end]! / SIZE) * 100;
          const p = predictLinear(ts, avail, end, 6 * 3600, (critical ? 4 : 24) * 3600);
          cond = pct < (critical ? 20 : 40) && p !== undefined && p < 0;
        }
        if (!cond) {
          if (firing) episodes[episodes.length - 1]!.end = at;
          pendingSince = undefined;
          firing = false;
          continue;
        }
        pendingSince ??= at;
        if (!firing && at - pendingSince >= FOR[m]) {
          firing = true;
          episodes.push({ start: at });
        }
      }
      const last = episodes.at(-1);
      const trueEp = fillAt !== undefined && last && last.end === undefined ? last : undefined;
      const falses = episodes.length - (trueEp ? 1 : 0);
      const lead = fillAt !== undefined && trueEp ? (fillAt - trueEp.start) / 3600 : undefined;
      const tot = totals.get(m)!;
      if (fillAt !== undefined) {
        tot.fills++;
        if (lead !== undefined) {
          tot.caught++;
          tot.lead.push(lead);
        }
      }
      tot.falses += falses;
      rows.push([sc.name, fillAt === undefined ? 'never' : `day ${(fillAt / DAY).toFixed(1)}`, m, lead === undefined ? (fillAt === undefined ? '-' : 'missed') : lead.toFixed(1), String(falses)]);
    }
  });
  process.stdout.write('Disk-fill scenarios (100 GB disk, 10-min samples, noise 0.2%), evaluated every 30 min\n\n');
  process.stdout.write(table(['scenario', 'fills', 'method', 'warning lead (h)', 'false warnings'], rows));
  process.stdout.write('\n\nSummary\n\n');
  process.stdout.write(
    table(
      ['method', 'fills warned', 'median lead (h)', 'false warnings'],
      METHODS.map((m) => {
        const t = totals.get(m)!;
        const lead = [...t.lead].sort((a, b) => a - b);
        return [m, `${t.caught}/${t.fills}`, lead.length ? lead[Math.floor(lead.length / 2)]!.toFixed(1) : '-', String(t.falses)];
      }),
    ),
  );
  process.stdout.write('\n');
}
