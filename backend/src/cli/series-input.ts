// Reading a `timestamp,value` CSV for a CLI command (a file, or `-` for stdin): malformed lines are
// reported with their line numbers and the command exits 1, so no half-read file is scored.
import { readFile } from 'node:fs/promises';
import { parseSeriesCsv, type CsvRow } from '../io/csv.js';

/** A data file's bytes ('-' = stdin). */
export async function readBytes(path: string): Promise<Buffer> {
  if (path !== '-') return readFile(path);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A data file as one flat string: decoded at once (readFile's own utf8 decoding builds it from chunks, and a large CSV then costs as much to flatten as to read). */
export async function readText(path: string): Promise<string> {
  return (await readBytes(path)).toString('utf8');
}

/** The parsed rows, or the exit code after the problem was written to stderr. */
export async function readSeriesCsv(command: string, input: string): Promise<CsvRow[] | number> {
  let text: string;
  try {
    text = await readText(input);
  } catch (e) {
    process.stderr.write(`foresight ${command}: cannot read ${input}: ${(e as Error).message}\n`);
    return 1;
  }
  const { rows, issues } = parseSeriesCsv(text);
  if (issues.length) {
    for (const i of issues.slice(0, 20)) process.stderr.write(`${input}:${i.line}: ${i.message}\n`);
    if (issues.length > 20) process.stderr.write(`… and ${issues.length - 20} more malformed line(s)\n`);
    return 1;
  }
  return rows;
}
