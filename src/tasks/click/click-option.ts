import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { distinctCodes } from './content.ts';

/** Radio buttons with made-up labels: select the named one and press Submit. */
export const clickOption = defineTask({
  name: 'click-option',
  description: 'Select the named radio button and click Submit.',
  generate(ctx) {
    const labels = distinctCodes(ctx.random, ctx.random.int(2, 6), 2, 7);
    const target = ctx.random.pick(labels);
    ctx.setUtterance(`Select ${target} and click Submit.`);

    const boxes = h(ctx.doc, 'div', { id: 'boxes' });
    const radios = labels.map((label) => {
      const radio = h(ctx.doc, 'input', { type: 'radio', name: 'option', value: label });
      boxes.append(h(ctx.doc, 'label', {}, radio, label), h(ctx.doc, 'br'));
      return radio;
    });
    const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const chosen = labels.find((_, i) => radios[i]?.checked);
      if (chosen === target) ctx.succeed();
      else ctx.fail(chosen === undefined ? 'nothing selected' : `selected ${chosen}`);
    });
    ctx.area.append(boxes, submit);
  },
});
