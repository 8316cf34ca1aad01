// Minimal Nelder-Mead simplex minimiser for a handful of unconstrained parameters (callers map them
// into their valid ranges). Deterministic; stops after `maxEvals` or when the simplex values agree.
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, o: { step?: number; maxEvals?: number; tol?: number } = {}): { x: Float64Array; fx: number; evals: number } {
  const d = x0.length;
  const step = o.step ?? 0.8;
  const maxEvals = o.maxEvals ?? 150;
  const tol = o.tol ?? 1e-7;
  const pts: Float64Array[] = [];
  const vals: number[] = [];
  let evals = 0;
  const ev = (x: Float64Array): number => {
    evals++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  for (let i = 0; i <= d; i++) {
    const p = Float64Array.from(x0);
    if (i > 0) p[i - 1]! += step;
    pts.push(p);
    vals.push(ev(p));
  }
  const order = Array.from({ length: d + 1 }, (_, i) => i);
  const centroid = new Float64Array(d);
  // Trial points are written into two spare vectors; a trial that replaces the worst point swaps with
  // it (a fresh array per trial was ~160 allocations a fit).
  let spare1: Float64Array = new Float64Array(d);
  let spare2: Float64Array = new Float64Array(d);
  const trial = (c: number, worst: Float64Array, p: Float64Array): Float64Array => {
    for (let j = 0; j < d; j++) p[j] = centroid[j]! + c * (worst[j]! - centroid[j]!);
    return p;
  };
  while (evals < maxEvals) {
    // Insertion sort of d + 1 (<= 7) indices: cheaper than Array.sort with a comparator, called every step.
    for (let i = 1; i <= d; i++) {
      const x = order[i]!;
      let j = i - 1;
      while (j >= 0 && vals[order[j]!]! > vals[x]!) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
    const best = order[0]!;
    const worst = order[d]!;
    const second = order[d - 1]!;
    if (Math.abs(vals[worst]! - vals[best]!) <= tol * (Math.abs(vals[best]!) + 1e-12)) break;
    centroid.fill(0);
    for (let r = 0; r < d; r++) {
      const p = pts[order[r]!]!;
      for (let j = 0; j < d; j++) centroid[j]! += p[j]! / d;
    }
    const old = pts[worst]!;
    const xr = trial(-1, old, spare1);
    const fr = ev(xr);
    if (fr < vals[best]!) {
      const xe = trial(-2, old, spare2);
      const fe = ev(xe);
      if (fe < fr) {
        pts[worst] = xe;
        spare2 = old;
        vals[worst] = fe;
      } else {
        pts[worst] = xr;
        spare1 = old;
        vals[worst] = fr;
      }
    } else if (fr < vals[second]!) {
      pts[worst] = xr;
      spare1 = old;
      vals[worst] = fr;
    } else {
      const xc = trial(fr < vals[worst]! ? -0.5 : 0.5, old, spare2);
      const fc = ev(xc);
      if (fc < Math.min(fr, vals[worst]!)) {
        pts[worst] = xc;
        spare2 = old;
        vals[worst] = fc;
      } else {
        // Shrink towards the best point.
        for (let r = 1; r <= d; r++) {
          const i = order[r]!;
          for (let j = 0; j < d; j++) pts[i]![j] = pts[best]![j]! + 0.5 * (pts[i]![j]! - pts[best]![j]!);
          vals[i] = ev(pts[i]!);
        }
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= d; i++) if (vals[i]! < vals[bi]!) bi = i;
  return { x: pts[bi]!, fx: vals[bi]!, evals };
}
