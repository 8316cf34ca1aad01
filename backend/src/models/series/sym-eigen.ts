// Eigen-decomposition of a small dense symmetric matrix: Householder reduction to tridiagonal form, then
// implicit QR steps with Wilkinson shifts (Golub & Van Loan, "Matrix Computations", 8.3). About five times
// fewer operations than cyclic Jacobi at n = 16, which the seasonal denoising runs twice per forecast.
import { scratchF64 } from './scratch.js';

/**
 * A0: n x n symmetric, row-major (not modified). Returns the eigenvalues (in no particular order) and
 * the eigenvectors as columns of a row-major n x n matrix: vecs[r * n + i] is row r of eigenvector i
 * (scratch arrays within a withScratch scope: series/scratch.ts).
 */
export function symmetricEigen(A0: Float64Array, n: number): { vals: Float64Array; vecs: Float64Array } {
  const A = scratchF64(n * n);
  A.set(A0.subarray(0, n * n));
  const V = scratchF64(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  tridiagonalize(A, V, n);
  tridiagonalQr(A, V, n);
  const vals = scratchF64(n);
  for (let i = 0; i < n; i++) vals[i] = A[i * n + i]!;
  return { vals, vecs: V };
}

/** A <- H A H for Householder reflections H zeroing each column below its subdiagonal; V <- V H. */
function tridiagonalize(A: Float64Array, V: Float64Array, n: number): void {
  const v = scratchF64(n);
  const p = scratchF64(n);
  for (let k = 0; k < n - 2; k++) {
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += A[i * n + k]! ** 2;
    const below = norm2 - A[(k + 1) * n + k]! ** 2;
    if (below <= 0) continue; // already tridiagonal in this column
    const x0 = A[(k + 1) * n + k]!;
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    v.fill(0);
    v[k + 1] = x0 - alpha;
    for (let i = k + 2; i < n; i++) v[i] = A[i * n + k]!;
    let vv = 0;
    for (let i = k + 1; i < n; i++) vv += v[i]! * v[i]!;
    if (vv === 0) continue;
    const beta = 2 / vv;
    // H A H = A - v w' - w v', with p = beta A v, K = beta v'p / 2, w = p - K v.
    // Rows and columns before k are already reduced (zero against v), so only the block from k changes.
    let vp = 0;
    for (let i = k; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += A[i * n + j]! * v[j]!;
      p[i] = beta * s;
      vp += v[i]! * p[i]!;
    }
    const K = (beta * vp) / 2;
    for (let i = k; i < n; i++) p[i]! -= K * v[i]!; // p is now w
    for (let i = k; i < n; i++) {
      for (let j = k; j < n; j++) A[i * n + j]! -= v[i]! * p[j]! + p[i]! * v[j]!;
    }
    // V <- V H = V - beta (V v) v'.
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += V[r * n + j]! * v[j]!;
      s *= beta;
      for (let j = k + 1; j < n; j++) V[r * n + j]! -= s * v[j]!;
    }
  }
}

/** Diagonalises the tridiagonal T (dense storage) in place by implicit shifted QR; V <- V G per rotation. */
function tridiagonalQr(T: Float64Array, V: Float64Array, n: number): void {
  const at = (i: number, j: number): number => T[i * n + j]!;
  const set = (i: number, j: number, x: number): void => {
    T[i * n + j] = x;
  };
  let q = n - 1;
  for (let iter = 0; q > 0 && iter < 60 * n; iter++) {
    // Deflate: negligible subdiagonals become zero; q is the end of the unreduced block at the bottom.
    for (let i = 0; i < q; i++) {
      if (Math.abs(at(i + 1, i)) <= 1e-14 * (Math.abs(at(i, i)) + Math.abs(at(i + 1, i + 1)))) {
        set(i + 1, i, 0);
        set(i, i + 1, 0);
      }
    }
    while (q > 0 && at(q, q - 1) === 0) q--;
    if (q === 0) break;
    let p = q - 1;
    while (p > 0 && at(p, p - 1) !== 0) p--;
    // Wilkinson shift from the block's trailing 2 x 2.
    const d = (at(q - 1, q - 1) - at(q, q)) / 2;
    const b = at(q, q - 1);
    const mu = at(q, q) - (b * b) / (d + (d >= 0 ? 1 : -1) * Math.hypot(d, b));
    let x = at(p, p) - mu;
    let z = at(p + 1, p);
    for (let k = p; k < q; k++) {
      // Givens rotation G (c, s) with [c s; -s c]' [x; z] = [r; 0].
      let c = 1;
      let s = 0;
      if (z !== 0) {
        if (Math.abs(z) > Math.abs(x)) {
          const t = -x / z;
          s = 1 / Math.sqrt(1 + t * t);
          c = s * t;
        } else {
          const t = -z / x;
          c = 1 / Math.sqrt(1 + t * t);
          s = c * t;
        }
      }
      // T <- G' T G on rows and columns k, k + 1 (only the band around them is non-zero).
      const lo = Math.max(p, k - 1);
      const hi = Math.min(q, k + 2);
      for (let j = lo; j <= hi; j++) {
        const a = at(k, j);
        const bb = at(k + 1, j);
        set(k, j, c * a - s * bb);
        set(k + 1, j, s * a + c * bb);
      }
      for (let i = lo; i <= hi; i++) {
        const a = at(i, k);
        const bb = at(i, k + 1);
        set(i, k, c * a - s * bb);
        set(i, k + 1, s * a + c * bb);
      }
      for (let r = 0; r < n; r++) {
        const a = V[r * n + k]!;
        const bb = V[r * n + k + 1]!;
        V[r * n + k] = c * a - s * bb;
        V[r * n + k + 1] = s * a + c * bb;
      }
      if (k < q - 1) {
        x = at(k + 1, k);
        z = at(k + 2, k);
      }
    }
  }
}
