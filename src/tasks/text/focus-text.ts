import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

/** One text input somewhere in the area: focusing it (a click does) is the whole task. */
export const focusText = defineTask({
  name: 'focus-text',
  description: 'Focus into a text input.',
  // Only the input's position varies, and the observation carries no positions.
  observationVaries: false,
  generate(ctx) {
    ctx.setUtterance('Focus into the textbox.');
    const input = h(ctx.doc, 'input', { type: 'text', id: 'tt' });
    input.addEventListener('focus', () => ctx.succeed());
    const style = `margin-left:${ctx.random.int(0, 50)}px;margin-top:${ctx.random.int(0, 50)}px`;
    ctx.area.append(h(ctx.doc, 'div', { id: 'form', style }, input));
  },
});
