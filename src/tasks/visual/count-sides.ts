import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

const SIDES = [3, 4, 5, 6, 7];
const RADIUS = 35;

/**
 * A regular polygon of 3 to 7 sides drawn on a canvas at a random turn, and five buttons 3 to 7:
 * +1 for the button with its number of sides, -1 for another, as on the official page. Only the
 * canvas's pixels show the shape, so a text observation carries nothing of it.
 */
export const countSides = defineTask({
  name: 'count-sides',
  description: 'Press the button with the number of sides of the shape drawn.',
  wave: 2,
  perception: 'pixels',
  // Canvas drawing needs a browser: a DOM implementation without layout has no 2D context.
  needsCoordinates: true,
  // The observation is the same text for every seed: the canvas shows nothing in it.
  observationVaries: false,
  expertLimit:
    'The shape is only drawn on a canvas: the expert, reading the text observation as an agent does, can only guess one of five buttons.',
  css: `
#area canvas { display: block; }
#count-form { text-align: center; margin: 15px; }
#count-form button { width: 22px; padding: 4px 0; margin: 0 1px; }
`,
  generate(ctx) {
    const { doc, random } = ctx;
    ctx.setUtterance('Press the button that correctly denotes how many sides the shape has.');
    const sides = random.pick(SIDES);
    const turn = (random.int(0, 180) * Math.PI) / 180;
    const canvas = h(doc, 'canvas', { id: 'shape-canvas', width: 150, height: 100 });
    const pen = canvas.getContext('2d');
    if (pen) {
      pen.translate(75, 50);
      pen.rotate(turn);
      pen.beginPath();
      for (let i = 0; i <= sides; i++) {
        const angle = (2 * Math.PI * i) / sides;
        pen.lineTo(RADIUS * Math.cos(angle), RADIUS * Math.sin(angle));
      }
      pen.strokeStyle = '#000000';
      pen.lineWidth = 3;
      pen.stroke();
    }
    const buttons = SIDES.map((n) => {
      const button = h(doc, 'button', { 'data-sides': n }, n);
      button.addEventListener('click', () => {
        if (n === sides) ctx.succeed();
        else ctx.fail(`the shape has ${sides} sides, not ${n}`);
      });
      return button;
    });
    ctx.area.append(canvas, h(doc, 'div', { id: 'count-form' }, ...buttons));
  },
});
