import { defineTask } from '../core/task.ts';
import { buildMathPage, MATH_CSS } from './math-page.ts';

/** A one-step linear equation in x (`x + 4 = 11`, `9 - x = 3`...); type x and submit. */
export const simpleAlgebra = defineTask({
  name: 'simple-algebra',
  description: 'Solve a one-step equation for x and type x into the textbox.',
  css: MATH_CSS,
  generate(ctx) {
    const x = ctx.random.int(1, 19);
    const b = ctx.random.int(1, 19);
    const equation = ctx.random.pick([
      `x + ${b} = ${x + b}`,
      `${b} + x = ${x + b}`,
      `x - ${b} = ${x - b}`,
      `${b} - x = ${b - x}`,
    ]);
    ctx.setUtterance('Solve for x and type your answer into the textbox. Press Submit when done.');
    buildMathPage(ctx, equation, x);
  },
});
