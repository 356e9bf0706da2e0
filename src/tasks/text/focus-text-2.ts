import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { ordinal } from '../core/words.ts';

const INPUT_COUNT = 3;

/** Three text inputs; focus the one the utterance counts to. Focusing another one fails. */
export const focusText2 = defineTask({
  name: 'focus-text-2',
  description: 'Focus into the n-th of three text inputs.',
  generate(ctx) {
    const target = ctx.random.int(1, INPUT_COUNT);
    ctx.setUtterance(`Focus into the ${ordinal(target)} input textbox.`);
    const form = h(ctx.doc, 'div', { id: 'form', style: `margin-left:${ctx.random.int(0, 30)}px` });
    for (let position = 1; position <= INPUT_COUNT; position++) {
      const input = h(ctx.doc, 'input', {
        type: 'text',
        style: `margin-top:${ctx.random.int(2, 20)}px`,
      });
      input.addEventListener('focus', () =>
        position === target ? ctx.succeed() : ctx.fail(`focused the ${ordinal(position)} input`),
      );
      form.append(input, h(ctx.doc, 'br'));
    }
    ctx.area.append(form);
  },
});
