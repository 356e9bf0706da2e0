import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

/** The simplest task: one button, click it. */
export const clickTest = defineTask({
  name: 'click-test',
  description: 'Click the button.',
  observationVaries: false,
  generate(ctx) {
    ctx.setUtterance('Click the button.');
    const button = h(
      ctx.doc,
      'button',
      { id: 'subbtn', style: `margin-top:${ctx.random.int(0, 80)}px` },
      'Click Me!',
    );
    button.addEventListener('click', () => ctx.succeed());
    ctx.area.append(button);
  },
});
