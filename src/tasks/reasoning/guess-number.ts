import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

/**
 * A hidden digit; each guess gets feedback ("The number is higher than 4.") until it is right. A
 * wrong guess costs only time, so the episode ends with success or at the step or time limit.
 */
export const guessNumber = defineTask({
  name: 'guess-number',
  description: 'Guess the hidden number between 0 and 9, using the higher/lower feedback.',
  // Every instance shows the same page; only the hidden number differs.
  observationVaries: false,
  maxTime: 900,
  css: `
#feedback div { margin-top: 20px; height: 20px; font-weight: bold; text-align: center; }
#area form { margin: 10px auto; text-align: center; }
#area #tt { width: 30px; }
.hide { display: none; }
`,
  generate(ctx) {
    const secret = ctx.random.int(0, 9);
    ctx.setUtterance(
      'Guess the number between 0-9 and press Submit. Use the feedback below to find the right number.',
    );
    const message = (id: string, ...text: (string | HTMLElement)[]): HTMLDivElement =>
      h(ctx.doc, 'div', { id, class: id === 'waiting' ? undefined : 'hide' }, ...text);
    const lowerThan = h(ctx.doc, 'span');
    const higherThan = h(ctx.doc, 'span');
    const messages = [
      message('waiting', 'Waiting for your guess...'),
      message('correct', 'Correct!'),
      message('lower', 'The number is lower than ', lowerThan, '.'),
      message('higher', 'The number is higher than ', higherThan, '.'),
    ];
    const show = (id: string): void => messages.forEach((m) => m.classList.toggle('hide', m.id !== id));
    const input = h(ctx.doc, 'input', { type: 'number', id: 'tt' });
    const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    const form = h(ctx.doc, 'form', {}, input, submit);
    // The page must not navigate away on a form submission.
    form.addEventListener('submit', (event) => event.preventDefault());
    submit.addEventListener('click', (event) => {
      event.preventDefault();
      const guess = Number.parseInt(input.value, 10);
      if (Number.isNaN(guess)) {
        show('none');
      } else if (guess === secret) {
        show('correct');
        ctx.succeed();
      } else {
        (guess < secret ? higherThan : lowerThan).textContent = String(guess);
        show(guess < secret ? 'higher' : 'lower');
      }
    });
    ctx.area.append(h(ctx.doc, 'div', { id: 'feedback' }, ...messages), form);
  },
});
