import { COPY_KERNELS } from './kernels-copy.ts';
import { LOSS_KERNELS } from './kernels-loss.ts';
import { NORM_KERNELS } from './kernels-norm.ts';
import { OPTIM_KERNELS } from './kernels-optim.ts';
import { POINTWISE_KERNELS, POINTWISE_PARAMS } from './kernels-pointwise.ts';
import { rotaryFunction } from './kernels-rotary.ts';
import { assembleModule, Code, F32, I32, OP, SIMD, V128, type ValueType } from './wasm.ts';

/**
 * The CPU engine's WebAssembly kernel: one strided matrix product, C += A B, that every dense
 * product of the model is an instance of (the linear layers' forward and both backward products,
 * and attention's four products per head; see matmul.ts). Elements are float32; A(m, k) sits at
 * byte a + m sam + k sak, B(k, n) at b + k sbk + 4 n (rows of B are contiguous), C(m, n) at
 * c + m scm + 4 n. Callers fill C first (zeros, or the bias) since the kernel accumulates.
 *
 * Register blocking: 4 rows x 8 columns of C live in eight 128-bit registers while k runs, so each
 * step loads two vectors of B and four scalars of A for 32 multiply-adds, and the four rows of A
 * (4 K floats) stay in L1 while B streams from L2. Rows left over (M mod 4) go one at a time with
 * 4-wide vectors; columns left over go scalar.
 *
 * `causal` skips work a causal mask zeroes: 1 bounds k by the row (k <= m + diag: the product of
 * attention probabilities and values), 2 bounds n the same way (the scores: only s <= t is read),
 * 3 starts k at the row (k >= m + diag: the key and value gradients, through transposed
 * probabilities, where key s only meets queries t >= s).
 */

export type SimdKind = 'relaxed' | 'plain';

const PARAMS = ['a', 'b', 'c', 'M', 'N', 'K', 'sam', 'sak', 'sbk', 'scm', 'causal', 'diag'];
const TAIL_PARAMS = ['a', 'b', 'c', 'm0', 'm1', 'n0', 'n1', 'k0', 'k1', 'sam', 'sak', 'sbk', 'scm'];
/** Index of `tail` among the module's functions (it is called by `matmul`). */
const TAIL_INDEX = 1;

/** acc = av * bv + acc, fused where relaxed SIMD is on. */
function multiplyAdd(code: Code, acc: string, av: string, bv: string, simd: SimdKind): void {
  if (simd === 'relaxed') code.get(av).get(bv).get(acc).simd(SIMD.f32x4RelaxedMadd).set(acc);
  else code.get(acc).get(av).get(bv).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(acc);
}

/** Pushes min(local x, stack-free expression y). */
function setMin(code: Code, target: string, x: () => void, y: () => void): void {
  x();
  y();
  x();
  y();
  code.op(OP.i32LtS, OP.select).set(target);
}

/** The limits of k and n for rows starting at `row` (a block of `rows`), as `causal` says. */
function limits(code: Code, row: string, rows: number): void {
  code.get('K').set('kEnd').get('N').set('nEnd').i32(0).set('kStart');
  const bound = (): void => {
    code.get(row).get('diag').op(OP.i32Add).i32(rows).op(OP.i32Add);
  };
  code
    .get('causal')
    .i32(1)
    .op(OP.i32Eq)
    .when(() => setMin(code, 'kEnd', () => code.get('K'), bound));
  code
    .get('causal')
    .i32(2)
    .op(OP.i32Eq)
    .when(() => setMin(code, 'nEnd', () => code.get('N'), bound));
  code
    .get('causal')
    .i32(3)
    .op(OP.i32Eq)
    .when(() =>
      setMin(
        code,
        'kStart',
        () => code.get('K'),
        () => code.get(row).get('diag').op(OP.i32Add),
      ),
    );
}

/** ap and bp at k = kStart of rows m0 and columns n0, and k the count of k left. */
function kPointers(code: Code): void {
  code.get('a').get('m0').get('sam').op(OP.i32Mul, OP.i32Add);
  code.get('kStart').get('sak').op(OP.i32Mul, OP.i32Add).set('ap');
  code.get('b').get('n0').i32(4).op(OP.i32Mul, OP.i32Add);
  code.get('kStart').get('sbk').op(OP.i32Mul, OP.i32Add).set('bp');
  code.get('kEnd').get('kStart').op(OP.i32Sub).set('k');
}

function matmulFunction(simd: SimdKind): Code {
  const code = new Code(PARAMS);
  for (const name of ['m0', 'n0', 'k', 'kStart', 'kEnd', 'nEnd', 'ap', 'bp', 'cp', 'sam2', 'sam3'])
    code.local(name, I32);
  const accs = Array.from({ length: 8 }, (_, i) => code.local(`acc${i}`, V128));
  for (const name of ['b0', 'b1', 'av']) code.local(name, V128);
  const load = (offset: number): void => {
    code.simd(SIMD.load, 2, offset);
  };
  const cRow = (i: number): void => {
    // address of C row m0 + i at column n0: cp + i scm
    code.get('cp');
    if (i > 0) code.get('scm').i32(i).op(OP.i32Mul, OP.i32Add);
  };
  const aScalar = (i: number): void => {
    code.get('ap');
    if (i === 1) code.get('sam').op(OP.i32Add);
    if (i === 2) code.get('sam2').op(OP.i32Add);
    if (i === 3) code.get('sam3').op(OP.i32Add);
    code.simd(SIMD.load32Splat, 2, 0).set('av');
  };
  const callTail = (m0: () => void, m1: () => void): void => {
    code.get('a').get('b').get('c');
    m0();
    m1();
    code.get('n0').get('nEnd').get('kStart').get('kEnd').get('sam').get('sak').get('sbk').get('scm');
    code.op(OP.call, TAIL_INDEX);
  };

  /** C rows m0..m0 + 3, columns n0..n0 + 4 vectors - 1, += A B over k: 4 x vectors accumulators. */
  const tile = (vectors: 1 | 2): void => {
    const acc = (i: number, j: number): string => accs[2 * i + j]!;
    const bv = ['b0', 'b1'];
    code.get('c').get('m0').get('scm').op(OP.i32Mul, OP.i32Add);
    code.get('n0').i32(4).op(OP.i32Mul, OP.i32Add).set('cp');
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < vectors; j++) {
        cRow(i);
        load(16 * j);
        code.set(acc(i, j));
      }
    }
    kPointers(code);
    code.block((exitK) => {
      code.loop((nextK) => {
        code.get('k').op(OP.i32Eqz).brIf(exitK);
        for (let j = 0; j < vectors; j++) {
          code.get('bp');
          load(16 * j);
          code.set(bv[j]!);
        }
        for (let i = 0; i < 4; i++) {
          aScalar(i);
          for (let j = 0; j < vectors; j++) multiplyAdd(code, acc(i, j), 'av', bv[j]!, simd);
        }
        code.get('ap').get('sak').op(OP.i32Add).set('ap');
        code.get('bp').get('sbk').op(OP.i32Add).set('bp');
        code.get('k').i32(1).op(OP.i32Sub).set('k').br(nextK);
      });
    });
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < vectors; j++) {
        cRow(i);
        code.get(acc(i, j)).simd(SIMD.store, 2, 16 * j);
      }
    }
  };

  code.get('sam').i32(2).op(OP.i32Mul).set('sam2');
  code.get('sam').i32(3).op(OP.i32Mul).set('sam3');
  code.i32(0).set('m0');
  code.block((exitM) => {
    code.loop((nextM) => {
      code.get('m0').i32(4).op(OP.i32Add).get('M').op(OP.i32GtS).brIf(exitM);
      limits(code, 'm0', 4);
      code.i32(0).set('n0');
      code.block((exitN) => {
        code.loop((nextN) => {
          code.get('n0').i32(8).op(OP.i32Add).get('nEnd').op(OP.i32GtS).brIf(exitN);
          tile(2);
          code.get('n0').i32(8).op(OP.i32Add).set('n0').br(nextN);
        });
      });
      // Four columns left (the causal scores' last block, a vocabulary of 4 n + 4): one vector wide.
      code.get('n0').i32(4).op(OP.i32Add).get('nEnd').op(OP.i32GtS).op(OP.i32Eqz);
      code.when(() => {
        tile(1);
        code.get('n0').i32(4).op(OP.i32Add).set('n0');
      });
      callTail(
        () => code.get('m0'),
        () => code.get('m0').i32(4).op(OP.i32Add),
      );
      code.get('m0').i32(4).op(OP.i32Add).set('m0').br(nextM);
    });
  });
  // The rows left over, one at a time: 4-wide vectors, then the scalar tail.
  code.block((exitM) => {
    code.loop((nextM) => {
      code.get('m0').get('M').op(OP.i32GeS).brIf(exitM);
      limits(code, 'm0', 1);
      code.i32(0).set('n0');
      code.block((exitN) => {
        code.loop((nextN) => {
          code.get('n0').i32(4).op(OP.i32Add).get('nEnd').op(OP.i32GtS).brIf(exitN);
          code.get('c').get('m0').get('scm').op(OP.i32Mul, OP.i32Add);
          code.get('n0').i32(4).op(OP.i32Mul, OP.i32Add).tee('cp');
          load(0);
          code.set('acc0');
          kPointers(code);
          code.block((exitK) => {
            code.loop((nextK) => {
              code.get('k').op(OP.i32Eqz).brIf(exitK);
              code.get('bp');
              load(0);
              code.set('b0');
              aScalar(0);
              multiplyAdd(code, 'acc0', 'av', 'b0', simd);
              code.get('ap').get('sak').op(OP.i32Add).set('ap');
              code.get('bp').get('sbk').op(OP.i32Add).set('bp');
              code.get('k').i32(1).op(OP.i32Sub).set('k').br(nextK);
            });
          });
          code.get('cp').get('acc0').simd(SIMD.store, 2, 0);
          code.get('n0').i32(4).op(OP.i32Add).set('n0').br(nextN);
        });
      });
      callTail(
        () => code.get('m0'),
        () => code.get('m0').i32(1).op(OP.i32Add),
      );
      code.get('m0').i32(1).op(OP.i32Add).set('m0').br(nextM);
    });
  });
  return code;
}

/** Scalar C(m, n) += sum over k in [k0, k1) of A(m, k) B(k, n) for m in [m0, m1), n in [n0, n1). */
function tailFunction(): Code {
  const code = new Code(TAIL_PARAMS);
  for (const name of ['m', 'n', 'k', 'ap', 'bp', 'cp']) code.local(name, I32);
  code.local('sum', F32);
  code.get('m0').set('m');
  code.block((exitM) => {
    code.loop((nextM) => {
      code.get('m').get('m1').op(OP.i32GeS).brIf(exitM);
      code.get('n0').set('n');
      code.block((exitN) => {
        code.loop((nextN) => {
          code.get('n').get('n1').op(OP.i32GeS).brIf(exitN);
          code.get('c').get('m').get('scm').op(OP.i32Mul, OP.i32Add);
          code.get('n').i32(4).op(OP.i32Mul, OP.i32Add).tee('cp');
          code.op(OP.f32Load, 2, 0).set('sum');
          code.get('a').get('m').get('sam').op(OP.i32Mul, OP.i32Add);
          code.get('k0').get('sak').op(OP.i32Mul, OP.i32Add).set('ap');
          code.get('b').get('n').i32(4).op(OP.i32Mul, OP.i32Add);
          code.get('k0').get('sbk').op(OP.i32Mul, OP.i32Add).set('bp');
          code.get('k1').get('k0').op(OP.i32Sub).set('k');
          code.block((exitK) => {
            code.loop((nextK) => {
              code.get('k').op(OP.i32Eqz).brIf(exitK);
              code.get('sum').get('ap').op(OP.f32Load, 2, 0).get('bp').op(OP.f32Load, 2, 0);
              code.op(OP.f32Mul, OP.f32Add).set('sum');
              code.get('ap').get('sak').op(OP.i32Add).set('ap');
              code.get('bp').get('sbk').op(OP.i32Add).set('bp');
              code.get('k').i32(1).op(OP.i32Sub).set('k').br(nextK);
            });
          });
          code.get('cp').get('sum').op(OP.f32Store, 2, 0);
          code.get('n').i32(1).op(OP.i32Add).set('n').br(nextN);
        });
      });
      code.get('m').i32(1).op(OP.i32Add).set('m').br(nextM);
    });
  });
  return code;
}

/** The kernels the runtime runs over ranges of elements or rows, by export name. */
export const ROW_KERNELS = {
  ...POINTWISE_KERNELS,
  ...LOSS_KERNELS,
  rotary: rotaryFunction,
  ...NORM_KERNELS,
  ...OPTIM_KERNELS,
  ...COPY_KERNELS,
};
export type RowKernel = keyof typeof ROW_KERNELS;

/** The kernel module's bytes, for a shared or unshared memory of at most maximumPages pages. */
export function kernelModuleBytes(
  simd: SimdKind,
  memory: { readonly shared: boolean; readonly maximumPages: number },
): Uint8Array<ArrayBuffer> {
  return assembleModule(
    [
      { name: 'matmul', params: PARAMS.map(() => I32), code: matmulFunction(simd) },
      { name: 'tail', params: TAIL_PARAMS.map(() => I32), code: tailFunction() },
      ...Object.entries(ROW_KERNELS).map(([name, make]) => ({
        name,
        params: POINTWISE_PARAMS.map((): ValueType => I32),
        code: make(),
      })),
    ],
    memory,
  );
}

/**
 * The best SIMD this runtime validates: relaxed SIMD's fused multiply-add where it is on (Chromium;
 * Node 20 only behind a flag), plain 128-bit SIMD otherwise. Throws where WebAssembly SIMD is missing.
 */
export function detectSimd(): SimdKind {
  const memory = { shared: false, maximumPages: 1 };
  if (WebAssembly.validate(kernelModuleBytes('relaxed', memory))) return 'relaxed';
  if (WebAssembly.validate(kernelModuleBytes('plain', memory))) return 'plain';
  throw new Error(
    'This JavaScript runtime has no WebAssembly SIMD: use the reference CPU engine (engine "reference") or a newer browser.',
  );
}
