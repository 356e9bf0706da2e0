import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

const COLORS = [
  'red',
  'blue',
  'olive',
  'lime',
  'black',
  'white',
  'grey',
  'purple',
  'orange',
  'yellow',
  'cyan',
  'pink',
  'magenta',
];
const BOXES = 4;

const colorBox = (doc: Document, color: string, id?: string): HTMLElement =>
  h(doc, 'div', { id, class: 'color', style: `background-color: ${color};` });

/**
 * Four colour boxes; the query names one colour, in words four times in ten, else as a small
 * colour swatch (the utterance still names it, as the official page's does). Clicking the box of
 * that colour succeeds, any other fails.
 */
export const clickColor = defineTask({
  name: 'click-color',
  description: 'Click on the box of the colour asked for.',
  wave: 2,
  perception: 'visual',
  css: `
#area { text-align: center; margin: 20px 0; }
#query-color { height: 10px; width: 10px; border: 1px solid black; display: inline-block; margin: 2px 0; vertical-align: middle; }
.color { height: 50px; width: 50px; border: 1px solid black; display: inline-block; margin: 5px; }
`,
  generate(ctx) {
    const colors = ctx.random.sample(COLORS, BOXES);
    const wanted = ctx.random.pick(colors);
    const inWords = ctx.random.chance(0.4);
    ctx.setUtterance(`Click on the ${wanted} colored box.`);
    const query = ctx.doc.getElementById('query');
    if (inWords) {
      query?.replaceChildren('Click on the ', h(ctx.doc, 'span', { class: 'bold' }, wanted), ' colored box.');
    } else {
      query?.replaceChildren('Click on the ', colorBox(ctx.doc, wanted, 'query-color'), ' colored box.');
    }
    for (const color of colors) {
      const box = colorBox(ctx.doc, color);
      box.addEventListener('click', () => (color === wanted ? ctx.succeed() : ctx.fail(`clicked ${color}`)));
      ctx.area.append(box);
    }
  },
});
