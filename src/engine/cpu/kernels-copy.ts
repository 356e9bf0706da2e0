import { POINTWISE_PARAMS } from './kernels-pointwise.ts';
import { Code, I32, OP, SIMD, V128 } from './wasm.ts';

/**
 * The CPU engine's data movement as kernels: V8 fills and copies a typed array over shared
 * memory several times slower than WebAssembly's memory.fill and memory.copy, and its indexed
 * loops slower than the same loop here.
 *   zero, elements [from, to): floats p0 + 4 from .. p0 + 4 to become 0.
 *   add, elements [from, to) (whole vectors): out (p0) = a (p1) + b (p2) (the residual stream).
 *   broadcast_rows, rows [from, to): row r of out (p0) [N, p2] = the row at p1 (a bias).
 *   gather_columns, rows [from, to): row k of dst (p0), p2 floats long, takes src (p1) element
 *     (b p2 + t) p3 + (k mod p4) at t, b = k div p4: a matrix transposed (p2 rows of p3, p4 = p3),
 *     or attention's keys or values per head (p2 = T, p3 = 3C, p4 = C: row k = (b, h, i)).
 *   embedding_forward, rows [from, to): row n of out (p0) [N, p5] = row tokens[n] of wte (p1)
 *     + row positions[n] of wpe (p2, where p6 is 1), tokens (p3) and positions (p4) int32 [N].
 *   embedding_backward, columns [from, to) (whole vectors): for every n, row tokens[n] of dwte
 *     (p0) and row positions[n] of dwpe (p1, where p7 is 1) += row n of dout (p2) [N, p5], N p6.
 *     Two tokens may share a row, so threads split the columns, never the rows.
 */

/** Pushes p + 4 x for the i32 expression x. */
function floatAddress(code: Code, base: string, index: () => void): Code {
  code.get(base);
  index();
  return code.i32(4).op(OP.i32Mul, OP.i32Add);
}

function zeroFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  floatAddress(code, 'p0', () => code.get('from'));
  code.i32(0).get('to').get('from').op(OP.i32Sub).i32(4).op(OP.i32Mul);
  return code.memoryFill();
}

function addFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  code.local('o', I32);
  floatAddress(code, 'p0', () => code.get('from'))
    .get('p0')
    .op(OP.i32Sub)
    .set('o');
  code.get('to').i32(4).op(OP.i32Mul).set('to');
  code.block((exit) => {
    code.loop((next) => {
      code.get('o').get('to').op(OP.i32GeS).brIf(exit);
      code.get('p0').get('o').op(OP.i32Add);
      code.get('p1').get('o').op(OP.i32Add).simd(SIMD.load, 2, 0);
      code.get('p2').get('o').op(OP.i32Add).simd(SIMD.load, 2, 0);
      code.simd(SIMD.f32x4Add).simd(SIMD.store, 2, 0);
      code.get('o').i32(16).op(OP.i32Add).set('o').br(next);
    });
  });
  return code;
}

function broadcastRowsFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  code.local('r', I32);
  code.get('from').set('r');
  code.block((exit) => {
    code.loop((next) => {
      code.get('r').get('to').op(OP.i32GeS).brIf(exit);
      floatAddress(code, 'p0', () => code.get('r').get('p2').op(OP.i32Mul));
      code.get('p1').get('p2').i32(4).op(OP.i32Mul).memoryCopy();
      code.get('r').i32(1).op(OP.i32Add).set('r').br(next);
    });
  });
  return code;
}

function gatherColumnsFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  for (const name of ['k', 't', 'dst', 'src', 'step']) code.local(name, I32);
  code.get('p3').i32(4).op(OP.i32Mul).set('step');
  code.get('from').set('k');
  code.block((exitRows) => {
    code.loop((nextRow) => {
      code.get('k').get('to').op(OP.i32GeS).brIf(exitRows);
      floatAddress(code, 'p0', () => code.get('k').get('p2').op(OP.i32Mul)).set('dst');
      // src + 4 ((k div p4) p2 p3 + k mod p4)
      floatAddress(code, 'p1', () => {
        code.get('k').get('p4').op(OP.i32DivU).get('p2').op(OP.i32Mul).get('p3').op(OP.i32Mul);
        code.get('k').get('p4').op(OP.i32RemU).op(OP.i32Add);
      }).set('src');
      code.i32(0).set('t');
      code.block((exit) => {
        code.loop((next) => {
          code.get('t').get('p2').op(OP.i32GeS).brIf(exit);
          code.get('dst').get('src').op(OP.f32Load, 2, 0).op(OP.f32Store, 2, 0);
          code.get('dst').i32(4).op(OP.i32Add).set('dst');
          code.get('src').get('step').op(OP.i32Add).set('src');
          code.get('t').i32(1).op(OP.i32Add).set('t').br(next);
        });
      });
      code.get('k').i32(1).op(OP.i32Add).set('k').br(nextRow);
    });
  });
  return code;
}

/** Pushes the address of row (the int32 at p + 4 n) of the [*, C] array at base. */
function indexedRow(code: Code, base: string, indices: string, n: string): Code {
  code.get(base).get(indices).get(n).i32(4).op(OP.i32Mul, OP.i32Add).op(OP.i32Load, 2, 0);
  return code.get('rowBytes').op(OP.i32Mul, OP.i32Add);
}

/** The loop over i in [start, end) by step, both i32 locals or params. */
function range(code: Code, i: string, start: () => void, end: string, step: number, body: () => void): void {
  start();
  code.set(i);
  code.block((exit) => {
    code.loop((next) => {
      code.get(i).get(end).op(OP.i32GeS).brIf(exit);
      body();
      code.get(i).i32(step).op(OP.i32Add).set(i).br(next);
    });
  });
}

function embeddingForwardFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  for (const name of ['r', 'c', 'dst', 'src', 'rowBytes']) code.local(name, I32);
  code.get('p5').i32(4).op(OP.i32Mul).set('rowBytes');
  range(
    code,
    'r',
    () => code.get('from'),
    'to',
    1,
    () => {
      floatAddress(code, 'p0', () => code.get('r').get('p5').op(OP.i32Mul)).tee('dst');
      indexedRow(code, 'p1', 'p3', 'r').get('rowBytes').memoryCopy();
      code.get('p6').when(() => {
        indexedRow(code, 'p2', 'p4', 'r').set('src');
        range(
          code,
          'c',
          () => code.i32(0),
          'rowBytes',
          4,
          () => {
            code.get('dst').get('c').op(OP.i32Add);
            code.get('dst').get('c').op(OP.i32Add).op(OP.f32Load, 2, 0);
            code.get('src').get('c').op(OP.i32Add).op(OP.f32Load, 2, 0);
            code.op(OP.f32Add).op(OP.f32Store, 2, 0);
          },
        );
      });
    },
  );
  return code;
}

function embeddingBackwardFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  for (const name of ['n', 'c', 'end', 'row', 'token', 'position', 'rowBytes']) code.local(name, I32);
  code.local('d', V128);
  code.get('p5').i32(4).op(OP.i32Mul).set('rowBytes');
  code.get('to').i32(4).op(OP.i32Mul).set('end');
  /** Adds d into the vector at the row address in local `target`, column c. */
  const addTo = (target: string): void => {
    code.get(target).get('c').op(OP.i32Add);
    code.get(target).get('c').op(OP.i32Add).simd(SIMD.load, 2, 0);
    code.get('d').simd(SIMD.f32x4Add).simd(SIMD.store, 2, 0);
  };
  range(
    code,
    'n',
    () => code.i32(0),
    'p6',
    1,
    () => {
      code.get('p2').get('n').get('rowBytes').op(OP.i32Mul, OP.i32Add).set('row');
      indexedRow(code, 'p0', 'p3', 'n').set('token');
      indexedRow(code, 'p1', 'p4', 'n').set('position');
      range(
        code,
        'c',
        () => code.get('from').i32(4).op(OP.i32Mul),
        'end',
        16,
        () => {
          code.get('row').get('c').op(OP.i32Add).simd(SIMD.load, 2, 0).set('d');
          addTo('token');
          code.get('p7').when(() => addTo('position'));
        },
      );
    },
  );
  return code;
}

export const COPY_KERNELS = {
  zero: zeroFunction,
  add: addFunction,
  broadcast_rows: broadcastRowsFunction,
  gather_columns: gatherColumnsFunction,
  embedding_forward: embeddingForwardFunction,
  embedding_backward: embeddingBackwardFunction,
} as const;
