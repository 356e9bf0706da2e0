import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { randomString } from '../core/words.ts';

/** Type the same password into the password field and its verification field, then Submit. */
export const enterPassword = defineTask({
  name: 'enter-password',
  description: 'Enter a given password into both password fields.',
  maxTime: 15,
  generate(ctx) {
    const password = randomString(ctx.random, 2, 5);
    ctx.setUtterance(`Enter the password "${password}" into both text fields and press submit.`);
    const field = (id: string, label: string): [HTMLElement, HTMLInputElement] => {
      const input = h(ctx.doc, 'input', { type: 'password', id });
      return [h(ctx.doc, 'p', {}, h(ctx.doc, 'label', {}, label), input), input];
    };
    const [passwordRow, first] = field('password', 'Password');
    const [verifyRow, verify] = field('verify', 'Verify password');
    const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () =>
      first.value === password && verify.value === password
        ? ctx.succeed()
        : ctx.fail(`entered "${first.value}" and "${verify.value}"`),
    );
    ctx.area.append(h(ctx.doc, 'div', { id: 'form' }, passwordRow, verifyRow, submit));
  },
});
