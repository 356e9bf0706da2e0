import { lanes, POINTWISE_PARAMS, splat } from './kernels-pointwise.ts';
import { Code, F32, I32, OP, SIMD, V128 } from './wasm.ts';

/**
 * Layer norm on the CPU engine's kernels, the reference's formulas (model/reference/ops.ts) in
 * float32, four channels at a time with the last C mod 4 scalar:
 *   layer_norm_forward, rows [from, to): out (p0), mean (p1), rstd (p2) of inp (p3) [N, C],
 *     weight p4, bias p5, C p6, the bits of eps p7.
 *   layer_norm_backward, rows [from, to): dinp (p0) += the input gradient of dout (p1), with inp
 *     p2, weight p3, mean p4, rstd p5, C p6. The parameters' gradients are column sums over every
 *     row, which threads splitting the rows would race on, so they are a pass of their own:
 *   layer_norm_param_grads, columns [from, to) (whole vectors): dweight (p0) += sum_n norm dout,
 *     dbias (p1) += sum_n dout, with dout p2, inp p3, mean p4, rstd p5, C p6, N p7. Each thread
 *     owns its columns over all the rows, so no two write the same float.
 *   column_sums, columns [from, to) (whole vectors): out (p0) += the column sums of inp (p1)
 *     [N, C], C p2, N p3 (a linear layer's bias gradient).
 */

/** The row loop's locals and sizes: `full` bytes of whole vectors, `rowBytes` of the row. */
function rowLocals(code: Code, width: string): void {
  for (const name of ['r', 'c', 'full', 'rowBytes']) code.local(name, I32);
  code.local('count', F32);
  code.get(width).i32(4).op(OP.i32Mul).set('rowBytes');
  code.get(width).i32(-4).op(OP.i32And).i32(4).op(OP.i32Mul).set('full');
  code.get(width).op(OP.f32ConvertI32S).set('count');
}

/** The loop over rows r in [from, to), with each named local set to its array's row address. */
function rows(code: Code, bases: Record<string, string>, body: () => void): void {
  code.get('from').set('r');
  code.block((exit) => {
    code.loop((next) => {
      code.get('r').get('to').op(OP.i32GeS).brIf(exit);
      for (const [row, base] of Object.entries(bases)) {
        code.get(base).get('r').get('rowBytes').op(OP.i32Mul, OP.i32Add).set(row);
      }
      body();
      code.get('r').i32(1).op(OP.i32Add).set('r').br(next);
    });
  });
}

/** Runs `vector` for each whole vector of the row (byte offset `c`), then `scalar` for each float left. */
function columns(code: Code, vector: () => void, scalar: () => void): void {
  code.i32(0).set('c');
  for (const [end, step, body] of [
    ['full', 16, vector],
    ['rowBytes', 4, scalar],
  ] as const) {
    code.block((exit) => {
      code.loop((next) => {
        code.get('c').get(end).op(OP.i32GeS).brIf(exit);
        body();
        code.get('c').i32(step).op(OP.i32Add).set('c').br(next);
      });
    });
  }
}

/** Pushes the address base + c. */
function at(code: Code, base: string): Code {
  return code.get(base).get('c').op(OP.i32Add);
}
function vload(code: Code, base: string): Code {
  return at(code, base).simd(SIMD.load, 2, 0);
}
function sload(code: Code, base: string): Code {
  return at(code, base).op(OP.f32Load, 2, 0);
}
/** Pushes the float at p + 4 r (a row's mean or rstd). */
function rowScalar(code: Code, base: string, row: string): Code {
  return code.get(base).get(row).i32(4).op(OP.i32Mul, OP.i32Add).op(OP.f32Load, 2, 0);
}

/** Sets `total` to (the lanes of vector `acc` + scalar `total`) / count. */
function average(code: Code, acc: string, total: string): void {
  lanes(code, acc, OP.f32Add);
  code.get(total).op(OP.f32Add).get('count').op(OP.f32Div).set(total);
}

function layerNormForwardFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  rowLocals(code, 'p6');
  for (const name of ['inRow', 'outRow']) code.local(name, I32);
  for (const name of ['m', 's', 'sum', 't']) code.local(name, F32);
  for (const name of ['acc', 'x', 'mv', 'sv']) code.local(name, V128);
  const zero = (): void => {
    splat(code, 0);
    code.set('acc').f32(0).set('sum');
  };
  rows(code, { inRow: 'p3', outRow: 'p0' }, () => {
    zero();
    columns(
      code,
      () => vload(code.get('acc'), 'inRow').simd(SIMD.f32x4Add).set('acc'),
      () => sload(code.get('sum'), 'inRow').op(OP.f32Add).set('sum'),
    );
    average(code, 'acc', 'sum');
    code.get('sum').tee('m').simd(SIMD.f32x4Splat).set('mv');
    zero();
    columns(
      code,
      () => {
        vload(code, 'inRow').get('mv').simd(SIMD.f32x4Sub).tee('x').get('x').simd(SIMD.f32x4Mul);
        code.get('acc').simd(SIMD.f32x4Add).set('acc');
      },
      () => {
        sload(code, 'inRow').get('m').op(OP.f32Sub).tee('t').get('t').op(OP.f32Mul);
        code.get('sum').op(OP.f32Add).set('sum');
      },
    );
    average(code, 'acc', 'sum');
    code.f32(1).get('sum').get('p7').op(OP.f32ReinterpretI32).op(OP.f32Add).op(OP.f32Sqrt);
    code.op(OP.f32Div).tee('s').simd(SIMD.f32x4Splat).set('sv');
    code.get('p1').get('r').i32(4).op(OP.i32Mul, OP.i32Add).get('m').op(OP.f32Store, 2, 0);
    code.get('p2').get('r').i32(4).op(OP.i32Mul, OP.i32Add).get('s').op(OP.f32Store, 2, 0);
    columns(
      code,
      () => {
        at(code, 'outRow');
        vload(code, 'inRow').get('mv').simd(SIMD.f32x4Sub).get('sv').simd(SIMD.f32x4Mul);
        vload(code, 'p4').simd(SIMD.f32x4Mul);
        vload(code, 'p5').simd(SIMD.f32x4Add).simd(SIMD.store, 2, 0);
      },
      () => {
        at(code, 'outRow');
        sload(code, 'inRow').get('m').op(OP.f32Sub).get('s').op(OP.f32Mul);
        sload(code, 'p4').op(OP.f32Mul);
        sload(code, 'p5').op(OP.f32Add).op(OP.f32Store, 2, 0);
      },
    );
  });
  return code;
}

/** dinp += rstd (dnorm - mean(dnorm) - norm mean(dnorm norm)), dnorm = weight dout, per row. */
function layerNormBackwardFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  rowLocals(code, 'p6');
  for (const name of ['dRow', 'oRow', 'iRow']) code.local(name, I32);
  for (const name of ['m', 's', 'a1', 'a2', 'norm', 'dnorm']) code.local(name, F32);
  for (const name of ['acc1', 'acc2', 'mv', 'sv', 'a1v', 'a2v', 'normv', 'dnormv']) code.local(name, V128);
  const vectorTerms = (): void => {
    vload(code, 'iRow').get('mv').simd(SIMD.f32x4Sub).get('sv').simd(SIMD.f32x4Mul).set('normv');
    vload(vload(code, 'p3'), 'oRow').simd(SIMD.f32x4Mul).set('dnormv');
  };
  const scalarTerms = (): void => {
    sload(code, 'iRow').get('m').op(OP.f32Sub).get('s').op(OP.f32Mul).set('norm');
    sload(sload(code, 'p3'), 'oRow').op(OP.f32Mul).set('dnorm');
  };
  rows(code, { dRow: 'p0', oRow: 'p1', iRow: 'p2' }, () => {
    rowScalar(code, 'p4', 'r').tee('m').simd(SIMD.f32x4Splat).set('mv');
    rowScalar(code, 'p5', 'r').tee('s').simd(SIMD.f32x4Splat).set('sv');
    splat(code, 0);
    code.set('acc1');
    splat(code, 0);
    code.set('acc2').f32(0).set('a1').f32(0).set('a2');
    columns(
      code,
      () => {
        vectorTerms();
        code.get('acc1').get('dnormv').simd(SIMD.f32x4Add).set('acc1');
        code.get('acc2').get('dnormv').get('normv').simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set('acc2');
      },
      () => {
        scalarTerms();
        code.get('a1').get('dnorm').op(OP.f32Add).set('a1');
        code.get('a2').get('dnorm').get('norm').op(OP.f32Mul).op(OP.f32Add).set('a2');
      },
    );
    average(code, 'acc1', 'a1');
    average(code, 'acc2', 'a2');
    code.get('a1').simd(SIMD.f32x4Splat).set('a1v');
    code.get('a2').simd(SIMD.f32x4Splat).set('a2v');
    columns(
      code,
      () => {
        vectorTerms();
        vload(at(code, 'dRow'), 'dRow');
        code.get('dnormv').get('a1v').simd(SIMD.f32x4Sub);
        code.get('normv').get('a2v').simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub);
        code.get('sv').simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).simd(SIMD.store, 2, 0);
      },
      () => {
        scalarTerms();
        sload(at(code, 'dRow'), 'dRow');
        code.get('dnorm').get('a1').op(OP.f32Sub);
        code.get('norm').get('a2').op(OP.f32Mul).op(OP.f32Sub);
        code.get('s').op(OP.f32Mul).op(OP.f32Add).op(OP.f32Store, 2, 0);
      },
    );
  });
  return code;
}

/** Column vectors summed side by side: a cache line's worth, since the rows are read down the columns. */
const GROUP = 4;

/**
 * The loop over whole column vectors [from, to), GROUP at a time while they last and then one at
 * a time, and inside over the rows n in [0, N): `c` the group's byte offset in a row, `off` its
 * offset in the array, and perRow(j) / after(j) run for its j-th vector (16 j bytes further).
 * `accumulators` (v128 locals, a number appended per vector) start each group at zero.
 */
function columnVectors(
  code: Code,
  width: string,
  height: string,
  accumulators: readonly string[],
  perRow: (j: number) => void,
  after: (j: number) => void,
): void {
  for (const name of ['i', 'n', 'c', 'off', 'rowBytes']) code.local(name, I32);
  for (const name of accumulators) for (let j = 0; j < GROUP; j++) code.local(`${name}${j}`, V128);
  code.get(width).i32(4).op(OP.i32Mul).set('rowBytes');
  code.get('from').set('i');
  for (const group of [GROUP, 1]) {
    const vectors = Array.from({ length: group }, (_, j) => j);
    code.block((exitColumns) => {
      code.loop((nextColumn) => {
        code
          .get('i')
          .i32(4 * group)
          .op(OP.i32Add)
          .get('to')
          .op(OP.i32GtS)
          .brIf(exitColumns);
        code.get('i').i32(4).op(OP.i32Mul).tee('c').set('off');
        for (const name of accumulators) {
          for (const j of vectors) {
            splat(code, 0);
            code.set(`${name}${j}`);
          }
        }
        code.i32(0).set('n');
        code.block((exitRows) => {
          code.loop((nextRow) => {
            code.get('n').get(height).op(OP.i32GeS).brIf(exitRows);
            vectors.forEach(perRow);
            code.get('off').get('rowBytes').op(OP.i32Add).set('off');
            code.get('n').i32(1).op(OP.i32Add).set('n').br(nextRow);
          });
        });
        vectors.forEach(after);
        code
          .get('i')
          .i32(4 * group)
          .op(OP.i32Add)
          .set('i')
          .br(nextColumn);
      });
    });
  }
}

/** Pushes the j-th vector of the group in row n of the array at base. */
function element(code: Code, base: string, j: number): Code {
  return code
    .get(base)
    .get('off')
    .op(OP.i32Add)
    .simd(SIMD.load, 2, 16 * j);
}

/** Adds accumulator `acc` into the j-th vector of the group at base + c. */
function addInto(code: Code, base: string, acc: string, j: number): void {
  at(code, base);
  at(code, base)
    .simd(SIMD.load, 2, 16 * j)
    .get(acc)
    .simd(SIMD.f32x4Add)
    .simd(SIMD.store, 2, 16 * j);
}

function layerNormParamGradsFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  for (const name of ['d', 'mv', 'sv']) code.local(name, V128);
  columnVectors(
    code,
    'p6',
    'p7',
    ['bias', 'weight'],
    (j) => {
      if (j === 0) {
        rowScalar(code, 'p4', 'n').simd(SIMD.f32x4Splat).set('mv');
        rowScalar(code, 'p5', 'n').simd(SIMD.f32x4Splat).set('sv');
      }
      element(code, 'p2', j).tee('d').get(`bias${j}`).simd(SIMD.f32x4Add).set(`bias${j}`);
      element(code, 'p3', j).get('mv').simd(SIMD.f32x4Sub).get('sv').simd(SIMD.f32x4Mul);
      code.get('d').simd(SIMD.f32x4Mul).get(`weight${j}`).simd(SIMD.f32x4Add).set(`weight${j}`);
    },
    (j) => {
      addInto(code, 'p1', `bias${j}`, j);
      addInto(code, 'p0', `weight${j}`, j);
    },
  );
  return code;
}

function columnSumsFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  columnVectors(
    code,
    'p2',
    'p3',
    ['sum'],
    (j) => element(code, 'p1', j).get(`sum${j}`).simd(SIMD.f32x4Add).set(`sum${j}`),
    (j) => addInto(code, 'p0', `sum${j}`, j),
  );
  return code;
}

export const NORM_KERNELS = {
  layer_norm_forward: layerNormForwardFunction,
  layer_norm_backward: layerNormBackwardFunction,
  layer_norm_param_grads: layerNormParamGradsFunction,
  column_sums: columnSumsFunction,
} as const;
