import { defineTask } from '../core/task.ts';
import { buildMathPage, MATH_CSS } from './math-page.ts';

/** The operations, with the largest operand each one uses (products stay small). */
const OPERATIONS = [
  { symbol: '+', largest: 20, apply: (a: number, b: number) => a + b },
  { symbol: '-', largest: 20, apply: (a: number, b: number) => a - b },
  { symbol: 'x', largest: 10, apply: (a: number, b: number) => a * b },
];

/** `a + b =`, `a - b =` or `a x b =` with small operands; type the result and submit. */
export const simpleArithmetic = defineTask({
  name: 'simple-arithmetic',
  description: 'Solve a small arithmetic problem and type the result into the textbox.',
  css: MATH_CSS,
  generate(ctx) {
    const operation = ctx.random.pick(OPERATIONS);
    const a = ctx.random.int(1, operation.largest);
    const b = ctx.random.int(1, operation.largest);
    ctx.setUtterance('Solve the math problem and type your answer into the textbox. Press submit when done.');
    buildMathPage(ctx, `${a} ${operation.symbol} ${b} =`, operation.apply(a, b));
  },
});
