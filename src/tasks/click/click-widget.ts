import { h } from '../core/dom.ts';
import type { Random } from '../../core/random.ts';
import { defineTask, type TaskContext } from '../core/task.ts';
import { loremWords } from '../core/lorem.ts';

const WIDGET_TYPES = ['button', 'checkbox', 'radio', 'text', 'textarea'] as const;
type WidgetType = (typeof WIDGET_TYPES)[number];

/** The clickable element of one widget, and what wraps it on the page. */
function buildWidget(ctx: TaskContext, type: WidgetType, word: string): [HTMLElement, HTMLElement] {
  switch (type) {
    case 'button': {
      const button = h(ctx.doc, 'button', {}, word);
      return [button, button];
    }
    case 'checkbox':
    case 'radio': {
      const input = h(ctx.doc, 'input', { type, name: type === 'radio' ? 'choice' : undefined });
      return [input, h(ctx.doc, 'label', {}, input, word)];
    }
    case 'text': {
      const input = h(ctx.doc, 'input', { type: 'text' });
      return [input, input];
    }
    case 'textarea': {
      const textarea = h(ctx.doc, 'textarea', { rows: 1 });
      return [textarea, textarea];
    }
  }
}

/** Widget types for one instance: three to five, with at least two kinds so a wrong click exists. */
function drawTypes(random: Random): WidgetType[] {
  for (;;) {
    const types = Array.from({ length: random.int(3, 5) }, () => random.pick(WIDGET_TYPES));
    if (new Set(types).size >= 2) return types;
  }
}

/** A form of mixed widgets: click one of the named kind; a widget of another kind fails. */
export const clickWidget = defineTask({
  name: 'click-widget',
  description: 'Click on a widget of the named kind (button, checkbox, radio, text or textarea).',
  css: '#area > div { margin: 3px 0; }',
  generate(ctx) {
    const types = drawTypes(ctx.random);
    const target = ctx.random.pick(types);
    ctx.setUtterance(`Click on a "${target}" widget.`);
    const words = ctx.random.sample(
      loremWords(ctx.random, 12).map((w) => w.replace('.', '')),
      types.length,
    );
    types.forEach((type, i) => {
      const [clickable, wrapper] = buildWidget(ctx, type, words[i] ?? type);
      clickable.addEventListener('click', () =>
        type === target ? ctx.succeed() : ctx.fail(`clicked a ${type} widget`),
      );
      ctx.area.append(h(ctx.doc, 'div', { 'data-type': type }, wrapper));
    });
  },
});
