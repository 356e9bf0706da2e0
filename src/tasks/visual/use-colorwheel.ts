import { h } from '../core/dom.ts';
import { defineTask, type TaskContext } from '../core/task.ts';

/** Colours the first variant asks for by name, with their CSS values. */
const NAMED: Record<string, string> = {
  red: 'ff0000',
  green: '008000',
  blue: '0000ff',
  yellow: 'ffff00',
  orange: 'ffa500',
  purple: '800080',
  pink: 'ffc0cb',
  brown: 'a52a2a',
  black: '000000',
  white: 'ffffff',
  gray: '808080',
  cyan: '00ffff',
  magenta: 'ff00ff',
  lime: '00ff00',
  navy: '000080',
  olive: '808000',
  teal: '008080',
  maroon: '800000',
  silver: 'c0c0c0',
  gold: 'ffd700',
};

const CSS = `
#area { padding: 10px; }
#col { border: 1px solid black; width: 120px; }
#subbtn { margin-top: 20px; }
.cc { width: 10px; height: 10px; display: inline-block; border: 1px solid black; }
`;

type Channels = [number, number, number];

function channels(hex: string): Channels | null {
  const digits = hex.trim().replace(/^#/, '').toLowerCase();
  const six = /^[0-9a-f]{3}$/.test(digits) ? [...digits].map((d) => d + d).join('') : digits;
  if (!/^[0-9a-f]{6}$/.test(six)) return null;
  return [0, 2, 4].map((i) => parseInt(six.slice(i, i + 2), 16)) as Channels;
}

/**
 * A colour field like jscolor's: it holds a hex colour and paints itself with it. Typing a colour
 * is how a text agent sets it (a person may also type; the official picker's drag pad is not built).
 * Submit earns 1 minus the mean distance of the channels (partial credit); a field that holds no
 * colour earns -1, as the official page would time out on it.
 */
function colorField(ctx: TaskContext, wanted: Channels): (Node | string)[] {
  const field = h(ctx.doc, 'input', { id: 'col', class: 'jscolor', autocomplete: 'off', value: 'ab2567' });
  const paint = (): void => {
    const rgb = channels(field.value);
    if (!rgb) return;
    const light = rgb[0] * 0.299 + rgb[1] * 0.587 + rgb[2] * 0.114 > 140;
    field.style.backgroundColor = `rgb(${rgb.join(', ')})`;
    field.style.color = light ? '#000' : '#fff';
  };
  field.addEventListener('input', paint);
  paint();
  const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
  submit.addEventListener('click', () => {
    const rgb = channels(field.value);
    if (!rgb) {
      ctx.fail(`"${field.value}" is not a colour`);
      return;
    }
    const distance = rgb.reduce((sum, c, i) => sum + Math.abs(c - (wanted[i] as number)) / 255, 0) / 3;
    ctx.end(1 - distance, distance === 0 ? 'success' : `off by ${(distance * 100).toFixed(1)}%`);
  });
  return ['Color:', h(ctx.doc, 'br'), field, submit];
}

/** Set the colour field to a colour named in words. */
export const useColorwheel = defineTask({
  name: 'use-colorwheel',
  description: 'Set the colour picker to the colour named and submit.',
  wave: 2,
  perception: 'text',
  partialCredit: true,
  maxTime: 7,
  css: CSS,
  generate(ctx) {
    const name = ctx.random.pick(Object.keys(NAMED));
    ctx.setUtterance(`Select ${name} with the color picker and hit Submit.`);
    ctx.area.append(...colorField(ctx, channels(NAMED[name] as string) as Channels));
  },
});

/** Set the colour field to the colour of a swatch in the query (the utterance does not name it). */
export const useColorwheel2 = defineTask({
  name: 'use-colorwheel-2',
  description: 'Set the colour picker to the colour shown and submit.',
  wave: 2,
  perception: 'visual',
  partialCredit: true,
  css: CSS,
  generate(ctx) {
    const hex = Array.from({ length: 6 }, () => ctx.random.pick([...'0123456789abcdef'])).join('');
    ctx.setUtterance('Select the following color  with the color picker and hit Submit.');
    ctx.doc
      .getElementById('query')
      ?.replaceChildren(
        h(ctx.doc, 'span', {}, 'Select the following color '),
        h(ctx.doc, 'div', { class: 'cc', style: `background-color: #${hex}` }),
        h(ctx.doc, 'span', {}, ' with the color picker and hit Submit.'),
      );
    ctx.area.append(...colorField(ctx, channels(hex) as Channels));
  },
});
