import { lanes, POINTWISE_PARAMS, splat } from './kernels-pointwise.ts';
import { Code, I32, OP, SIMD, V128 } from './wasm.ts';

/**
 * The optimizer's kernels, four floats at a time (the reference is model/reference/optim.ts):
 *   sum_squares, blocks [from, to): partials (p0) [blocks] = the sum of squares of block b of
 *     data (p1), p2 floats long (a multiple of 4) in blocks of p3 (a multiple of 4). The caller
 *     adds the partials in float64, so float32 sums stay short.
 *   adamw, elements [from, to) (whole vectors): one AdamW update of params (p0) from grads (p1)
 *     times the clipping scale, moments m (p2) and v (p3); p4 the address of the step's constants
 *     (ADAMW_CONSTANTS, float32), p5 the bits of lr * weightDecay (0 where the tensor does not decay).
 */

/** The order of the float32 constants adamw reads at p4. */
export const ADAMW_CONSTANTS = [
  'beta1',
  'oneMinusBeta1',
  'beta2',
  'oneMinusBeta2',
  'inverseCorrection1',
  'inverseCorrection2',
  'epsilon',
  'learningRate',
  'gradScale',
] as const;

function sumSquaresFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  for (const name of ['b', 'at', 'end']) code.local(name, I32);
  for (const name of ['acc', 'x']) code.local(name, V128);
  code.get('from').set('b');
  code.block((exitBlocks) => {
    code.loop((nextBlock) => {
      code.get('b').get('to').op(OP.i32GeS).brIf(exitBlocks);
      // bytes [b block, min((b + 1) block, length)) of data
      code.get('p1').get('b').get('p3').op(OP.i32Mul).i32(4).op(OP.i32Mul, OP.i32Add).set('at');
      code.get('b').i32(1).op(OP.i32Add).get('p3').op(OP.i32Mul).set('end');
      code.get('end').get('p2').get('end').get('p2').op(OP.i32LtS, OP.select);
      code.i32(4).op(OP.i32Mul).get('p1').op(OP.i32Add).set('end');
      splat(code, 0);
      code.set('acc');
      code.block((exit) => {
        code.loop((next) => {
          code.get('at').get('end').op(OP.i32GeS).brIf(exit);
          code.get('at').simd(SIMD.load, 2, 0).tee('x').get('x').simd(SIMD.f32x4Mul);
          code.get('acc').simd(SIMD.f32x4Add).set('acc');
          code.get('at').i32(16).op(OP.i32Add).set('at').br(next);
        });
      });
      code.get('p0').get('b').i32(4).op(OP.i32Mul, OP.i32Add);
      lanes(code, 'acc', OP.f32Add);
      code.op(OP.f32Store, 2, 0);
      code.get('b').i32(1).op(OP.i32Add).set('b').br(nextBlock);
    });
  });
  return code;
}

/**
 * m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= lr (m / c1) / (sqrt(v / c2) + eps) + lr wd p,
 * with g the gradient times the clipping scale.
 */
function adamwFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  for (const name of ['i', 'o']) code.local(name, I32);
  for (const name of [...ADAMW_CONSTANTS, 'decay', 'g', 'mv', 'vv', 'p']) code.local(name, V128);
  ADAMW_CONSTANTS.forEach((name, k) =>
    code
      .get('p4')
      .simd(SIMD.load32Splat, 2, 4 * k)
      .set(name),
  );
  code.get('p5').op(OP.f32ReinterpretI32).simd(SIMD.f32x4Splat).set('decay');
  const address = (base: string): Code => code.get(base).get('o').op(OP.i32Add);
  const load = (base: string): Code => address(base).simd(SIMD.load, 2, 0);
  code.get('from').set('i');
  code.block((exit) => {
    code.loop((next) => {
      code.get('i').get('to').op(OP.i32GeS).brIf(exit);
      code.get('i').i32(4).op(OP.i32Mul).set('o');
      load('p1').get('gradScale').simd(SIMD.f32x4Mul).set('g');
      load('p2').get('beta1').simd(SIMD.f32x4Mul);
      code.get('g').get('oneMinusBeta1').simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set('mv');
      load('p3').get('beta2').simd(SIMD.f32x4Mul);
      code.get('g').get('g').simd(SIMD.f32x4Mul).get('oneMinusBeta2').simd(SIMD.f32x4Mul);
      code.simd(SIMD.f32x4Add).set('vv');
      address('p2').get('mv').simd(SIMD.store, 2, 0);
      address('p3').get('vv').simd(SIMD.store, 2, 0);
      load('p0').set('p');
      address('p0').get('p');
      code.get('mv').get('inverseCorrection1').simd(SIMD.f32x4Mul);
      code.get('vv').get('inverseCorrection2').simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sqrt);
      code.get('epsilon').simd(SIMD.f32x4Add).simd(SIMD.f32x4Div);
      code.get('learningRate').simd(SIMD.f32x4Mul);
      code.get('p').get('decay').simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
      code.simd(SIMD.f32x4Sub).simd(SIMD.store, 2, 0);
      code.get('i').i32(4).op(OP.i32Add).set('i').br(next);
    });
  });
  return code;
}

export const OPTIM_KERNELS = {
  sum_squares: sumSquaresFunction,
  adamw: adamwFunction,
} as const;
