/**
 * How kernels are judged against the reference, and the reference against calculus: one error
 * measure and one finite difference, shared by the CPU tests and the GPU tests.
 */

/**
 * max_i |actual_i - expected_i| / max_i |expected_i|: the error relative to the tensor's scale,
 * so entries near zero are judged by the tensor's size, not their own. Infinity when the lengths
 * differ or when any value of either array is NaN or infinite: a NaN can never pass a tolerance.
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let maxDifference = 0;
  let maxExpected = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(e)) return Infinity;
    maxDifference = Math.max(maxDifference, Math.abs(a - e));
    maxExpected = Math.max(maxExpected, Math.abs(e));
  }
  if (maxDifference === 0) return 0;
  return maxExpected === 0 ? Infinity : maxDifference / maxExpected;
}

/** (f(x + h e_i) - f(x - h e_i)) / 2h, leaving x[i] as it was. */
export function centralDifference(f: () => number, x: Float64Array, i: number, step = 1e-5): number {
  const original = x[i]!;
  x[i] = original + step;
  const plus = f();
  x[i] = original - step;
  const minus = f();
  x[i] = original;
  return (plus - minus) / (2 * step);
}
