// Reading a `timestamp,value` CSV for a CLI command (a file, or `-` for stdin): malformed lines are
// reported with their line numbers and the command exits 1, so no half-read file is scored.
import { open, readFile } from 'node:fs/promises';
import { parseSeriesCsv, type CsvIssue, type CsvRow } from '../io/csv.js';

/**
 * A data file ('-' = stdin) in pieces that each end with a line break (the last one at the end of the
 * input), read through one reused buffer: a large file is never in memory whole, and a file's pages cost
 * about as much to fault in as to parse. Each piece is a view on that buffer, valid until the next one is
 * asked for. A line longer than the buffer grows it.
 */
export async function* linePieces(path: string, size = 1 << 20): AsyncGenerator<Uint8Array, void, undefined> {
  const fh = path === '-' ? undefined : await open(path, 'r');
  const stdin = fh ? undefined : (process.stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  let rest: Buffer = Buffer.alloc(0); // what is left of stdin's last chunk
  const readInto = async (b: Buffer, at: number): Promise<number> => {
    if (fh) return (await fh.read(b, at, b.length - at, null)).bytesRead;
    if (rest.length === 0) {
      const r = await stdin!.next();
      if (r.done) return 0;
      rest = r.value;
    }
    const k = rest.copy(b, at);
    rest = rest.subarray(k);
    return k;
  };
  let buf = Buffer.allocUnsafe(size);
  let len = 0;
  try {
    for (let eof = false; !eof; ) {
      if (len === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
      const k = await readInto(buf, len);
      eof = k === 0;
      len += k;
      const end = eof ? len : buf.lastIndexOf(10, len - 1) + 1;
      if (end === 0) continue; // no whole line yet
      yield buf.subarray(0, end);
      buf.copyWithin(0, end, len);
      len -= end;
    }
  } finally {
    await fh?.close();
  }
}

/**
 * A data file ('-' = stdin) as one flat string, decoded at once (readFile's own utf8 decoding builds it
 * from chunks, and a large CSV then costs as much to flatten as to read).
 */
async function readText(path: string): Promise<string> {
  if (path !== '-') return (await readFile(path)).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A file's malformed lines on stderr, each with its line number (the first 20, then how many more). */
export function reportMalformed(input: string, issues: CsvIssue[]): void {
  for (const i of issues.slice(0, 20)) process.stderr.write(`${input}:${i.line}: ${i.message}\n`);
  if (issues.length > 20) process.stderr.write(`… and ${issues.length - 20} more malformed line(s)\n`);
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
    reportMalformed(input, issues);
    return 1;
  }
  return rows;
}
