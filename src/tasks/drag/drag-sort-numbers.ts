import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { sortable } from './sortable.ts';

/**
 * Five numbers in a list to sort by dragging, lowest at the top, then Submit: +1 when the list is
 * in increasing order, -1 otherwise. The official page was not at hand; this is the rule its
 * instruction states, with the Submit button its sibling list tasks have.
 */
export const dragSortNumbers = defineTask({
  name: 'drag-sort-numbers',
  description: 'Sort a list of numbers by dragging, lowest at the top, then press Submit.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  css: `
#sortable { list-style: none; margin: 5px 0 0 5px; padding: 0; width: 90%; }
#sortable li { margin: 0 3px 3px; padding: 4px 4px 4px 16px; height: 14px; font-size: 12px; background: #f6f6f6; border: 1px solid #c5c5c5; cursor: move; user-select: none; }
#sortable li.dragging { position: relative; z-index: 1; opacity: 0.8; }
#subbtn { margin: 4px 0 0 8px; }
`,
  generate(ctx) {
    const { doc, random } = ctx;
    ctx.setUtterance(
      'Sort the numbers in increasing order, starting with the lowest number at the top of the list.',
    );
    let numbers: number[];
    // A list that starts sorted would ask for nothing.
    do
      numbers = random.sample(
        Array.from({ length: 100 }, (_, i) => i),
        5,
      );
    while (numbers.every((n, i) => i === 0 || (numbers[i - 1] as number) < n));
    const list = h(
      doc,
      'ul',
      { id: 'sortable' },
      ...numbers.map((n) => h(doc, 'li', { class: 'ui-state-default' }, n)),
    );
    sortable(list, () => undefined);
    const submit = h(doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const order = [...list.children].map((li) => Number(li.textContent));
      if (order.every((n, i) => i === 0 || (order[i - 1] as number) < n)) ctx.succeed();
      else ctx.fail(`the list reads ${order.join(', ')}`);
    });
    ctx.area.append(list, submit);
  },
});
