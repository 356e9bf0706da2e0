import { exp, lanes, POINTWISE_PARAMS, splat } from './kernels-pointwise.ts';
import { Code, F32, I32, OP, SIMD, V128 } from './wasm.ts';

/**
 * The loss head's two row kernels (loss.ts does the per-row scalars between them), over rows
 * [from, to) of logits [N, V], any V: the last V mod 4 columns go through the same vector code
 * with the lanes past the row masked off, and are stored lane by lane (a whole-vector store
 * would write into the next row, which another thread may own). Loads past a row stay inside
 * the allocation, which the runtime pads to whole vectors.
 *   row_softmax_sums: stats (p1) [N, 2] = (max_v x, sum_v exp(x - max)), x = logits (p0) / T
 *   row_softmax_scaled: out (p1) [N, V] = scale_n exp(x - lse_n), (scale, lse) from p4 [N, 2]
 * p2 is V, p3 the bits of 1 / T.
 */

function common(code: Code): void {
  for (const name of ['r', 's', 'row', 'full', 'rowBytes', 'pair']) code.local(name, I32);
  code.local('inverse', F32);
  for (const name of ['x', 'n', 'acc', 'tail', 'a', 'b']) code.local(name, V128);
  code.get('p3').op(OP.f32ReinterpretI32).set('inverse');
  code.get('p2').i32(4).op(OP.i32Mul).set('rowBytes');
  code.get('p2').i32(-4).op(OP.i32And).i32(4).op(OP.i32Mul).set('full'); // whole vectors
  // lanes of the tail vector inside the row: index < V mod 4
  code.simd(SIMD.const, ...new Uint8Array(Int32Array.of(0, 1, 2, 3).buffer));
  code.get('p2').i32(3).op(OP.i32And).simd(SIMD.i32x4Splat).simd(SIMD.i32x4LtS).set('tail');
}

/** The loop over rows, with `row` the row's byte address in p0 and `pair` its pair's in `pairs`. */
function rows(code: Code, pairs: string, body: () => void): void {
  code.get('from').set('r');
  code.block((exit) => {
    code.loop((next) => {
      code.get('r').get('to').op(OP.i32GeS).brIf(exit);
      code.get('p0').get('r').get('rowBytes').op(OP.i32Mul, OP.i32Add).set('row');
      code.get(pairs).get('r').i32(8).op(OP.i32Mul, OP.i32Add).set('pair');
      body();
      code.get('r').i32(1).op(OP.i32Add).set('r').br(next);
    });
  });
}

/** Runs `vector` for s over the whole vectors of the row, then `last` when V mod 4 > 0. */
function columns(code: Code, vector: () => void, last: () => void): void {
  code.i32(0).set('s');
  code.block((exit) => {
    code.loop((next) => {
      code.get('s').get('full').op(OP.i32GeS).brIf(exit);
      vector();
      code.get('s').i32(16).op(OP.i32Add).set('s').br(next);
    });
  });
  code.get('full').get('rowBytes').op(OP.i32LtS).when(last);
}

/** Pushes logits(row, s..s+3) / T. */
function scaled(code: Code): void {
  code.get('row').get('s').op(OP.i32Add).simd(SIMD.load, 2, 0);
  code.get('inverse').simd(SIMD.f32x4Splat).simd(SIMD.f32x4Mul);
}

function rowSoftmaxSumsFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  common(code);
  rows(code, 'p1', () => {
    splat(code, -Infinity);
    code.set('acc');
    columns(
      code,
      () => {
        code.get('acc');
        scaled(code);
        code.simd(SIMD.f32x4Pmax).set('acc');
      },
      () => {
        code.get('acc');
        scaled(code);
        splat(code, -Infinity);
        code.get('tail').simd(SIMD.bitselect).simd(SIMD.f32x4Pmax).set('acc');
      },
    );
    code.get('pair');
    lanes(code, 'acc', OP.f32Max);
    code.op(OP.f32Store, 2, 0);
    code.get('pair').op(OP.f32Load, 2, 0).simd(SIMD.f32x4Splat).set('a');
    splat(code, 0);
    code.set('acc');
    const term = (): void => {
      scaled(code);
      code.get('a').simd(SIMD.f32x4Sub).set('x');
      exp(code, 'x', 'n');
    };
    columns(
      code,
      () => {
        code.get('acc');
        term();
        code.simd(SIMD.f32x4Add).set('acc');
      },
      () => {
        code.get('acc');
        term();
        splat(code, 0);
        code.get('tail').simd(SIMD.bitselect).simd(SIMD.f32x4Add).set('acc');
      },
    );
    code.get('pair');
    lanes(code, 'acc', OP.f32Add);
    code.op(OP.f32Store, 2, 4);
  });
  return code;
}

function rowSoftmaxScaledFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  common(code);
  code.local('out', I32);
  rows(code, 'p4', () => {
    code.get('p1').get('r').get('rowBytes').op(OP.i32Mul, OP.i32Add).set('out');
    code.get('pair').op(OP.f32Load, 2, 0).simd(SIMD.f32x4Splat).set('a');
    code.get('pair').op(OP.f32Load, 2, 4).simd(SIMD.f32x4Splat).set('b');
    const value = (): void => {
      scaled(code);
      code.get('b').simd(SIMD.f32x4Sub).set('x');
      exp(code, 'x', 'n');
      code.get('a').simd(SIMD.f32x4Mul);
    };
    columns(
      code,
      () => {
        code.get('out').get('s').op(OP.i32Add);
        value();
        code.simd(SIMD.store, 2, 0);
      },
      () => {
        value();
        code.set('acc');
        for (let lane = 0; lane < 4; lane++) {
          code
            .get('full')
            .i32(4 * lane)
            .op(OP.i32Add)
            .get('rowBytes')
            .op(OP.i32LtS);
          code.when(() => {
            code.get('out').get('s').op(OP.i32Add);
            code
              .get('acc')
              .simd(SIMD.f32x4ExtractLane, lane)
              .op(OP.f32Store, 2, 4 * lane);
          });
        }
      },
    );
  });
  return code;
}

export const LOSS_KERNELS = {
  row_softmax_sums: rowSoftmaxSumsFunction,
  row_softmax_scaled: rowSoftmaxScaledFunction,
} as const;
