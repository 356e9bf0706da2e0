import { h } from '../core/dom.ts';
import { defineTask, type TaskContext } from '../core/task.ts';
import { randomString } from '../core/words.ts';

const WIDGET_TYPES = ['radio', 'checkbox', 'text', 'textarea', 'button'] as const;
type WidgetType = (typeof WIDGET_TYPES)[number];

/** Five widgets, as on the official page, each of a kind drawn independently. */
const WIDGET_COUNT = 5;

/**
 * One widget as the official page writes it: the control carries `data-type`, and the "text"
 * widget is an `<input type="input">`, a type browsers do not know and so show as a text box.
 */
function buildControl(ctx: TaskContext, type: WidgetType, text: string): HTMLElement {
  switch (type) {
    case 'radio':
    case 'checkbox':
      return h(
        ctx.doc,
        'label',
        {},
        h(ctx.doc, 'input', { type, 'data-type': type, name: type === 'radio' ? 'radio' : undefined }),
        text,
      );
    case 'text':
      return h(ctx.doc, 'input', { type: 'input', 'data-type': 'text', value: text });
    case 'textarea':
      return h(ctx.doc, 'textarea', { 'data-type': 'textarea' }, text);
    case 'button':
      return h(ctx.doc, 'button', { 'data-type': 'button' }, text);
  }
}

/**
 * A form of five mixed widgets: click one of the named kind. The page listens on each widget's
 * wrapper, so a click anywhere in it (a radio's label too) counts for that widget's kind.
 */
export const clickWidget = defineTask({
  name: 'click-widget',
  description: 'Click on a widget of the named kind (button, checkbox, radio, text or textarea).',
  css: '#area .widget { margin: 5px 0; } #area textarea { height: 20px; }',
  generate(ctx) {
    const types = Array.from({ length: WIDGET_COUNT }, () => ctx.random.pick(WIDGET_TYPES));
    const target = ctx.random.pick(types);
    ctx.setUtterance(`Click on a "${target}" widget.`);
    for (const type of types) {
      const widget = h(
        ctx.doc,
        'div',
        { class: 'widget' },
        buildControl(ctx, type, randomString(ctx.random, 1, 6)),
      );
      widget.addEventListener('click', () =>
        type === target ? ctx.succeed() : ctx.fail(`clicked a ${type} widget`),
      );
      ctx.area.append(widget);
    }
  },
});
