/**
 * The CPU reference of the model's pointwise and dense ops, in float64, in the style of llm.c:
 * each forward beside its backward, the same tensor names, shapes in a comment. Forward functions
 * overwrite their outputs; backward functions ADD into their gradient arrays (a tensor used twice,
 * like the tied embedding or the residual stream, collects both contributions), so callers start
 * gradients at zero. N is the number of rows (tokens, B * T), C a width.
 */

// Float32Array too: the fast CPU engine (engine/cpu) runs these same ops on its float32 arrays.
type Vec = Float64Array | Float32Array;

// ----------------------------------------------------------------------------------------------
// Embedding: out[n] = wte[tokens[n]] + wpe[positions[n]]
// tokens, positions [N]; wte [V, C]; wpe [maxT, C] or null (rotary); out [N, C]

export function embeddingForward(
  out: Vec,
  tokens: Int32Array,
  positions: Int32Array,
  wte: Vec,
  wpe: Vec | null,
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const token = tokens[n]!;
    const position = positions[n]!;
    for (let c = 0; c < C; c++) {
      out[n * C + c] = wte[token * C + c]! + (wpe === null ? 0 : wpe[position * C + c]!);
    }
  }
}

/** Scatter-add: every row of dout goes to its token's row of dwte and its position's row of dwpe. */
export function embeddingBackward(
  dwte: Vec,
  dwpe: Vec | null,
  dout: Vec,
  tokens: Int32Array,
  positions: Int32Array,
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const token = tokens[n]!;
    const position = positions[n]!;
    for (let c = 0; c < C; c++) {
      const d = dout[n * C + c]!;
      dwte[token * C + c]! += d;
      if (dwpe !== null) dwpe[position * C + c]! += d;
    }
  }
}

// ----------------------------------------------------------------------------------------------
// Layer norm: out = (inp - mean) * rstd * weight + bias, rstd = 1 / sqrt(var + eps), per row
// inp, out [N, C]; weight, bias [C]; mean, rstd [N] (kept for the backward)

export function layerNormForward(
  out: Vec,
  mean: Vec,
  rstd: Vec,
  inp: Vec,
  weight: Vec,
  bias: Vec,
  N: number,
  C: number,
  eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const row = n * C;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += inp[row + c]!;
    const m = sum / C;
    let variance = 0;
    for (let c = 0; c < C; c++) {
      const x = inp[row + c]! - m;
      variance += x * x;
    }
    const s = 1 / Math.sqrt(variance / C + eps);
    for (let c = 0; c < C; c++) {
      out[row + c] = (inp[row + c]! - m) * s * weight[c]! + bias[c]!;
    }
    mean[n] = m;
    rstd[n] = s;
  }
}

export function layerNormBackward(
  dinp: Vec,
  dweight: Vec,
  dbias: Vec,
  dout: Vec,
  inp: Vec,
  weight: Vec,
  mean: Vec,
  rstd: Vec,
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const row = n * C;
    const m = mean[n]!;
    const s = rstd[n]!;
    // dnorm = dout * weight; dinp = rstd * (dnorm - mean(dnorm) - norm * mean(dnorm * norm))
    let dnormMean = 0;
    let dnormNormMean = 0;
    for (let c = 0; c < C; c++) {
      const norm = (inp[row + c]! - m) * s;
      const dnorm = weight[c]! * dout[row + c]!;
      dnormMean += dnorm;
      dnormNormMean += dnorm * norm;
    }
    dnormMean /= C;
    dnormNormMean /= C;
    for (let c = 0; c < C; c++) {
      const norm = (inp[row + c]! - m) * s;
      const d = dout[row + c]!;
      const dnorm = weight[c]! * d;
      dbias[c]! += d;
      dweight[c]! += norm * d;
      dinp[row + c]! += s * (dnorm - dnormMean - norm * dnormNormMean);
    }
  }
}

// ----------------------------------------------------------------------------------------------
// Matmul (a linear layer): out = inp weight^T + bias
// inp [N, C]; weight [OC, C] (PyTorch's [out, in]); bias [OC] or null; out [N, OC]
// Training needs the other two products: dinp = dout weight (NN) and dweight = dout^T inp (TN).

export function matmulForward(
  out: Vec,
  inp: Vec,
  weight: Vec,
  bias: Vec | null,
  N: number,
  C: number,
  OC: number,
): void {
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < OC; o++) {
      let sum = bias === null ? 0 : bias[o]!;
      for (let c = 0; c < C; c++) sum += inp[n * C + c]! * weight[o * C + c]!;
      out[n * OC + o] = sum;
    }
  }
}

/** dinp [N, C] += dout weight; dweight [OC, C] += dout^T inp; dbias [OC] += column sums of dout. */
export function matmulBackward(
  dinp: Vec,
  dweight: Vec,
  dbias: Vec | null,
  dout: Vec,
  inp: Vec,
  weight: Vec,
  N: number,
  C: number,
  OC: number,
): void {
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < OC; o++) {
      const d = dout[n * OC + o]!;
      if (dbias !== null) dbias[o]! += d;
      for (let c = 0; c < C; c++) {
        dinp[n * C + c]! += d * weight[o * C + c]!;
        dweight[o * C + c]! += d * inp[n * C + c]!;
      }
    }
  }
}

// ----------------------------------------------------------------------------------------------
// GELU, tanh approximation (GPT-2's): out = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
// inp, out [N]

const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBE = 0.044715;

export function geluForward(out: Vec, inp: Vec, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i]!;
    out[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x)));
  }
}

export function geluBackward(dinp: Vec, inp: Vec, dout: Vec, N: number): void {
  for (let i = 0; i < N; i++) {
    const x = inp[i]!;
    const tanh = Math.tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x));
    const sech2 = 1 - tanh * tanh;
    const local = 0.5 * (1 + tanh) + 0.5 * x * sech2 * GELU_SCALE * (1 + 3 * GELU_CUBE * x * x);
    dinp[i]! += local * dout[i]!;
  }
}

// ----------------------------------------------------------------------------------------------
// Residual add: out = inp1 + inp2
// inp1, inp2, out [N]

export function residualForward(out: Vec, inp1: Vec, inp2: Vec, N: number): void {
  for (let i = 0; i < N; i++) out[i] = inp1[i]! + inp2[i]!;
}

export function residualBackward(dinp1: Vec, dinp2: Vec, dout: Vec, N: number): void {
  for (let i = 0; i < N; i++) {
    const d = dout[i]!;
    dinp1[i]! += d;
    dinp2[i]! += d;
  }
}
