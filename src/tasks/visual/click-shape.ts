import { defineTask } from '../core/task.ts';
import { cellCentre, describeItem, descriptionText, drawItem, matches, randomGrid } from './shapes.ts';
import { svg } from './svg.ts';

const COLUMNS = 7;
const ROWS = 7;

/**
 * A 7x7 grid of 3 to 19 letters, digits and shapes; the query describes one of them lossily ("a
 * large red item"). Clicking any item that fits the description succeeds; any other item, or the
 * empty grid, fails.
 */
export const clickShape = defineTask({
  name: 'click-shape',
  description: 'Click on an item of the grid that fits the description.',
  wave: 2,
  perception: 'visual',
  css: '#area_svg { width: 160px; height: 160px; }',
  generate(ctx) {
    const items = randomGrid(ctx.random, ctx.random.int(3, 19), COLUMNS, ROWS);
    const wanted = describeItem(ctx.random, ctx.random.pick(items));
    ctx.setUtterance(`Click on a ${descriptionText(wanted)}`);
    const area = svg(ctx.doc, 'svg', { id: 'area_svg' });
    for (const item of items) {
      const shape = drawItem(ctx.doc, item, cellCentre(item.column), cellCentre(item.row));
      shape.addEventListener('click', (event) => {
        event.stopPropagation();
        if (matches(item, wanted)) ctx.succeed();
        else ctx.fail(`clicked a ${item.size} ${item.color} ${item.text}`);
      });
      area.append(shape);
    }
    area.addEventListener('click', () => ctx.fail('clicked the empty grid'));
    ctx.area.append(area);
  },
});
