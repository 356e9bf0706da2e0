import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { BUTTON_WORDS } from '../core/words.ts';

/** Several labelled buttons; click the one the instruction names. Any other button fails. */
export const clickButton = defineTask({
  name: 'click-button',
  description: 'Click the button with the given label.',
  generate(ctx) {
    const labels = ctx.random.sample(BUTTON_WORDS, ctx.random.int(2, 6));
    const target = ctx.random.pick(labels);
    ctx.setUtterance(`Click on the "${target}" button.`);
    for (const label of labels) {
      const button = h(ctx.doc, 'button', {}, label);
      button.addEventListener('click', () =>
        label === target ? ctx.succeed() : ctx.fail(`clicked "${label}"`),
      );
      ctx.area.append(button);
      if (ctx.random.chance(0.4)) ctx.area.append(h(ctx.doc, 'br'));
    }
  },
});
