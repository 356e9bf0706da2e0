import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import {
  cellCentre,
  describeItem,
  descriptionText,
  drawItem,
  matches,
  randomGrid,
  randomItem,
} from './shapes.ts';
import { svg } from './svg.ts';

const COLUMNS = 7;
const ROWS = 6;
const CHOICES = 5;

/**
 * A 7x6 grid of 3 to 9 items and five numbered buttons: press the one that counts the items fitting
 * the description. Three times in ten the description is of a random item, so the answer may be 0.
 */
export const countShape = defineTask({
  name: 'count-shape',
  description: 'Count the items of the grid that fit the description and press that number.',
  wave: 2,
  perception: 'visual',
  css: `
#area { position: relative; height: 154px; width: 154px; }
#area_svg { width: 154px; height: 130px; }
#count-buttons { position: absolute; left: 6px; bottom: 2px; }
#count-buttons button { width: 25px; margin: 0 2px; }
`,
  generate(ctx) {
    const random = ctx.random;
    const items = randomGrid(random, random.int(3, 9), COLUMNS, ROWS);
    const described = random.chance(0.3) ? randomItem(random, 0, 0) : random.pick(items);
    const wanted = describeItem(random, described);
    const count = items.filter((item) => matches(item, wanted)).length;
    ctx.setUtterance(`How many ${descriptionText(wanted)}s are there?`);

    const area = svg(ctx.doc, 'svg', { id: 'area_svg' });
    for (const item of items)
      area.append(drawItem(ctx.doc, item, cellCentre(item.column), cellCentre(item.row)));
    area.addEventListener('click', () => ctx.fail('clicked the grid'));
    const others = random.sample(
      Array.from({ length: 10 }, (_, n) => n).filter((n) => n !== count),
      CHOICES - 1,
    );
    const answers = [...others];
    answers.splice(random.int(0, CHOICES - 1), 0, count);
    const buttons = h(ctx.doc, 'div', { id: 'count-buttons' });
    for (const answer of answers) {
      const button = h(ctx.doc, 'button', {}, answer);
      button.addEventListener('click', () =>
        answer === count ? ctx.succeed() : ctx.fail(`pressed ${answer}`),
      );
      buttons.append(button);
    }
    ctx.area.append(area, buttons);
  },
});
