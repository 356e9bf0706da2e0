import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { SLIDER_CSS, createSlider } from './slider.ts';

const SUBMIT_CSS = '#area { padding: 10px; } #subbtn { display: block; margin-top: 5px; }';

/**
 * The keyboard's worst case, with a margin: up to five page keys (the first teaches the page size,
 * as the range is not shown) and ten arrows over a range of 100, then Submit.
 */
const KEYBOARD_STEPS = 18;

/**
 * One slider, horizontal or vertical, over a random range (from -100, 0, 10 or 100, spanning 5 to
 * 100) with its value shown beside it: set it to the number asked for and submit.
 */
export const useSlider = defineTask({
  name: 'use-slider',
  description: 'Set the slider to the number asked for and submit.',
  wave: 2,
  perception: 'text',
  maxSteps: KEYBOARD_STEPS,
  css: SLIDER_CSS + SUBMIT_CSS + '#val { margin: 5px; display: inline-block; }',
  generate(ctx) {
    const random = ctx.random;
    const min = random.pick([-100, 0, 10, 100]);
    const max = min + random.pick([5, 10, 50, 100]);
    const vertical = random.chance(0.5);
    const shown = h(ctx.doc, 'div', { id: 'val' });
    const slider = createSlider(ctx.doc, {
      min,
      max,
      vertical,
      value: random.int(min, max),
      onChange: (value) => {
        shown.textContent = String(value);
      },
    });
    shown.textContent = String(slider.value());
    slider.element.id = 'slider';
    slider.element.style.setProperty(vertical ? 'height' : 'width', `${random.int(50, 114)}px`);
    const target = random.int(min, max);
    ctx.setUtterance(`Select ${target} with the slider and hit Submit.`);
    const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () =>
      slider.value() === target ? ctx.succeed() : ctx.fail(`selected ${slider.value()}`),
    );
    ctx.area.append(slider.element, shown, submit);
  },
});

const SLIDERS = 3;

/** Three sliders from 0 to 20, each with its value below it: set them to the combination asked for. */
export const useSlider2 = defineTask({
  name: 'use-slider-2',
  description: 'Set three sliders to the combination asked for and submit.',
  wave: 2,
  perception: 'text',
  // The keyboard's worst case: per slider up to five page keys and two arrows, then Submit.
  maxSteps: 22,
  css: SLIDER_CSS + SUBMIT_CSS,
  generate(ctx) {
    const random = ctx.random;
    const sliders = Array.from({ length: SLIDERS }, (_, i) => {
      const shown = h(ctx.doc, 'div', { id: `val-${i + 1}` });
      const slider = createSlider(ctx.doc, {
        min: 0,
        max: 20,
        vertical: false,
        value: random.int(0, 20),
        onChange: (value) => {
          shown.textContent = String(value);
        },
      });
      shown.textContent = String(slider.value());
      slider.element.id = `slider-${i + 1}`;
      ctx.area.append(slider.element, shown);
      return slider;
    });
    const combination = sliders.map(() => random.int(0, 20));
    ctx.setUtterance(`Set the sliders to the combination ${JSON.stringify(combination)} and submit.`);
    const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () => {
      const set = sliders.map((slider) => slider.value());
      if (set.every((value, i) => value === combination[i])) ctx.succeed();
      else ctx.fail(`set ${JSON.stringify(set)}`);
    });
    ctx.area.append(submit);
  },
});
