import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { drawItem, randomItem } from './shapes.ts';
import { svg } from './svg.ts';

/** The answer buttons: the button's label, and the item kind it names. */
const ANSWERS = [
  ['Rectangle', 'rectangle'],
  ['Circle', 'circle'],
  ['Triangle', 'triangle'],
  ['Letter', 'letter'],
  ['Number', 'digit'],
] as const;

/** One large figure (a letter, a digit or a shape) and five buttons naming what it is. */
export const identifyShape = defineTask({
  name: 'identify-shape',
  description: 'Press the button that names the figure: rectangle, circle, triangle, letter or number.',
  wave: 2,
  perception: 'visual',
  css: `
#area { text-align: center; }
#area_svg { width: 50px; height: 50px; margin: 10px; }
#area-buttons button { margin: 2px; }
`,
  generate(ctx) {
    ctx.setUtterance('Click the button that best describes the figure below.');
    const item = { ...randomItem(ctx.random, 0, 0, 0.35, 0.35), size: 'large' as const };
    const kind = item.type === 'shape' ? item.text : item.type;
    const figure = svg(ctx.doc, 'svg', { id: 'area_svg' }, drawItem(ctx.doc, item, 25, 25, 1.5));
    const buttons = h(ctx.doc, 'div', { id: 'area-buttons' });
    for (const [label, answer] of ANSWERS) {
      const button = h(ctx.doc, 'button', {}, label);
      button.addEventListener('click', () =>
        answer === kind ? ctx.succeed() : ctx.fail(`pressed ${label}`),
      );
      buttons.append(button);
    }
    ctx.area.append(figure, buttons);
  },
});
