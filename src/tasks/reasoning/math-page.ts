import { h } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';

/**
 * The page of the math tasks, in the official pages' two shapes. 'inline' (simple-arithmetic): the
 * problem in `#math-question` with the answer box `#math-answer` beside it, both in `#math-problem`.
 * 'equation' (simple-algebra): `#math-problem` holds the whole equation as text, the answer box
 * below it. Then a Submit button. The answer is read as an integer, as the official page does.
 */
export function buildMathPage(
  ctx: TaskContext,
  question: string,
  answer: number,
  layout: 'inline' | 'equation' = 'inline',
): void {
  const input = h(ctx.doc, 'input', { type: 'text', id: 'math-answer' });
  const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
  submit.addEventListener('click', () => {
    const given = Number.parseInt(input.value, 10);
    if (given === answer) ctx.succeed();
    else ctx.fail(`answered "${input.value}", expected ${answer}`);
  });
  const problem =
    layout === 'inline'
      ? h(
          ctx.doc,
          'div',
          { id: 'math-problem' },
          h(ctx.doc, 'span', { id: 'math-question' }, question),
          input,
        )
      : h(ctx.doc, 'div', { id: 'math-problem' }, question);
  ctx.area.append(problem, ...(layout === 'inline' ? [] : [h(ctx.doc, 'div', {}, input)]), submit);
}

export const MATH_CSS = `
#math-problem { margin: 10px 0; font-size: 16px; text-align: center; }
#area #math-answer { width: 40px; font-size: 14px; }
`;
