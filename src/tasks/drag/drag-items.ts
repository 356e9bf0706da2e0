import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { FIRST_NAMES, ordinal } from '../core/words.ts';
import { sortable } from './sortable.ts';

const COUNT = 5;

/**
 * Five names in a list to reorder by dragging; the instruction says which name goes where. The
 * first drop ends the episode: +1 when the named item landed in its place, -1 otherwise, as on the
 * official page.
 */
export const dragItems = defineTask({
  name: 'drag-items',
  description: 'Drag the named item of a list to the place asked.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  css: `
#sortable { list-style: none; margin: 5px 0 0 5px; padding: 0; width: 90%; }
#sortable li { margin: 0 3px 3px; padding: 4px 4px 4px 16px; height: 14px; font-size: 12px; background: #f6f6f6; border: 1px solid #c5c5c5; cursor: move; user-select: none; }
#sortable li.dragging { position: relative; z-index: 1; opacity: 0.8; }
`,
  generate(ctx) {
    const { doc, random } = ctx;
    const names = random.sample(FIRST_NAMES, COUNT);
    const from = random.int(1, COUNT);
    const choices: [string, number][] = [];
    if (from !== 1) choices.push(['to the top.', 1], ['up by one position.', from - 1]);
    if (from !== COUNT) choices.push(['to the bottom.', COUNT], ['down by one position.', from + 1]);
    for (let i = 1; i <= COUNT; i++) if (i !== from) choices.push([`to the ${ordinal(i)} position.`, i]);
    const [words, to] = random.pick(choices);
    const name = names[from - 1] as string;
    ctx.setUtterance(`Drag ${name} ${words}`);
    const list = h(
      doc,
      'ul',
      { id: 'sortable' },
      ...names.map((n) => h(doc, 'li', { class: 'ui-state-default' }, n)),
    );
    sortable(list, (item, oldIndex, newIndex) => {
      if (item.textContent === name && oldIndex === from - 1 && newIndex === to - 1) ctx.succeed();
      else ctx.fail(`${item.textContent} went to position ${newIndex + 1}`);
    });
    ctx.area.append(list);
  },
});
