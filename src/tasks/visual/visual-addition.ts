import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

/** Two groups of 1 to 10 blue blocks: type how many there are in all, then Submit. */
export const visualAddition = defineTask({
  name: 'visual-addition',
  description: 'Count the blocks of both groups, type the total and press Submit.',
  wave: 2,
  perception: 'visual',
  maxTime: 15,
  css: `
#area { text-align: center; position: relative; height: 140px; }
#math-problem { font-size: 30px; display: inline-block; margin-top: 20px; }
#math-container { position: absolute; bottom: 5px; left: 10px; }
#area #math-answer { width: 35px; font-size: 16px; }
#visual-1, #visual-2 { max-width: 50px; display: inline-block; }
.addition-block { height: 10px; width: 10px; margin: 1px; display: inline-block; border: 1px solid black; float: left; background-color: #7fb0ff; }
`,
  generate(ctx) {
    ctx.setUtterance('Type the total number of blocks into the textbox and press Submit.');
    const counts = [ctx.random.int(1, 10), ctx.random.int(1, 10)] as const;
    const group = (id: string, count: number): HTMLElement =>
      h(
        ctx.doc,
        'span',
        { id },
        ...Array.from({ length: count }, () => h(ctx.doc, 'span', { class: 'addition-block' })),
      );
    const answer = h(ctx.doc, 'input', { type: 'text', id: 'math-answer' });
    const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    const total = String(counts[0] + counts[1]);
    submit.addEventListener('click', () =>
      answer.value === total ? ctx.succeed() : ctx.fail(`typed ${answer.value}`),
    );
    ctx.area.append(
      h(
        ctx.doc,
        'div',
        { id: 'math-problem' },
        group('visual-1', counts[0]),
        h(ctx.doc, 'span', {}, '+'),
        group('visual-2', counts[1]),
      ),
      h(ctx.doc, 'div', { id: 'math-container' }, answer, submit),
    );
  },
});
