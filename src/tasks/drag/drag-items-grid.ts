import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { FIRST_NAMES } from '../core/words.ts';
import { sortableGrid } from './grid-sortable.ts';

const SIDE = 3;
const PLACES = [
  'top left',
  'top center',
  'top right',
  'center left',
  'center',
  'center right',
  'bottom left',
  'bottom center',
  'bottom right',
];

/**
 * Nine names in a 3x3 grid to rearrange by dragging; the instruction names one and where it goes
 * (a place in the grid, or one step up, down, left or right). The first drop ends the episode: +1
 * when the named item landed in its place, -1 otherwise, as on the official page.
 */
export const dragItemsGrid = defineTask({
  name: 'drag-items-grid',
  description: 'Drag the named item of a 3x3 grid to the place asked.',
  wave: 3,
  needsCoordinates: true,
  perception: 'positions',
  css: `
#sortable { list-style: none; margin: 2px 0 0 2px; padding: 0; width: 90%; }
#sortable li { margin: 3px; padding: 2px; width: 34px; height: 34px; float: left; font-size: 8px; background: #f6f6f6; border: 1px solid #c5c5c5; cursor: move; user-select: none; overflow: hidden; }
#sortable li.dragging { position: relative; z-index: 1; opacity: 0.8; }
`,
  generate(ctx) {
    const { doc, random } = ctx;
    const count = SIDE * SIDE;
    const names = random.sample(FIRST_NAMES, count);
    const from = random.int(0, count - 1);
    const choices: [string, number][] = PLACES.flatMap((place, i): [string, number][] =>
      i === from ? [] : [[`to the ${place}.`, i]],
    );
    const row = Math.floor(from / SIDE);
    const column = from % SIDE;
    if (row > 0) choices.push(['up by one.', from - SIDE]);
    if (row < SIDE - 1) choices.push(['down by one.', from + SIDE]);
    if (column > 0) choices.push(['left by one.', from - 1]);
    if (column < SIDE - 1) choices.push(['right by one.', from + 1]);
    const [words, to] = random.pick(choices);
    const name = names[from] as string;
    ctx.setUtterance(`Drag ${name} ${words}`);
    const list = h(
      doc,
      'ul',
      { id: 'sortable' },
      ...names.map((n) => h(doc, 'li', { class: 'ui-state-default' }, h(doc, 'div', {}, n))),
    );
    sortableGrid(list, (item, oldIndex, newIndex) => {
      if (item.textContent === name && oldIndex === from && newIndex === to) ctx.succeed();
      else ctx.fail(`${item.textContent} went to cell ${newIndex + 1}`);
    });
    ctx.area.append(list);
  },
});
