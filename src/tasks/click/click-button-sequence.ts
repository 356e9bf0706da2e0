import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

/** Click ONE, then TWO: TWO before ONE fails. */
export const clickButtonSequence = defineTask({
  name: 'click-button-sequence',
  description: 'Click button ONE, then button TWO.',
  css: '#subbtn, #subbtn2 { width: 40px; height: 40px; }',
  // Only the positions change, and the observation leaves layout out.
  observationVaries: false,
  generate(ctx) {
    ctx.setUtterance('Click button ONE, then click button TWO.');
    const place = (): string =>
      `position:absolute; left:${ctx.random.int(0, 117)}px; top:${ctx.random.int(0, 117)}px`;
    const one = h(ctx.doc, 'button', { id: 'subbtn', style: place() }, 'ONE');
    const two = h(ctx.doc, 'button', { id: 'subbtn2', style: place() }, 'TWO');
    let oneClicked = false;
    one.addEventListener('click', () => {
      oneClicked = true;
    });
    two.addEventListener('click', () => (oneClicked ? ctx.succeed() : ctx.fail('clicked TWO before ONE')));
    ctx.area.append(one, two);
  },
});
