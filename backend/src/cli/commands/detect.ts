// `foresight detect --input FILE.csv [--output F] [--json] [--warmup N] [--threshold X]`
// Scores each row online (the score of row i uses rows 0..i only) with the same detector the live
// scheduler uses; writes `timestamp,value,score,anomaly` (one row per input row) or JSON.
// Rows with an empty/NaN value or a timestamp that does not advance get score 0 and anomaly 0.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_THRESHOLD, OnlineAnomalyDetector } from '../../models/anomaly/detector.js';
import { csvField, parseSeriesCsv } from '../../io/csv.js';

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
  let text: string;
  try {
    text = args.input === '-' ? await readStdin() : await readFile(args.input, 'utf8');
  } catch (e) {
    process.stderr.write(`foresight detect: cannot read ${args.input}: ${(e as Error).message}\n`);
    return 1;
  }
  const { rows, issues } = parseSeriesCsv(text);
  if (issues.length) {
    for (const i of issues.slice(0, 20)) process.stderr.write(`${args.input}:${i.line}: ${i.message}\n`);
    if (issues.length > 20) process.stderr.write(`… and ${issues.length - 20} more malformed line(s)\n`);
    return 1;
  }
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

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}


