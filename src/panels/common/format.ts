// Small pure formatters shared by the panels (kept here so tests can check exact strings).

export function pct(ratio: number | null | undefined, digits = 2): string {
  return ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '—' : `${(ratio * 100).toFixed(digits)}%`;
}

/** 93784 → "1d 2h", 4000 → "1h 6m", 59 → "59s". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '—';
  }
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) {
    return `${d}d ${h}h`;
  }
  if (h > 0) {
    return `${h}h ${m}m`;
  }
  if (m > 0) {
    return `${m}m ${s % 60}s`;
  }
  return `${s}s`;
}

/** Unix ms → "2026-11-24 15:04 UTC" (UTC so screenshots and tests do not depend on the machine). */
export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    return '—';
  }
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Compact number with SI suffix for bytes and plain values: 1.5e9 → "1.50 G". */
export function compact(v: number | null | undefined, unit?: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) {
    return '—';
  }
  if (unit === 'percentunit') {
    return pct(v, 1);
  }
  const abs = Math.abs(v);
  const [div, suffix] =
    abs >= 1e12 ? [1e12, 'T'] : abs >= 1e9 ? [1e9, 'G'] : abs >= 1e6 ? [1e6, 'M'] : abs >= 1e3 ? [1e3, 'k'] : [1, ''];
  const u = unit === 'bytes' ? 'B' : unit && unit !== 'none' && unit !== 'short' ? unit : '';
  const num = (v / div).toFixed(div === 1 && Number.isInteger(v) ? 0 : 2);
  return `${num}${suffix || u ? ' ' : ''}${suffix}${u}`;
}

/** Linear scale: maps [d0, d1] onto [r0, r1]; a flat domain maps to the middle. */
export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) {
    return () => (r0 + r1) / 2;
  }
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** SVG path through the non-null points; a null starts a new segment. */
export function linePath(
  xs: readonly number[],
  ys: ReadonlyArray<number | null>,
  x: (v: number) => number,
  y: (v: number) => number
): string {
  let d = '';
  let pen = false;
  xs.forEach((t, i) => {
    const v = ys[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

/** Closed SVG area between lo and hi over the points where both exist (one polygon per run). */
export function bandPath(
  xs: readonly number[],
  lo: ReadonlyArray<number | null>,
  hi: ReadonlyArray<number | null>,
  x: (v: number) => number,
  y: (v: number) => number
): string {
  const runs: number[][] = [];
  let cur: number[] = [];
  xs.forEach((_, i) => {
    const ok = lo[i] !== null && hi[i] !== null && Number.isFinite(lo[i] as number) && Number.isFinite(hi[i] as number);
    if (ok) {
      cur.push(i);
    } else if (cur.length) {
      runs.push(cur);
      cur = [];
    }
  });
  if (cur.length) {
    runs.push(cur);
  }
  return runs
    .filter((r) => r.length > 1)
    .map((r) => {
      const top = r.map((i) => `${x(xs[i]!).toFixed(1)},${y(hi[i] as number).toFixed(1)}`);
      const bottom = [...r].reverse().map((i) => `${x(xs[i]!).toFixed(1)},${y(lo[i] as number).toFixed(1)}`);
      return `M${top.join('L')}L${bottom.join('L')}Z`;
    })
    .join('');
}
