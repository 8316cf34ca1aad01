// How a share of an SLO window with data reads (pure: the panel and the e2e use the same words).

/** "0.8%" of a window; tiny shares keep one significant digit so they never read as 0%. */
export function coverageText(c: number): string {
  const p = c * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p.toPrecision(1)}%`;
}
