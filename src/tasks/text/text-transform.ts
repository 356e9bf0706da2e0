import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { entryForm } from './entry-form.ts';
import { randomString } from '../core/words.ts';

/** A short code drawn as skewed letters, captcha-style: type it into the field and press Submit. */
export const textTransform = defineTask({
  name: 'text-transform',
  description: 'Type the distorted text shown into a text field.',
  maxTime: 15,
  css: `
#captcha, #tt { font-family: serif; }
#captcha { font-size: 25px; margin: 10px auto; text-align: center; }
#captcha span { display: inline-block; user-select: none; cursor: default; }`,
  generate(ctx) {
    ctx.setUtterance('Type the text below into the text field and press Submit.');
    const text = randomString(ctx.random, 3, 4);
    const captcha = h(ctx.doc, 'div', { id: 'captcha' });
    for (const letter of text) {
      const skewX = ctx.random.int(-15, 15);
      const skewY = ctx.random.chance(0.5) ? ctx.random.int(-40, -10) : ctx.random.int(10, 40);
      captcha.append(
        h(ctx.doc, 'span', { style: `transform: skewX(${skewX}deg) skewY(${skewY}deg)` }, letter),
      );
    }
    ctx.area.append(captcha, entryForm(ctx, { expected: text, margin: [10, 20] }));
  },
});
