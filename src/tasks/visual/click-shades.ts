import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

const HUES = { red: 0, green: 120, blue: 240 } as const;
type Hue = keyof typeof HUES;
const SHADES = 12;

/**
 * Twelve small squares, each a shade (random saturation and lightness) of red, green or blue, at
 * least three of each. Select every shade of the colour asked for, and nothing else, then Submit.
 */
export const clickShades = defineTask({
  name: 'click-shades',
  description: 'Select every shade of the colour asked for, then press Submit.',
  wave: 2,
  perception: 'visual',
  css: `
#area span { display: inline-block; margin: 12px; width: 12px; height: 12px; border-radius: 2px; }
#area span.selected { border: 2px solid black; margin: 10px; }
#submit { float: right; margin: 5px 20px; }
`,
  generate(ctx) {
    const random = ctx.random;
    const hues = random.shuffle(Object.keys(HUES) as Hue[]);
    const wanted = random.pick(hues);
    const first = random.int(3, 5);
    const second = random.int(3, 5);
    const counts = [first, second, SHADES - first - second];
    const shades = random.shuffle(hues.flatMap((hue, i) => Array<Hue>(counts[i] as number).fill(hue)));
    ctx.setUtterance(`Select all the shades of ${wanted} and press Submit.`);

    const squares = shades.map((hue) => {
      const color = `hsl(${HUES[hue]}, ${random.int(30, 89)}%, ${random.int(30, 89)}%)`;
      const square = h(ctx.doc, 'span', { style: `background-color: ${color};` });
      square.addEventListener('click', () => square.classList.toggle('selected'));
      ctx.area.append(square);
      return { hue, square };
    });
    const submit = h(ctx.doc, 'button', { id: 'submit', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const right = squares.every(
        ({ hue, square }) => square.classList.contains('selected') === (hue === wanted),
      );
      if (right) ctx.succeed();
      else ctx.fail('the selection is not exactly the shades asked for');
    });
    ctx.area.append(submit);
  },
});
