// `foresight detect --input FILE.csv [--output F] [--json] [--sensitivity low|medium|high] [--threshold X]
//   [--warmup SECONDS] [--min-duration SECONDS]`
// Scores each row online (the score of row i uses rows 0..i only) with the same detector the live
// scheduler uses; writes `timestamp,value,score,anomaly` (one row per input row) or JSON.
// Rows with an empty/NaN/±Inf value (`inf`, `-inf`, `Infinity` alike) or a timestamp that does not advance
// are skipped by the model: score 0, anomaly 0 and an empty value (NaN is never written).
// Empty or header-only input, or fewer than 10 usable rows, is an error (exit 1); input shorter than
// the warm-up gets a warning on stderr (only gross deviations can alarm before it ends).
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { OnlineAnomalyDetector, SENSITIVITIES, type Sensitivity } from '../../models/anomaly/detector.js';
import { csvField } from '../../io/csv.js';
import { readSeriesCsv } from '../series-input.js';

const USAGE = 'usage: foresight detect --input FILE.csv [--output FILE] [--json] [--sensitivity low|medium|high] [--threshold 0..1] [--warmup SECONDS] [--min-duration SECONDS]';
const MIN_ROWS = 10;

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        input: { type: 'string', short: 'i' },
        output: { type: 'string', short: 'o' },
        json: { type: 'boolean', default: false },
        warmup: { type: 'string' },
        threshold: { type: 'string' },
        sensitivity: { type: 'string' },
        'min-duration': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`foresight detect: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!args.input) {
    process.stderr.write(`foresight detect: --input is required\n${USAGE}\n`);
    return 2;
  }
  const rows = await readSeriesCsv('detect', args.input);
  if (typeof rows === 'number') return rows;
  const usable = rows.filter((r) => Number.isFinite(r.value) && Number.isFinite(r.t)).length;
  if (rows.length === 0) {
    process.stderr.write(`foresight detect: ${args.input} has no data rows (empty or header only)\n`);
    return 1;
  }
  if (usable < MIN_ROWS) {
    process.stderr.write(`foresight detect: ${args.input} has ${usable} row(s) with a finite value; at least ${MIN_ROWS} are needed to score anything\n`);
    return 1;
  }
  const sensitivity = (args.sensitivity ?? 'medium') as Sensitivity;
  if (!SENSITIVITIES.some((s) => s.name === sensitivity)) {
    process.stderr.write(`foresight detect: --sensitivity must be low, medium or high (got '${args.sensitivity}')\n`);
    return 2;
  }
  const threshold = args.threshold !== undefined ? Number(args.threshold) : undefined;
  if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) {
    process.stderr.write(`foresight detect: --threshold must be in (0, 1] (got '${args.threshold}')\n`);
    return 2;
  }
  const seconds = (name: string, v: string | undefined): number | undefined | null => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!(Number.isFinite(n) && n >= 0)) {
      process.stderr.write(`foresight detect: --${name} must be a number of seconds >= 0 (got '${v}')\n`);
      return null;
    }
    return n;
  };
  const warmupSeconds = seconds('warmup', args.warmup);
  const minDurationSeconds = seconds('min-duration', args['min-duration']);
  if (warmupSeconds === null || minDurationSeconds === null) return 2;
  const det = new OnlineAnomalyDetector({
    sensitivity,
    ...(threshold !== undefined ? { threshold } : {}),
    ...(warmupSeconds !== undefined ? { warmupSeconds } : {}),
    ...(minDurationSeconds !== undefined ? { minDurationSeconds } : {}),
  });
  const finiteT = rows.filter((r) => Number.isFinite(r.t)).map((r) => r.t);
  const span = finiteT.length ? Math.max(...finiteT) - Math.min(...finiteT) : 0;
  const warm = warmupSeconds ?? 86_400;
  if (span < warm) {
    process.stderr.write(`foresight detect: warning: ${args.input} covers ${Math.round(span)} s, less than the ${warm} s warm-up; only gross deviations can alarm and no season is modelled\n`);
  }
  const out: string[] = [];
  if (args.json) {
    const res = rows.map((r) => {
      const a = det.update(r.t, r.value);
      return {
        timestamp: r.tsText, value: Number.isFinite(r.value) ? r.value : null, score: a.score, anomaly: a.anomaly,
        alarm: a.alarm, severity: a.severity, detectors: a.detectors, expected: a.warmup || a.skipped ? null : a.expected,
        lower: a.warmup || a.skipped ? null : a.lower, upper: a.warmup || a.skipped ? null : a.upper, warmup: a.warmup,
      };
    });
    out.push(JSON.stringify({ sensitivity, threshold: det.threshold, warmupSeconds: warm, seasons: det.seasons, rows: res }));
  } else {
    out.push('timestamp,value,score,anomaly');
    for (const r of rows) {
      const s = det.score(r.t, r.value);
      const value = Number.isFinite(r.value) ? csvField(r.valueText) : '';
      out.push(`${csvField(r.tsText)},${value},${s.toFixed(4)},${det.inAnomaly ? 1 : 0}`);
    }
  }
  const body = `${out.join('\n')}\n`;
  if (args.output) await writeFile(args.output, body);
  else process.stdout.write(body);
  return 0;
}
