import type { CpuRuntime } from './runtime.ts';

/**
 * The fast CPU engine's own versions of two pointwise ops of model/reference whose cost there is
 * in the math library. GELU runs on the elementwise kernels (kernels-pointwise.ts) over every
 * thread, with the last N mod 4 elements here, in the same formula as the reference (ops.ts).
 * Rotary positions compute each position's angles once per call, not once per head and token.
 * The tests hold both to the reference.
 */

const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBE = 0.044715;

/** tanh(u) = 1 - 2 / (exp(2u) + 1), finite for every u (exp overflows to Infinity: tanh = 1). */
function tanh(u: number): number {
  return 1 - 2 / (Math.exp(2 * u) + 1);
}

/** out = gelu(inp) on N floats of the runtime's memory. */
export function geluForward(rt: CpuRuntime, out: Float32Array, inp: Float32Array, N: number): void {
  const vectors = N - (N % 4);
  rt.pointwise('gelu_forward', [out.byteOffset, inp.byteOffset], vectors);
  for (let i = vectors; i < N; i++) {
    const x = inp[i]!;
    out[i] = 0.5 * x * (1 + tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x)));
  }
}

/** dinp += gelu'(inp) dout, on N floats of the runtime's memory. */
export function geluBackward(
  rt: CpuRuntime,
  dinp: Float32Array,
  inp: Float32Array,
  dout: Float32Array,
  N: number,
): void {
  const vectors = N - (N % 4);
  rt.pointwise('gelu_backward', [dinp.byteOffset, inp.byteOffset, dout.byteOffset], vectors);
  for (let i = vectors; i < N; i++) {
    const x = inp[i]!;
    const t = tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x));
    const local = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_SCALE * (1 + 3 * GELU_CUBE * x * x);
    dinp[i] = dinp[i]! + local * dout[i]!;
  }
}

function rotaryFrequencies(hs: number, base: number): Float64Array {
  return Float64Array.from({ length: hs / 2 }, (_, i) => Math.pow(base, (-2 * i) / hs));
}

/** One position's angles at `at`: half cosines, then half sines times the direction. */
function fillAngles(
  angles: Float32Array | Float64Array,
  at: number,
  position: number,
  frequencies: Float64Array,
  direction: 1 | -1,
): void {
  const half = frequencies.length;
  for (let i = 0; i < half; i++) {
    const angle = position * frequencies[i]!;
    angles[at + i] = Math.cos(angle);
    angles[at + half + i] = direction * Math.sin(angle);
  }
}

/**
 * The rotary kernel's angles, [N, 2, hs/2] in the runtime's memory (N hs floats of room left
 * there): each token's cos, then its sin times the direction; null where half a head is not
 * whole vectors (rotary then works them out itself). One table serves every layer; a position
 * met before (the same t in each batch row) copies its row rather than computing it again.
 */
export function rotaryTable(
  rt: CpuRuntime,
  positions: Int32Array,
  N: number,
  C: number,
  NH: number,
  base: number,
  direction: 1 | -1,
): Float32Array | null {
  const hs = C / NH;
  const half = hs / 2;
  if (half % 4 !== 0) return null;
  const frequencies = rotaryFrequencies(hs, base);
  const table = rt.alloc(N * hs, false);
  const rowOf = new Map<number, number>();
  for (let n = 0; n < N; n++) {
    const seen = rowOf.get(positions[n]!);
    if (seen !== undefined) {
      table.copyWithin(n * hs, seen * hs, (seen + 1) * hs);
      continue;
    }
    rowOf.set(positions[n]!, n);
    fillAngles(table, n * hs, positions[n]!, frequencies, direction);
  }
  return table;
}

/**
 * Rotary positions (the reference's rotate): channel i of each query and key head pairs with
 * i + hs/2 and turns by position * base^(-2i / hs); direction -1 turns back (the backward, which
 * adds into out). inp, out [N, 3C] in the runtime's memory; values pass through (forward) or add
 * through (backward). On the kernel (kernels-rotary.ts) with `table` (rotaryTable's, for the same
 * positions and direction), here where there is none.
 */
export function rotary(
  rt: CpuRuntime,
  out: Float32Array,
  inp: Float32Array,
  positions: Int32Array,
  N: number,
  C: number,
  NH: number,
  base: number,
  direction: 1 | -1,
  table = rotaryTable(rt, positions, N, C, NH, base, direction),
): void {
  const hs = C / NH;
  const half = hs / 2;
  const add = direction === -1;
  if (table !== null) {
    const args = [out.byteOffset, inp.byteOffset, table.byteOffset, C, NH, half, add ? 1 : 0];
    rt.pointwise('rotary', args, N, 1, 3 * C);
    return;
  }
  const frequencies = rotaryFrequencies(hs, base);
  const angles = new Float64Array(hs);
  for (let n = 0; n < N; n++) {
    const row = n * 3 * C;
    fillAngles(angles, 0, positions[n]!, frequencies, direction);
    for (let c = 2 * C; c < 3 * C; c++) out[row + c] = (add ? out[row + c]! : 0) + inp[row + c]!;
    for (let part = 0; part < 2; part++) {
      for (let h = 0; h < NH; h++) {
        const first = row + part * C + h * hs;
        for (let i = 0; i < half; i++) {
          const x1 = inp[first + i]!;
          const x2 = inp[first + i + half]!;
          const cos = angles[i]!;
          const sin = angles[half + i]!;
          const y1 = x1 * cos - x2 * sin;
          const y2 = x1 * sin + x2 * cos;
          out[first + i] = (add ? out[first + i]! : 0) + y1;
          out[first + i + half] = (add ? out[first + i + half]! : 0) + y2;
        }
      }
    }
  }
}
