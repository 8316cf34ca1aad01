// Scratch arrays for the length of one model call (a forecast): zeroed views on a few large buffers,
// all given back when the outermost scope returns. Why: in a process with V8's default (concurrent) GC,
// every fresh off-heap typed array (more than 8 values) costs 3-7 us of CPU in bookkeeping (0.3-0.9 us
// with --single-threaded); a forecast made ~100 of them, each used for microseconds. A view costs 0.1-0.2
// us. Outside a scope, and for large arrays, scratchF64 returns a fresh array. Only for arrays that do
// not outlive the scope: nothing a caller receives may be a view.
const CHUNK = 1 << 18; // values per buffer (2 MB)
const MAX_CHUNKS = 8; // a forecast of 10,000 points takes half of one; past 16 MB a scope gets fresh arrays

let depth = 0;
const chunks: Float64Array[] = [];
let chunk = 0; // the buffer in use
let used = 0; // values used in it

/** Runs f with scratch arrays available; those taken in it are reused once the outermost scope ends. */
export function withScratch<T>(f: () => T): T {
  if (depth++ === 0) {
    chunk = 0;
    used = 0;
  }
  try {
    return f();
  } finally {
    depth--;
  }
}

/** A zeroed Float64Array of n values: a view on the scope's buffers inside withScratch, else fresh. */
export function scratchF64(n: number): Float64Array {
  if (depth === 0 || n > CHUNK >> 3) return new Float64Array(n);
  if (used + n > CHUNK) {
    if (chunk + 1 === MAX_CHUNKS) return new Float64Array(n);
    chunk++;
    used = 0;
  }
  if (chunk === chunks.length) chunks.push(new Float64Array(CHUNK));
  const a = new Float64Array(chunks[chunk]!.buffer, used * 8, n);
  used += n;
  a.fill(0);
  return a;
}
