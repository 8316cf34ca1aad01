import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symmetricEigen } from '../../src/models/series/sym-eigen.js';
import { rng } from '../../eval/lib/rng.js';

test('symmetricEigen: A V = V diag(vals) and V orthonormal, on dense, badly scaled, tridiagonal and rank-deficient matrices', () => {
  const r = rng(3);
  for (let trial = 0; trial < 800; trial++) {
    const n = 1 + Math.floor(r() * 20);
    const A = new Float64Array(n * n);
    const kind = trial % 4;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = kind === 0 ? r.gauss() : kind === 1 ? (i === j ? r.gauss() * 100 : r.gauss() * 1e-6) : kind === 2 ? (Math.abs(i - j) <= 1 ? r.gauss() : 0) : Math.round(r.gauss());
        A[i * n + j] = v;
        A[j * n + i] = v;
      }
    }
    if (kind === 3 && n > 3) {
      // Two equal rows and columns: a zero eigenvalue.
      for (let j = 0; j < n; j++) {
        A[n + j] = A[j]!;
        A[j * n + 1] = A[j * n]!;
      }
      A[n + 1] = A[0]!;
    }
    const { vals, vecs } = symmetricEigen(A, n);
    let scale = 0;
    for (const x of A) scale = Math.max(scale, Math.abs(x));
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < n; c++) {
        let av = 0;
        let vv = 0;
        for (let k = 0; k < n; k++) {
          av += A[i * n + k]! * vecs[k * n + c]!;
          vv += vecs[k * n + i]! * vecs[k * n + c]!;
        }
        assert.ok(Math.abs(av - vals[c]! * vecs[i * n + c]!) <= 1e-9 * (scale || 1), `trial ${trial}: A v != lambda v`);
        assert.ok(Math.abs(vv - (i === c ? 1 : 0)) <= 1e-9, `trial ${trial}: V not orthonormal`);
      }
    }
  }
});
