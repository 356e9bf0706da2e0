import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { listItems } from './content.ts';

/** A multi-select scroll list: select exactly the named items and press Submit. */
export const clickScrollList = defineTask({
  name: 'click-scroll-list',
  description: 'Select the named items in a multi-select scroll list and click Submit.',
  css: '#options { width: 120px; height: 90px; }',
  generate(ctx) {
    const items = listItems(ctx.random, ctx.random.int(8, 15));
    const targets = ctx.random.sample(items, ctx.random.int(1, 3));
    ctx.setUtterance(`Select ${targets.join(', ')} from the scroll list and click Submit.`);

    const select = h(
      ctx.doc,
      'select',
      { id: 'options', multiple: true },
      ...items.map((item) => h(ctx.doc, 'option', {}, item)),
    );
    const submit = h(ctx.doc, 'button', { class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const chosen = Array.from(select.options)
        .filter((option) => option.selected)
        .map((option) => option.textContent ?? '');
      const exact = chosen.length === targets.length && targets.every((t) => chosen.includes(t));
      if (exact) ctx.succeed();
      else ctx.fail(`submitted ${chosen.join(', ') || 'nothing'}`);
    });
    ctx.area.append(select, h(ctx.doc, 'br'), submit);
  },
});
