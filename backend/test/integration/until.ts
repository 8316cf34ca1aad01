// Polls `f` until it returns a value (not undefined), for tests that wait on real servers. A throw counts as
// "not yet" (a server still starting); on timeout the error names what was awaited and the last failure.
export async function until<T>(what: string, f: () => Promise<T | undefined>, o: { ms: number; everyMs: number }): Promise<T> {
  const end = Date.now() + o.ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${o.ms} ms waiting for ${what}${last ? ` (last: ${last instanceof Error ? last.message : String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, o.everyMs));
  }
}
