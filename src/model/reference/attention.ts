/**
 * The CPU reference of rotary positions and causal multi-head attention (float64, llm.c style).
 * The attention input is the fused projection qkv [B, T, 3C]: channels 0..C-1 are the queries,
 * C..2C-1 the keys, 2C..3C-1 the values, and head h owns channels h*hs..(h+1)*hs-1 of each
 * (hs = C / NH). Backward functions add into their gradient arrays.
 */

// Float32Array too: the fast CPU engine (engine/cpu) runs these same ops on its float32 arrays.
type Vec = Float64Array | Float32Array;

// ----------------------------------------------------------------------------------------------
// Rotary positions (RoFormer, in the GPT-NeoX / Llama "rotate half" layout): in every head of the
// queries and of the keys, channel i pairs with channel i + hs/2 and the pair turns by the angle
// position * base^(-2i / hs). Values pass through unchanged.
// inp, out [N, 3C]; positions [N]

function rotate(
  out: Vec,
  inp: Vec,
  positions: Int32Array,
  N: number,
  C: number,
  NH: number,
  base: number,
  direction: 1 | -1,
): void {
  const hs = C / NH;
  const half = hs / 2;
  for (let n = 0; n < N; n++) {
    const row = n * 3 * C;
    for (let c = 2 * C; c < 3 * C; c++) out[row + c] = inp[row + c]!;
    const position = positions[n]!;
    for (let i = 0; i < half; i++) {
      const angle = position * Math.pow(base, (-2 * i) / hs);
      const cos = Math.cos(angle);
      const sin = direction * Math.sin(angle);
      // the queries (part 0) and the keys (part 1) of every head
      for (let part = 0; part < 2; part++) {
        for (let h = 0; h < NH; h++) {
          const first = row + part * C + h * hs + i;
          const x1 = inp[first]!;
          const x2 = inp[first + half]!;
          out[first] = x1 * cos - x2 * sin;
          out[first + half] = x1 * sin + x2 * cos;
        }
      }
    }
  }
}

export function rotaryForward(
  out: Vec,
  inp: Vec,
  positions: Int32Array,
  N: number,
  C: number,
  NH: number,
  base: number,
): void {
  rotate(out, inp, positions, N, C, NH, base, 1);
}

/** A rotation's transpose is the rotation by minus the angle. */
export function rotaryBackward(
  dinp: Vec,
  dout: Vec,
  positions: Int32Array,
  N: number,
  C: number,
  NH: number,
  base: number,
): void {
  const turnedBack = new Float64Array(N * 3 * C);
  rotate(turnedBack, dout, positions, N, C, NH, base, -1);
  for (let i = 0; i < turnedBack.length; i++) dinp[i]! += turnedBack[i]!;
}

// ----------------------------------------------------------------------------------------------
// Causal multi-head attention with segments: the query at t attends to keys s <= t of the same
// segment (padding is its own segment, so real tokens never see it).
// inp qkv [B, T, 3C]; segments [B, T]; out [B, T, C];
// att [B, NH, T, T] the attention probabilities (0 where masked), kept for the backward.

export function attentionForward(
  out: Vec,
  att: Vec,
  inp: Vec,
  segments: Int32Array,
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  const C3 = 3 * C;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        const query = (b * T + t) * C3 + h * hs;
        const attRow = ((b * NH + h) * T + t) * T;
        const segment = segments[b * T + t];
        // scores, and their maximum for a stable softmax
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          if (segments[b * T + s] !== segment) continue;
          const key = (b * T + s) * C3 + C + h * hs;
          let score = 0;
          for (let i = 0; i < hs; i++) score += inp[query + i]! * inp[key + i]!;
          score *= scale;
          att[attRow + s] = score;
          if (score > max) max = score;
        }
        let sum = 0;
        for (let s = 0; s < T; s++) {
          const visible = s <= t && segments[b * T + s] === segment;
          const e = visible ? Math.exp(att[attRow + s]! - max) : 0;
          att[attRow + s] = e;
          sum += e;
        }
        for (let s = 0; s <= t; s++) att[attRow + s]! /= sum;
        // weighted sum of the values
        const output = (b * T + t) * C + h * hs;
        for (let i = 0; i < hs; i++) out[output + i] = 0;
        for (let s = 0; s <= t; s++) {
          if (segments[b * T + s] !== segment) continue;
          const p = att[attRow + s]!;
          const value = (b * T + s) * C3 + 2 * C + h * hs;
          for (let i = 0; i < hs; i++) out[output + i]! += p * inp[value + i]!;
        }
      }
    }
  }
}

export function attentionBackward(
  dinp: Vec,
  dout: Vec,
  inp: Vec,
  att: Vec,
  segments: Int32Array,
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  const hs = C / NH;
  const scale = 1 / Math.sqrt(hs);
  const C3 = 3 * C;
  const datt = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        const query = (b * T + t) * C3 + h * hs;
        const attRow = ((b * NH + h) * T + t) * T;
        const output = (b * T + t) * C + h * hs;
        const segment = segments[b * T + t];
        // through the weighted sum: datt[s] = dout . v_s, dv_s += att[s] dout
        for (let s = 0; s <= t; s++) {
          datt[s] = 0;
          if (segments[b * T + s] !== segment) continue;
          const value = (b * T + s) * C3 + 2 * C + h * hs;
          const p = att[attRow + s]!;
          let d = 0;
          for (let i = 0; i < hs; i++) {
            d += dout[output + i]! * inp[value + i]!;
            dinp[value + i]! += p * dout[output + i]!;
          }
          datt[s] = d;
        }
        // through the softmax: dscore[s] = att[s] (datt[s] - sum_r att[r] datt[r])
        let weighted = 0;
        for (let s = 0; s <= t; s++) weighted += att[attRow + s]! * datt[s]!;
        // through the scores: dq += dscore k_s scale, dk_s += dscore q scale
        for (let s = 0; s <= t; s++) {
          if (segments[b * T + s] !== segment) continue;
          const p = att[attRow + s]!;
          const dscore = p * (datt[s]! - weighted) * scale;
          const key = (b * T + s) * C3 + C + h * hs;
          for (let i = 0; i < hs; i++) {
            dinp[query + i]! += dscore * inp[key + i]!;
            dinp[key + i]! += dscore * inp[query + i]!;
          }
        }
      }
    }
  }
}
