// `foresight detect --input FILE.csv [--output F] [--json] [--warmup N] [--threshold X]`
// Scores each row online (the score of row i uses rows 0..i only) with the same detector the live
// scheduler uses; writes `timestamp,value,score,anomaly` (one row per input row) or JSON.
// Rows with an empty/NaN value or a timestamp that does not advance get score 0 and anomaly 0.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_THRESHOLD, OnlineAnomalyDetector } from '../../models/anomaly/detector.js';
import { csvField } from '../../io/csv.js';
import { readSeriesCsv } from '../series-input.js';

const USAGE = 'usage: foresight detect --input FILE.csv [--output FILE] [--json] [--warmup N] [--threshold 0..1]';

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
  const threshold = args.threshold !== undefined ? Number(args.threshold) : DEFAULT_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) {
    process.stderr.write(`foresight detect: --threshold must be in (0, 1] (got '${args.threshold}')\n`);
    return 2;
  }
  // Default warm-up: two days of 5-minute points, but never more than a quarter of a short file.
  const warmupPoints = args.warmup !== undefined ? Number(args.warmup) : Math.max(30, Math.min(576, Math.floor(rows.length / 4)));
  if (!(Number.isInteger(warmupPoints) && warmupPoints >= 8)) {
    process.stderr.write(`foresight detect: --warmup must be an integer >= 8 (got '${args.warmup}')\n`);
    return 2;
  }
  const det = new OnlineAnomalyDetector({ warmupPoints, threshold });
  const out: string[] = [];
  if (args.json) {
    const res = rows.map((r) => {
      const a = det.update(r.t, r.value);
      return {
        timestamp: r.tsText, value: Number.isFinite(r.value) ? r.value : null, score: a.score, anomaly: a.anomaly,
        severity: a.severity, detectors: a.detectors, expected: a.warmup || a.skipped ? null : a.expected,
        lower: a.warmup || a.skipped ? null : a.lower, upper: a.warmup || a.skipped ? null : a.upper, warmup: a.warmup,
      };
    });
    out.push(JSON.stringify({ warmupPoints, threshold, periodSeconds: det.periodSeconds, rows: res }));
  } else {
    out.push('timestamp,value,score,anomaly');
    for (const r of rows) {
      const s = det.score(r.t, r.value);
      out.push(`${csvField(r.tsText)},${csvField(r.valueText)},${s.toFixed(4)},${s >= threshold ? 1 : 0}`);
    }
  }
  const body = `${out.join('\n')}\n`;
  if (args.output) await writeFile(args.output, body);
  else process.stdout.write(body);
  return 0;
}
