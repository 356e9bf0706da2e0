import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { listItems } from './content.ts';

/** A drop-down list of names or countries: choose the named one and press Submit. */
export const chooseList = defineTask({
  name: 'choose-list',
  description: 'Choose the named item from a drop-down list and click Submit.',
  generate(ctx) {
    const items = listItems(ctx.random, ctx.random.int(5, 12));
    const target = ctx.random.pick(items);
    ctx.setUtterance(`Select ${target} from the list and click Submit.`);

    const select = h(
      ctx.doc,
      'select',
      { id: 'options' },
      ...items.map((item) => h(ctx.doc, 'option', {}, item)),
    );
    const submit = h(ctx.doc, 'button', { class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const chosen = select.options[select.selectedIndex]?.textContent ?? '';
      if (chosen === target) ctx.succeed();
      else ctx.fail(`submitted ${chosen}`);
    });
    ctx.area.append(select, h(ctx.doc, 'br'), submit);
  },
});
