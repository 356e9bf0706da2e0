import { Code, F32, I32, OP, SIMD, V128 } from './wasm.ts';

/**
 * The CPU engine's elementwise kernels, four floats at a time: GELU forward and backward, and
 * attention's masked softmax row by row. They share one signature, eight i32 arguments (byte
 * addresses, sizes) and a range [from, to) of elements (a multiple of 4 long: the caller does the
 * last few) or of rows, so the runtime splits any of them between threads the same way. WebAssembly has no exp: `exp` below is written
 * out, Cody-Waite range reduction to |r| <= ln2 / 2 and a degree 7 Taylor polynomial (truncation
 * error below 1e-8, under float32's rounding), scaled by 2^n built in the exponent bits.
 */

export const POINTWISE_PARAMS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'from', 'to'];

const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBE = 0.044715;
// ln 2 split so that n * LN2_HI is exact in float32 for |n| <= 127.
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
/** Inputs are clamped here so that 2^n stays a normal float32: exp(-87.3) ~ 1e-38, exp(88.3) ~ 2e38. */
const EXP_LOW = -87.3;
const EXP_HIGH = 88.3;
const TAYLOR = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040];

export function splat(code: Code, value: number): void {
  code.f32(value).simd(SIMD.f32x4Splat);
}

/** Pushes exp of the v128 in local `x`, lane by lane; clobbers `x` and `n`. */
export function exp(code: Code, x: string, n: string): void {
  code.get(x);
  splat(code, EXP_LOW);
  code.simd(SIMD.f32x4Pmax);
  splat(code, EXP_HIGH);
  code.simd(SIMD.f32x4Pmin).set(x);
  code.get(x);
  splat(code, Math.LOG2E);
  code.simd(SIMD.f32x4Mul).simd(SIMD.f32x4Nearest).set(n);
  code.get(x).get(n);
  splat(code, LN2_HI);
  code.simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).get(n);
  splat(code, LN2_LO);
  code.simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).set(x);
  splat(code, TAYLOR[7]!);
  for (let k = 6; k >= 0; k--) {
    code.get(x).simd(SIMD.f32x4Mul);
    splat(code, TAYLOR[k]!);
    code.simd(SIMD.f32x4Add);
  }
  // 2^n: the biased exponent n + 127 shifted into place.
  code.get(n).simd(SIMD.i32x4TruncSatF32x4S).i32(127).simd(SIMD.i32x4Splat).simd(SIMD.i32x4Add);
  code.i32(23).simd(SIMD.i32x4Shl).simd(SIMD.f32x4Mul);
}

/** Pushes the v128 at byte address param + 4 i. */
function load(code: Code, param: string): void {
  code.get(param).get('i').i32(4).op(OP.i32Mul, OP.i32Add).simd(SIMD.load, 2, 0);
}

/** The loop over i in [from, to) by 4, `body` run once per vector. */
function elementLoop(code: Code, body: () => void): void {
  code.get('from').set('i');
  code.block((exit) => {
    code.loop((next) => {
      code.get('i').get('to').op(OP.i32GeS).brIf(exit);
      body();
      code.get('i').i32(4).op(OP.i32Add).set('i').br(next);
    });
  });
}

/** Sets local `e` to exp(-2u), u = sqrt(2/pi) (x + 0.044715 x^3), for the x in local `x`. */
function geluExp(code: Code): void {
  code.get('x').get('x').simd(SIMD.f32x4Mul).get('x').simd(SIMD.f32x4Mul);
  splat(code, GELU_CUBE);
  code.simd(SIMD.f32x4Mul).get('x').simd(SIMD.f32x4Add);
  splat(code, -2 * GELU_SCALE);
  code.simd(SIMD.f32x4Mul).set('t');
  exp(code, 't', 'n');
  code.set('e');
}

/**
 * out (p0) = gelu(inp (p1)) = 0.5 x (1 + tanh u) = x / (1 + exp(-2u)): the same function as the
 * reference's tanh form, without its cancellation where tanh u is near -1.
 */
function geluForwardFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  code.local('i', I32);
  for (const name of ['x', 't', 'n', 'e']) code.local(name, V128);
  elementLoop(code, () => {
    load(code, 'p1');
    code.set('x');
    geluExp(code);
    code.get('p0').get('i').i32(4).op(OP.i32Mul, OP.i32Add);
    code.get('x');
    splat(code, 1);
    code.get('e').simd(SIMD.f32x4Add).simd(SIMD.f32x4Div).simd(SIMD.store, 2, 0);
  });
  return code;
}

/**
 * dinp (p0) += gelu'(inp (p1)) dout (p2). With s = 1 / (1 + e), e = exp(-2u): 0.5 (1 + tanh u)
 * = s and 1 - tanh^2 u = 4 s^2 e, so gelu' = s + 2 x s^2 e u'.
 */
function geluBackwardFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  code.local('i', I32);
  for (const name of ['x', 't', 'n', 'e', 's']) code.local(name, V128);
  elementLoop(code, () => {
    load(code, 'p1');
    code.set('x');
    geluExp(code);
    splat(code, 1);
    splat(code, 1);
    code.get('e').simd(SIMD.f32x4Add).simd(SIMD.f32x4Div).set('s');
    code.get('p0').get('i').i32(4).op(OP.i32Mul, OP.i32Add);
    load(code, 'p0');
    // u' = sqrt(2/pi) (1 + 3 0.044715 x^2), times 2 x s^2 e, plus s
    code.get('x').get('x').simd(SIMD.f32x4Mul);
    splat(code, 3 * GELU_CUBE * 2 * GELU_SCALE);
    code.simd(SIMD.f32x4Mul);
    splat(code, 2 * GELU_SCALE);
    code.simd(SIMD.f32x4Add);
    code.get('x').simd(SIMD.f32x4Mul).get('s').simd(SIMD.f32x4Mul).get('s').simd(SIMD.f32x4Mul);
    code.get('e').simd(SIMD.f32x4Mul).get('s').simd(SIMD.f32x4Add);
    load(code, 'p2');
    code.simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).simd(SIMD.store, 2, 0);
  });
  return code;
}

/** Pushes the horizontal reduction of the v128 in local `v` by the scalar f32 op `op`. */
export function lanes(code: Code, v: string, op: number): void {
  code.get(v).simd(SIMD.f32x4ExtractLane, 0).get(v).simd(SIMD.f32x4ExtractLane, 1).op(op);
  code.get(v).simd(SIMD.f32x4ExtractLane, 2).get(v).simd(SIMD.f32x4ExtractLane, 3).op(op).op(op);
}

/**
 * Attention's softmax over rows r in [from, to) of att [B, NH, T, Tp] (Tp = T rounded up to 4),
 * in place: p0 att, p1 segments [B, Tp] (i32), p2 T, p3 Tp, p4 NH, p5 the scale's float bits.
 * Row r is query t = r mod T of batch row b = r / (NH T); position s takes part when s <= t and
 * its segment is t's (the reference's rule); the others, padding columns included, become 0.
 * On entry the masked entries may hold anything (the scores' product skips them), even NaN:
 * the mask is applied by bit selection, never by arithmetic.
 */
/**
 * stop = the byte offset past the vector that holds column t (t in local `s`), at most `end`: the
 * causal mask zeroes every column after it, and the products around the softmax neither write nor
 * read there (kernels.ts: a block of 4 query rows ends at the block's last column), so those
 * columns keep the zeros the caller filled them with.
 */
function causalStop(code: Code): void {
  code.get('s').i32(-4).op(OP.i32And).i32(4).op(OP.i32Add).i32(4).op(OP.i32Mul).set('stop');
  code
    .get('stop')
    .get('end')
    .op(OP.i32GtS)
    .when(() => code.get('end').set('stop'));
}

function attentionSoftmaxFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  for (const name of ['r', 's', 'end', 'stop', 'row', 'segments']) code.local(name, I32);
  code.local('scale', F32);
  for (const name of ['t', 'segment', 'index', 'mask', 'm', 'x', 'n', 'v']) code.local(name, V128);
  const firstIndices = (): void => {
    code.simd(SIMD.const, ...new Uint8Array(Int32Array.of(0, 1, 2, 3).buffer)).set('index');
  };
  /** Runs body over the row's vectors, with `mask` set for each and `s` its byte offset. */
  const columns = (body: () => void): void => {
    firstIndices();
    code.i32(0).set('s');
    code.block((exit) => {
      code.loop((next) => {
        code.get('s').get('stop').op(OP.i32GeS).brIf(exit);
        code.get('index').get('t').simd(SIMD.i32x4LeS);
        code.get('segments').get('s').op(OP.i32Add).simd(SIMD.load, 2, 0).get('segment');
        code.simd(SIMD.i32x4Eq).simd(SIMD.and).set('mask');
        body();
        code.get('index').i32(4).simd(SIMD.i32x4Splat).simd(SIMD.i32x4Add).set('index');
        code.get('s').i32(16).op(OP.i32Add).set('s').br(next);
      });
    });
  };
  const rowAt = (): void => {
    code.get('row').get('s').op(OP.i32Add);
  };
  code.get('p5').op(OP.f32ReinterpretI32).set('scale');
  code.get('p3').i32(4).op(OP.i32Mul).set('end');
  code.get('from').set('r');
  code.block((exitRows) => {
    code.loop((nextRow) => {
      code.get('r').get('to').op(OP.i32GeS).brIf(exitRows);
      code.get('p0').get('r').get('end').op(OP.i32Mul, OP.i32Add).set('row');
      // segments of batch row r / (NH T); this query's position t = r mod T
      code.get('p1').get('r').get('p4').get('p2').op(OP.i32Mul, OP.i32DivU);
      code.get('end').op(OP.i32Mul, OP.i32Add).set('segments');
      code.get('r').get('p2').op(OP.i32RemU).tee('s').simd(SIMD.i32x4Splat).set('t');
      code.get('segments').get('s').i32(4).op(OP.i32Mul, OP.i32Add).op(OP.i32Load, 2, 0);
      code.simd(SIMD.i32x4Splat).set('segment');
      causalStop(code);
      splat(code, -Infinity);
      code.set('m');
      columns(() => {
        code.get('m');
        rowAt();
        code.simd(SIMD.load, 2, 0);
        splat(code, -Infinity);
        code.get('mask').simd(SIMD.bitselect).simd(SIMD.f32x4Pmax).set('m');
      });
      lanes(code, 'm', OP.f32Max);
      code.get('scale').op(OP.f32Mul).simd(SIMD.f32x4Splat).set('m');
      splat(code, 0);
      code.set('v');
      columns(() => {
        rowAt();
        rowAt();
        code.simd(SIMD.load, 2, 0).get('scale').simd(SIMD.f32x4Splat).simd(SIMD.f32x4Mul);
        code.get('m').simd(SIMD.f32x4Sub).set('x');
        exp(code, 'x', 'n');
        splat(code, 0);
        code.get('mask').simd(SIMD.bitselect).tee('x').simd(SIMD.store, 2, 0);
        code.get('v').get('x').simd(SIMD.f32x4Add).set('v');
      });
      code.f32(1);
      lanes(code, 'v', OP.f32Add);
      code.op(OP.f32Div).simd(SIMD.f32x4Splat).set('v');
      columns(() => {
        rowAt();
        rowAt();
        code.simd(SIMD.load, 2, 0).get('v').simd(SIMD.f32x4Mul).simd(SIMD.store, 2, 0);
      });
      code.get('r').i32(1).op(OP.i32Add).set('r').br(nextRow);
    });
  });
  return code;
}

/**
 * The softmax's backward over rows r in [from, to) of att and dscores [B, NH, T, Tp], in place in
 * dscores: p0 att, p1 dscores, p2 T, p3 Tp, p5 the scale's float bits. dscore_s = att_s (datt_s -
 * sum_s' att_s' datt_s') scale: att is 0 wherever the mask was (past t, other segments, the
 * padding columns), so whole rows go through with no mask, given finite dscores (the caller
 * zeroes them before the product that fills them).
 */
function attentionSoftmaxBackwardFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  for (const name of ['r', 's', 'end', 'stop', 'probs', 'grads']) code.local(name, I32);
  code.local('acc', V128);
  /** Runs body over the row's vectors, `s` the byte offset of each. */
  const columns = (body: () => void): void => {
    code.i32(0).set('s');
    code.block((exit) => {
      code.loop((next) => {
        code.get('s').get('stop').op(OP.i32GeS).brIf(exit);
        body();
        code.get('s').i32(16).op(OP.i32Add).set('s').br(next);
      });
    });
  };
  const load = (base: string): void => {
    code.get(base).get('s').op(OP.i32Add).simd(SIMD.load, 2, 0);
  };
  code.get('p3').i32(4).op(OP.i32Mul).set('end');
  code.get('from').set('r');
  code.block((exitRows) => {
    code.loop((nextRow) => {
      code.get('r').get('to').op(OP.i32GeS).brIf(exitRows);
      code.get('p0').get('r').get('end').op(OP.i32Mul, OP.i32Add).set('probs');
      code.get('p1').get('r').get('end').op(OP.i32Mul, OP.i32Add).set('grads');
      code.get('r').get('p2').op(OP.i32RemU).set('s');
      causalStop(code);
      splat(code, 0);
      code.set('acc');
      columns(() => {
        code.get('acc');
        load('probs');
        load('grads');
        code.simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set('acc');
      });
      lanes(code, 'acc', OP.f32Add);
      code.simd(SIMD.f32x4Splat).set('acc');
      columns(() => {
        code.get('grads').get('s').op(OP.i32Add);
        load('probs');
        load('grads');
        code.get('acc').simd(SIMD.f32x4Sub).simd(SIMD.f32x4Mul);
        code.get('p5').op(OP.f32ReinterpretI32).simd(SIMD.f32x4Splat).simd(SIMD.f32x4Mul);
        code.simd(SIMD.store, 2, 0);
      });
      code.get('r').i32(1).op(OP.i32Add).set('r').br(nextRow);
    });
  });
  return code;
}

/** The elementwise kernels by export name, in the order the runtime numbers them (after matmul). */
export const POINTWISE_KERNELS = {
  gelu_forward: geluForwardFunction,
  gelu_backward: geluBackwardFunction,
  attention_softmax: attentionSoftmaxFunction,
  attention_softmax_backward: attentionSoftmaxBackwardFunction,
} as const;
