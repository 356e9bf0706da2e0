import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

/** Keys the jQuery UI spinner understands, and how far each moves the value. */
const SPIN_KEYS: Record<string, number> = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 };

const SPINNER_CSS = `
#area { padding: 5px; }
#subbtn { margin-top: 5px; }
.ui-spinner { display: inline-block; position: relative; }
.ui-spinner-button { display: block; position: absolute; right: 0; width: 14px; height: 50%; cursor: pointer; }
.ui-spinner-up { top: 0; } .ui-spinner-down { bottom: 0; }
.ui-spinner-up::after { content: '▴'; } .ui-spinner-down::after { content: '▾'; }
`;

/**
 * A jQuery UI spinner starting at 0: its up and down buttons and the arrow and page keys change the
 * value; typing into it is blocked, as the official page cancels every keydown. Submit succeeds
 * when the spinner shows the number asked for.
 */
export const useSpinner = defineTask({
  name: 'use-spinner',
  description: 'Set the spinner to the given number and submit.',
  css: SPINNER_CSS,
  generate(ctx) {
    const target = ctx.random.int(-10, 9);
    ctx.setUtterance(`Select ${target} with the spinner and hit Submit.`);
    const doc = ctx.doc;
    const input = h(doc, 'input', {
      id: 'spinner',
      name: 'value',
      class: 'ui-spinner-input',
      autocomplete: 'off',
      role: 'spinbutton',
    });
    let value = 0;
    const setValue = (next: number): void => {
      value = next;
      input.value = String(next);
      input.setAttribute('aria-valuenow', String(next));
    };
    const button = (direction: 'up' | 'down', delta: number): HTMLElement => {
      const corner = direction === 'up' ? 'tr' : 'br';
      const arrow = direction === 'up' ? 'n' : 's';
      const element = h(
        doc,
        'a',
        {
          tabindex: -1,
          role: 'button',
          class: `ui-button ui-widget ui-spinner-button ui-spinner-${direction} ui-corner-${corner} ui-button-icon-only`,
        },
        h(doc, 'span', { class: `ui-button-icon ui-icon ui-icon-triangle-1-${arrow}` }),
      );
      element.addEventListener('click', () => setValue(value + delta));
      return element;
    };
    input.addEventListener('keydown', (event) => {
      event.preventDefault();
      const delta = SPIN_KEYS[event.key];
      if (delta !== undefined) setValue(value + delta);
    });
    // Text put in without keydown (a fill) is undone too: only the spinner's own controls count.
    input.addEventListener('input', () => setValue(value));
    setValue(0);

    const submit = h(doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
    submit.addEventListener('click', () =>
      Number.parseInt(input.value, 10) === target ? ctx.succeed() : ctx.fail(`submitted ${input.value}`),
    );
    ctx.area.append(
      h(doc, 'label', { for: 'spinner' }, 'Select a value:'),
      h(
        doc,
        'span',
        { class: 'ui-spinner ui-widget ui-widget-content ui-corner-all' },
        input,
        button('up', 1),
        button('down', -1),
      ),
      submit,
    );
  },
});
