import { h, setVisible } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';

/**
 * A jQuery UI autocomplete on a text field, as the flight search uses it: `delayMs` after an edit, a
 * menu `ul.ui-autocomplete > li.ui-menu-item > div.ui-menu-item-wrapper` on the page body lists the
 * entries that contain the text anywhere, case-insensitively; clicking one puts it in the field.
 */
export function attachSuggestions(
  ctx: TaskContext,
  input: HTMLInputElement,
  entries: readonly string[],
  delayMs: number,
  menuId: string,
): void {
  const { doc } = ctx;
  doc.getElementById(menuId)?.remove();
  const menu = h(doc, 'ul', {
    id: menuId,
    class: 'ui-menu ui-widget ui-widget-content ui-autocomplete ui-front',
  });
  setVisible(menu, false);
  doc.body.append(menu);
  let generation = 0;

  const close = (): void => {
    menu.replaceChildren();
    setVisible(menu, false);
  };
  const search = (): void => {
    const term = input.value.toLowerCase();
    close();
    const matches = term ? entries.filter((entry) => entry.toLowerCase().includes(term)) : [];
    for (const entry of matches) {
      const item = h(
        doc,
        'li',
        { class: 'ui-menu-item' },
        h(doc, 'div', { class: 'ui-menu-item-wrapper' }, entry),
      );
      // The whole entry listens, as jQuery UI's menu does, so a click on its text counts too.
      item.addEventListener('click', () => {
        input.value = entry;
        close();
      });
      menu.append(item);
    }
    setVisible(menu, matches.length > 0);
  };
  input.addEventListener('input', () => {
    const ticket = ++generation;
    if (delayMs <= 0) search();
    else ctx.setTimeout(() => ticket === generation && search(), delayMs);
  });
  // As jQuery UI's menu does, a press on the menu keeps the focus in the field; leaving the field
  // closes the menu and drops a search still waiting for its delay.
  menu.addEventListener('mousedown', (event) => event.preventDefault());
  input.addEventListener('blur', () => {
    generation++;
    close();
  });
}
