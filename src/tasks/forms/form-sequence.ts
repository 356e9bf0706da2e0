import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { ordinal } from '../core/words.ts';

const MIN = -10;
const MAX = 10;
/** PageUp and PageDown move a fifth of the range, as a jQuery UI slider does. */
const PAGE = (MAX - MIN) / 5;

/** The keys a jQuery UI slider handle answers, as a function of the current value. */
const KEY_MOVES: Record<string, (value: number) => number> = {
  Home: () => MIN,
  End: () => MAX,
  PageUp: (v) => v + PAGE,
  PageDown: (v) => v - PAGE,
  ArrowUp: (v) => v + 1,
  ArrowRight: (v) => v + 1,
  ArrowDown: (v) => v - 1,
  ArrowLeft: (v) => v - 1,
};

/**
 * Set a slider to a value, tick one of three checkboxes, then Submit. The slider is a jQuery UI style
 * track with a focusable handle moved by the keyboard; a readout beside it shows the current value.
 */
export const formSequence = defineTask({
  name: 'form-sequence',
  description: 'Select a value with the slider, click the given checkbox, then hit Submit.',
  css: `
#area > div { margin: 10px 2px; }
#slider { position: relative; display: inline-block; width: 110px; height: 8px; border: 1px solid #aaa; border-radius: 3px; vertical-align: middle; }
.ui-slider-handle { position: absolute; top: -4px; width: 10px; height: 14px; margin-left: -5px; border: 1px solid #888; background: #eee; border-radius: 3px; }
#slider-value { margin-left: 8px; font-weight: bold; }
#subbtn { height: 40px; }
`,
  generate(ctx) {
    const target = ctx.random.int(MIN, MAX);
    const box = ctx.random.int(1, 3);
    ctx.setUtterance(
      `Select ${target} with the slider, click the ${ordinal(box)} checkbox, then hit Submit.`,
    );

    let value = 0;
    const handle = h(ctx.doc, 'span', { class: 'ui-slider-handle', tabindex: 0 });
    const readout = h(ctx.doc, 'span', { id: 'slider-value' });
    const show = (): void => {
      handle.style.left = `${((value - MIN) / (MAX - MIN)) * 100}%`;
      readout.textContent = String(value);
    };
    handle.addEventListener('keydown', (event) => {
      const move = KEY_MOVES[event.key];
      if (!move) return;
      event.preventDefault();
      value = Math.min(MAX, Math.max(MIN, move(value)));
      show();
    });
    show();

    const checkboxes = [1, 2, 3].map((i) => h(ctx.doc, 'input', { type: 'checkbox', id: `checkbox-${i}` }));
    const submit = h(ctx.doc, 'button', { id: 'subbtn' }, 'Submit');
    submit.addEventListener('click', () => {
      const ticked = checkboxes.every((c, i) => c.checked === (i + 1 === box));
      if (value === target && ticked) ctx.succeed();
      else ctx.fail(`slider at ${value}, wanted ${target}, or the wrong checkboxes`);
    });
    ctx.area.append(
      h(ctx.doc, 'div', {}, h(ctx.doc, 'div', { id: 'slider', class: 'ui-slider' }, handle), readout),
      h(ctx.doc, 'div', { id: 'checkboxes' }, ...checkboxes),
      h(ctx.doc, 'div', {}, submit),
    );
  },
});
