// `foresight forecast --input FILE.csv --horizon N [--season S] [--output F] [--json]`
// Cleans the series onto a regular grid (median spacing; gaps interpolated, NaN dropped, unsorted rows
// sorted), fits the ETS family with automatic choice (robust line for short history) and writes
// `step,timestamp,forecast,lo80,hi80,lo95,hi95` for steps 1..N. --season is in steps (0 = none;
// default: detected). Timestamps are written in the input's style (ISO 8601 UTC or Unix seconds).
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { cleanSeries } from '../../models/series/clean.js';
import { forecast } from '../../models/forecast/forecast.js';
import { fmt } from '../../io/csv.js';
import { readSeriesCsv } from '../series-input.js';

const USAGE = 'usage: foresight forecast --input FILE.csv --horizon N [--season S] [--output FILE] [--json]';

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        input: { type: 'string', short: 'i' },
        output: { type: 'string', short: 'o' },
        horizon: { type: 'string' },
        season: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`foresight forecast: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!args.input || args.horizon === undefined) {
    process.stderr.write(`foresight forecast: --input and --horizon are required\n${USAGE}\n`);
    return 2;
  }
  const horizon = Number(args.horizon);
  if (!(Number.isInteger(horizon) && horizon >= 1 && horizon <= 1_000_000)) {
    process.stderr.write(`foresight forecast: --horizon must be an integer in 1..1000000 (got '${args.horizon}')\n`);
    return 2;
  }
  const season = args.season !== undefined ? Number(args.season) : undefined;
  if (season !== undefined && !(Number.isInteger(season) && season >= 0)) {
    process.stderr.write(`foresight forecast: --season must be a non-negative integer number of steps (got '${args.season}')\n`);
    return 2;
  }
  const rows = await readSeriesCsv('forecast', args.input);
  if (typeof rows === 'number') return rows;
  const grid = cleanSeries(rows.map((r) => r.t), rows.map((r) => r.value));
  if (grid.values.length === 0) {
    process.stderr.write(`foresight forecast: ${args.input} has no rows with a numeric value\n`);
    return 1;
  }
  const fc = forecast(grid.values, { horizon, season, stepSeconds: grid.step });
  const iso = rows.length > 0 && !/^[+-]?[\d.]+([eE][+-]?\d+)?$/.test(rows[0]!.tsText.trim());
  const last = grid.start + (grid.values.length - 1) * grid.step;
  const tsOut = (h: number): string => {
    const t = last + h * grid.step;
    return iso ? new Date(Math.round(t * 1000)).toISOString() : fmt(t);
  };
  let body: string;
  if (args.json) {
    body = JSON.stringify({
      model: fc.model, period: fc.period, stepSeconds: grid.step, params: fc.params, sigma: fc.sigma, notes: fc.notes,
      cleaning: grid.report,
      points: Array.from(fc.mean, (m, i) => ({ step: i + 1, timestamp: tsOut(i + 1), forecast: m, lo80: fc.lo80[i], hi80: fc.hi80[i], lo95: fc.lo95[i], hi95: fc.hi95[i] })),
    }) + '\n';
  } else {
    const out = ['step,timestamp,forecast,lo80,hi80,lo95,hi95'];
    for (let i = 0; i < horizon; i++) out.push(`${i + 1},${tsOut(i + 1)},${fmt(fc.mean[i]!)},${fmt(fc.lo80[i]!)},${fmt(fc.hi80[i]!)},${fmt(fc.lo95[i]!)},${fmt(fc.hi95[i]!)}`);
    body = `${out.join('\n')}\n`;
  }
  for (const n of fc.notes) process.stderr.write(`foresight forecast: ${n}\n`);
  if (args.output) await writeFile(args.output, body);
  else process.stdout.write(body);
  return 0;
}
