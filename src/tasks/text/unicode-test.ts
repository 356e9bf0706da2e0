import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';
import { LOREM_WORDS } from '../core/lorem.ts';

const LABELS = ['ÖK', 'Cancél', '♥♥♥', '确定', '取消', 'ヘルプ'];
const ELEMENT_COUNT = 6;

/**
 * click-button with non-ASCII labels, among filler text and inputs: click a button whose label is
 * the one asked for (any button with that label counts).
 */
export const unicodeTest = defineTask({
  name: 'unicode-test',
  description: 'Click the button with a given non-ASCII label.',
  generate(ctx) {
    const words = (): string => Array.from({ length: 3 }, () => ctx.random.pick(LOREM_WORDS)).join(' ');
    const buttons: HTMLButtonElement[] = [];
    for (let i = 0; i < ELEMENT_COUNT; i++) {
      const mustBeButton = i === ELEMENT_COUNT - 1 && buttons.length === 0;
      const kind = mustBeButton ? 2 : ctx.random.int(0, 2);
      if (kind === 0) {
        ctx.area.append(h(ctx.doc, 'div', {}, words()));
      } else if (kind === 1) {
        if (ctx.random.chance(0.5)) ctx.area.append(h(ctx.doc, 'span', {}, `${words()}: `));
        const width = ctx.random.int(40, 150);
        ctx.area.append(h(ctx.doc, 'input', { type: 'text', style: `width:${width}px` }), h(ctx.doc, 'br'));
      } else {
        const button = h(ctx.doc, 'button', {}, ctx.random.pick(LABELS));
        buttons.push(button);
        ctx.area.append(button);
        if (ctx.random.chance(0.5)) ctx.area.append(h(ctx.doc, 'br'));
      }
    }
    const target = ctx.random.pick(buttons).textContent ?? '';
    ctx.setUtterance(`Click on the "${target}" button.`);
    for (const button of buttons) {
      const label = button.textContent ?? '';
      button.addEventListener('click', () =>
        label === target ? ctx.succeed() : ctx.fail(`clicked "${label}" instead of "${target}"`),
      );
    }
  },
});
