import { h } from '../core/dom.ts';
import { defineTask } from '../core/task.ts';

const HEIGHTS = ['5ft 9in', '5ft 10in', '5ft 11in', '6 ft', '6ft 1in', '6ft 2in'];
const BUTTONS = ['Yes', 'No', 'Maybe'];

/** Choose a height from a dropdown (blank at first), then click the named button. */
export const formSequence3 = defineTask({
  name: 'form-sequence-3',
  description: 'Choose an option from the dropdown, then click the given button.',
  css: `
#area > div { margin: 10px 2px; text-align: center; }
#dropdown { width: 100px; }
#buttons button { margin: 2px 1px; height: 25px; }
`,
  generate(ctx) {
    // As in the original, the last height is offered but never asked for.
    const height = ctx.random.pick(HEIGHTS.slice(0, -1));
    const label = ctx.random.pick(BUTTONS);
    ctx.setUtterance(`Choose ${height} from the dropdown, then click the button labeled "${label}".`);

    const dropdown = h(ctx.doc, 'select', { id: 'dropdown' }, h(ctx.doc, 'option', {}, ''));
    for (const option of HEIGHTS) dropdown.append(h(ctx.doc, 'option', {}, option));
    const buttons = h(ctx.doc, 'div', { id: 'buttons' });
    for (const text of BUTTONS) {
      const button = h(ctx.doc, 'button', { id: text.toLowerCase() }, text);
      button.addEventListener('click', () => {
        if (dropdown.value === height && text === label) ctx.succeed();
        else ctx.fail(`chose "${dropdown.value}" and clicked "${text}"`);
      });
      buttons.append(button);
    }
    ctx.area.append(h(ctx.doc, 'div', { id: 'dropdown-container' }, dropdown), buttons);
  },
});
