// `foresight forecast --input FILE.csv --horizon N [--season S] [--step SECONDS] [--output F] [--json]`
// One series (`timestamp,value`) or many (`series,timestamp,value`, the long format, detected from the
// column count) in one process. Samples are cleaned onto a regular grid (median spacing, or --step),
// seasons are found from the data (--season S, in steps, is a hint added to that search; 0 = none) and
// a backtest-chosen ensemble forecasts with 80/95% intervals. Output: `step,timestamp,forecast,lo80,
// hi80,lo95,hi95` (long input: `series,` first) in the input's timestamp style (ISO, Unix seconds or
// Unix milliseconds, as its first timestamp, per series in the long format). Bad input (a malformed
// line, a value beyond +-1e100, a single row without --step) is an error naming file and line; in
// the long format a bad series is reported and the others are still forecast, with exit code 1.
// Progress goes to stderr for batches of more than 100 series.
import { open, rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { MAX_ABS_VALUE } from '../../models/forecast/forecast.js';
import { forecastMany, forecastSeries, type SeriesForecast } from '../../models/forecast/series.js';
import { csvField, fmt, MS_ABOVE, parseSeriesCsv } from '../../io/csv.js';
import { LongCsvReader, looksLong } from '../../io/long-csv.js';
import { linePieces, reportMalformed } from '../series-input.js';

const USAGE = 'usage: foresight forecast --input FILE.csv --horizon N [--season S] [--step SECONDS] [--output FILE] [--json]\n' +
  '  FILE.csv: timestamp,value (one series) or series,timestamp,value (many series)';

const isUnix = (s: string): boolean => /^[+-]?[\d.]+([eE][+-]?\d+)?$/.test(s.trim());

/** How the input wrote its timestamps; the output writes them the same way. */
type TsStyle = 'iso' | 'seconds' | 'ms';

/** The style of a timestamp as written (numbers above MS_ABOVE are milliseconds, as the readers take them). */
function tsStyle(text: string): TsStyle {
  if (!isUnix(text)) return 'iso';
  return Math.abs(Number(text)) > MS_ABOVE ? 'ms' : 'seconds';
}

/** Unix seconds t written in a style (milliseconds rounded to whole ones, as ISO's are). */
function showTs(t: number, style: TsStyle): string {
  return style === 'iso' ? new Date(Math.round(t * 1000)).toISOString() : style === 'ms' ? String(Math.round(t * 1000)) : fmt(t);
}

function rowsOf(r: SeriesForecast, style: TsStyle, prefix: string): string[] {
  const { forecast: fc, origin, grid } = r;
  const out: string[] = [];
  for (let i = 0; i < fc.mean.length; i++) {
    const ts = showTs(origin + (i + 1) * grid.step, style);
    out.push(`${prefix}${i + 1},${ts},${fmt(fc.mean[i]!)},${fmt(fc.lo80[i]!)},${fmt(fc.hi80[i]!)},${fmt(fc.lo95[i]!)},${fmt(fc.hi95[i]!)}`);
  }
  return out;
}

function jsonOf(r: SeriesForecast, style: TsStyle): Record<string, unknown> {
  const { forecast: fc, origin, grid } = r;
  return {
    model: fc.model, members: fc.members, seasons: fc.seasons, period: fc.period, stepSeconds: grid.step, params: fc.params, sigma: fc.sigma, notes: fc.notes,
    cleaning: grid.report,
    points: Array.from(fc.mean, (m, i) => {
      return { step: i + 1, timestamp: showTs(origin + (i + 1) * grid.step, style), forecast: m, lo80: fc.lo80[i], hi80: fc.hi80[i], lo95: fc.lo95[i], hi95: fc.hi95[i] };
    }),
  };
}

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
        step: { type: 'string' },
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
  const step = args.step !== undefined ? Number(args.step) : undefined;
  if (step !== undefined && !(Number.isFinite(step) && step > 0)) {
    process.stderr.write(`foresight forecast: --step must be a positive number of seconds (got '${args.step}')\n`);
    return 2;
  }
  const opts = { horizon, season, step };
  const say = (s: string): void => void process.stderr.write(`foresight forecast: ${s}\n`);
  // The input is read in pieces; its first data line tells the format. A long file (many series) is
  // parsed piece by piece from its bytes; a two-column file (one series) is gathered and read as text.
  const reader = new LongCsvReader();
  let long: boolean | undefined;
  const head: Buffer[] = []; // copies (the buffer is reused) of a two-column file, or of the pieces before the first data line
  try {
    for await (const piece of linePieces(args.input)) {
      if (long === undefined) long = looksLong(Buffer.from(piece.buffer, piece.byteOffset, piece.length).toString('utf8'));
      if (long !== true) head.push(Buffer.from(piece));
      else {
        for (const p of head.splice(0)) reader.feed(p); // comment lines before the first data line
        reader.feed(piece);
      }
    }
  } catch (e) {
    process.stderr.write(`foresight forecast: cannot read ${args.input}: ${(e as Error).message}\n`);
    return 1;
  }
  if (long === true) {
    const { series, issues } = reader.finish();
    if (issues.length) {
      reportMalformed(args.input, issues);
      return 1;
    }
    if (series.length === 0) {
      say(`${args.input} has no data rows`);
      return 1;
    }
    // Forecast and write in chunks: memory and garbage stay flat however many series (a batch of
    // 2,000 x 288 steps spent a sixth of its time collecting the whole output as one string).
    const t0 = Date.now();
    let lastReport = t0;
    const sink = await openSink(args.output);
    let failed = 0;
    let first = true;
    try {
      await sink.write(args.json ? '{"series":[' : 'series,step,timestamp,forecast,lo80,hi80,lo95,hi95\n');
      for (let from = 0; from < series.length; from += CHUNK) {
        const part = series.slice(from, from + CHUNK);
        const results = forecastMany(part, opts, (done) => {
          const now = Date.now();
          const total = series.length;
          if (total > 100 && (now - lastReport > 1000 || from + done === total)) {
            lastReport = now;
            say(`${from + done}/${total} series (${((1000 * (from + done)) / Math.max(1, now - t0)).toFixed(0)}/s)`);
          }
        });
        let chunk = '';
        results.forEach((r, i) => {
          const src = part[i]!;
          if (!r.ok) {
            process.stderr.write(`${args.input}:${src.line}: series '${r.key}': ${r.error}\n`);
            failed++;
            return;
          }
          const style = tsStyle(src.tsText);
          if (args.json) chunk += `${first ? '' : ','}${JSON.stringify({ series: r.key, ...jsonOf(r.result, style) })}`;
          else chunk += `${rowsOf(r.result, style, `${csvField(r.key)},`).join('\n')}\n`;
          first = false;
        });
        await sink.write(chunk);
      }
      await sink.write(args.json ? ']}\n' : '');
      await sink.close();
    } catch (e) {
      await sink.abort();
      throw e;
    }
    if (failed) {
      say(`${failed} of ${series.length} series could not be forecast (see above); the others are in the output`);
      return 1;
    }
    return 0;
  }
  const { rows, issues } = parseSeriesCsv(Buffer.concat(head).toString('utf8'));
  if (issues.length) {
    reportMalformed(args.input, issues);
    return 1;
  }
  const huge = rows.find((r) => Number.isFinite(r.value) && Math.abs(r.value) > MAX_ABS_VALUE);
  if (huge) {
    process.stderr.write(`${args.input}:${huge.line}: value ${huge.valueText} is beyond +-${MAX_ABS_VALUE}: too large to forecast without overflow (rescale the series)\n`);
    return 1;
  }
  let r: SeriesForecast;
  try {
    r = forecastSeries(rows.map((x) => x.t), rows.map((x) => x.value), opts);
  } catch (e) {
    say(`${args.input}: ${(e as Error).message}`);
    return 1;
  }
  const style = rows.length > 0 ? tsStyle(rows[0]!.tsText) : 'seconds';
  const body = args.json ? `${JSON.stringify(jsonOf(r, style))}\n` : `${['step,timestamp,forecast,lo80,hi80,lo95,hi95', ...rowsOf(r, style, '')].join('\n')}\n`;
  for (const n of r.forecast.notes) say(n);
  const sink = await openSink(args.output);
  await sink.write(body);
  await sink.close();
  return 0;
}

const CHUNK = 200; // series forecast and written at a time

/**
 * Where the output goes: stdout (written as it comes, with backpressure), or a file written under a
 * temporary name and renamed into place at the end, so a failed run never leaves half a forecast there.
 */
async function openSink(output: string | undefined): Promise<{ write(s: string): Promise<void>; close(): Promise<void>; abort(): Promise<void> }> {
  if (!output) {
    return {
      write: (s) => new Promise<void>((res) => (s === '' || process.stdout.write(s) ? res() : process.stdout.once('drain', () => res()))),
      close: async () => undefined,
      abort: async () => undefined,
    };
  }
  const tmp = `${output}.partial-${process.pid}`;
  const fh = await open(tmp, 'w');
  return {
    write: async (s) => {
      if (s) await fh.write(s);
    },
    close: async () => {
      await fh.close();
      await rename(tmp, output);
    },
    abort: async () => {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
    },
  };
}
