import { defineTask } from '../core/task.ts';
import { buildMathPage, MATH_CSS } from './math-page.ts';

/**
 * A one-step linear equation in x (`x + 4 = 11`, `9 - x = 3`...) written whole in `#math-problem`,
 * as the official page writes it; type x and submit. Every number shown, and x, is non-negative.
 */
export const simpleAlgebra = defineTask({
  name: 'simple-algebra',
  description: 'Solve a one-step equation for x and type x into the textbox.',
  css: MATH_CSS,
  generate(ctx) {
    const form = ctx.random.int(0, 3);
    const a = ctx.random.int(1, 19);
    const c = ctx.random.int(0, 19);
    // Each form picks its numbers so that nothing shown is negative.
    const [equation, x] = [
      [`x + ${a} = ${a + c}`, c],
      [`${a} + x = ${a + c}`, c],
      [`x - ${a} = ${c}`, a + c],
      [`${a + c} - x = ${c}`, a],
    ][form] as [string, number];
    ctx.setUtterance('Solve for x and type your answer into the textbox. Press Submit when done.');
    buildMathPage(ctx, equation, x, 'equation');
  },
});
