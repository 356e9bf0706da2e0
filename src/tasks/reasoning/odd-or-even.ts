import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

const ROWS = 3;

/**
 * Three numbers from -5 to 10, each with an Odd and an Even button; mark each and submit. The
 * official reward: +1/3 per number marked right, -1/3 per number marked wrong, -0.25/3 per number
 * left unmarked, so two right marks out of three still count as a (partial) success.
 */
export const oddOrEven = defineTask({
  name: 'odd-or-even',
  description: 'Mark each number as odd or even, then press Submit.',
  partialCredit: true,
  maxTime: 15,
  css: `
#numbers .row { display: block; width: 150px; margin: 5px; overflow: hidden; }
#numbers span { display: inline-block; float: left; width: 30%; }
#numbers .middle { text-align: center; font-size: 20px; font-weight: bold; }
#numbers .selected { color: #4286f4; }
#form { width: 140px; text-align: center; }
`,
  generate(ctx) {
    ctx.setUtterance('Mark the numbers below as odd or even and press submit when done.');
    const numbers = h(ctx.doc, 'div', { id: 'numbers' });
    const rows = Array.from({ length: ROWS }, () => {
      const value = ctx.random.int(-5, 10);
      const odd = h(ctx.doc, 'button', { class: 'odd' }, 'Odd');
      const even = h(ctx.doc, 'button', { class: 'even' }, 'Even');
      for (const button of [odd, even]) {
        button.addEventListener('click', () => {
          odd.classList.toggle('selected', button === odd);
          even.classList.toggle('selected', button === even);
        });
      }
      numbers.append(
        h(
          ctx.doc,
          'div',
          { class: 'row' },
          h(ctx.doc, 'span', { class: 'left' }, odd),
          h(ctx.doc, 'span', { class: 'middle' }, h(ctx.doc, 'div', { class: 'display-number' }, value)),
          h(ctx.doc, 'span', { class: 'right' }, even),
        ),
      );
      return { isOdd: Math.abs(value) % 2 === 1, odd, even };
    });
    const submit = h(ctx.doc, 'button', { id: 'submit' }, 'Submit');
    const markOf = (row: (typeof rows)[number]): 'odd' | 'even' | null =>
      row.odd.classList.contains('selected')
        ? 'odd'
        : row.even.classList.contains('selected')
          ? 'even'
          : null;
    submit.addEventListener('click', () => {
      const score = rows.reduce((sum, row) => {
        const mark = markOf(row);
        return sum + (mark === null ? -0.25 : (mark === 'odd') === row.isOdd ? 1 : -1);
      }, 0);
      ctx.end(score / ROWS);
    });
    ctx.area.append(numbers, h(ctx.doc, 'div', { id: 'form' }, submit));
  },
});
