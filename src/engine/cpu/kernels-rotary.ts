import { POINTWISE_PARAMS, splat } from './kernels-pointwise.ts';
import { Code, I32, OP, SIMD, V128 } from './wasm.ts';

/**
 * Rotary positions over rows n in [from, to) of qkv [N, 3C]: p0 out, p1 inp, p2 the angles'
 * table [N, 2, half] (cos, then sin times the direction), p3 C, p4 NH, p5 half (a multiple of 4),
 * p6 1 to add into out (the backward) or 0 to overwrite it. Channel i of each query and key head
 * pairs with i + half; values pass through.
 */
export function rotaryFunction(): Code {
  const code = new Code(POINTWISE_PARAMS);
  for (const name of ['r', 'i', 'h', 'first', 'table', 'halfBytes']) code.local(name, I32);
  for (const name of ['add', 'c', 's', 'x1', 'x2']) code.local(name, V128);
  /** Pushes the v128 at (out or inp) + first + i (+ half when `second`). */
  const at = (base: string, second: boolean): void => {
    code.get(base).get('first').op(OP.i32Add).get('i').op(OP.i32Add);
    if (second) code.get('halfBytes').op(OP.i32Add);
  };
  /** Pushes y + (out there when adding, else 0), y on the stack. */
  const accumulate = (second: boolean): void => {
    at('p0', second);
    code.simd(SIMD.load, 2, 0);
    splat(code, 0);
    code.get('add').simd(SIMD.bitselect).simd(SIMD.f32x4Add);
  };
  const loop = (counter: string, end: () => void, step: number, body: () => void): void => {
    code.block((exit) => {
      code.loop((next) => {
        code.get(counter);
        end();
        code.op(OP.i32GeS).brIf(exit);
        body();
        code.get(counter).i32(step).op(OP.i32Add).set(counter).br(next);
      });
    });
  };
  code.i32(0).get('p6').op(OP.i32Sub).simd(SIMD.i32x4Splat).set('add');
  code.get('p5').i32(4).op(OP.i32Mul).set('halfBytes');
  code.get('from').set('r');
  loop(
    'r',
    () => code.get('to'),
    1,
    () => {
      code.get('p2').get('r').get('halfBytes').op(OP.i32Mul).i32(2).op(OP.i32Mul, OP.i32Add).set('table');
      // queries and keys: heads of 2 half channels from the row's start, 2 NH of them
      code.get('r').get('p3').op(OP.i32Mul).i32(12).op(OP.i32Mul).set('first');
      code.i32(0).set('h');
      loop(
        'h',
        () => code.get('p4').i32(2).op(OP.i32Mul),
        1,
        () => {
          code.i32(0).set('i');
          loop(
            'i',
            () => code.get('halfBytes'),
            16,
            () => {
              code.get('table').get('i').op(OP.i32Add).simd(SIMD.load, 2, 0).set('c');
              code
                .get('table')
                .get('i')
                .op(OP.i32Add)
                .get('halfBytes')
                .op(OP.i32Add)
                .simd(SIMD.load, 2, 0)
                .set('s');
              at('p1', false);
              code.simd(SIMD.load, 2, 0).set('x1');
              at('p1', true);
              code.simd(SIMD.load, 2, 0).set('x2');
              at('p0', false);
              code
                .get('x1')
                .get('c')
                .simd(SIMD.f32x4Mul)
                .get('x2')
                .get('s')
                .simd(SIMD.f32x4Mul)
                .simd(SIMD.f32x4Sub);
              accumulate(false);
              code.simd(SIMD.store, 2, 0);
              at('p0', true);
              code
                .get('x1')
                .get('s')
                .simd(SIMD.f32x4Mul)
                .get('x2')
                .get('c')
                .simd(SIMD.f32x4Mul)
                .simd(SIMD.f32x4Add);
              accumulate(true);
              code.simd(SIMD.store, 2, 0);
            },
          );
          code.get('first').get('halfBytes').i32(2).op(OP.i32Mul, OP.i32Add).set('first');
        },
      );
      // values: the row's last C channels, first now at their start
      code.i32(0).set('i');
      loop(
        'i',
        () => code.get('p3').i32(4).op(OP.i32Mul),
        16,
        () => {
          at('p0', false);
          at('p1', false);
          code.simd(SIMD.load, 2, 0);
          accumulate(false);
          code.simd(SIMD.store, 2, 0);
        },
      );
    },
  );
  return code;
}
