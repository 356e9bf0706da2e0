import { h, setVisible } from '../core/dom.ts';
import { defineTask, type RegisteredTask, type TaskContext } from '../core/task.ts';
import { COUNTRIES } from '../core/countries.ts';
import { AUTOCOMPLETE_DELAY_MS } from './delays.ts';

const AUTOCOMPLETE_CSS = `
#area { padding: 10px; }
#area input { display: block; width: 120px; }
#subbtn { display: block; margin-top: 5px; }
#area .ui-autocomplete { position: absolute; top: 48px; left: 10px; width: 120px; margin: 0; padding: 0;
  list-style: none; background: #fff; border: 1px solid #c5c5c5; max-height: 110px; overflow-y: auto; z-index: 10; }
#area .ui-menu-item-wrapper { padding: 2px 4px; cursor: pointer; }
#area .ui-state-active { background: #007fff; color: #fff; }
`;

/**
 * A jQuery UI autocomplete on a text field: after each edit (and `delayMs` later) a menu
 * `ul.ui-autocomplete > li.ui-menu-item > div.ui-menu-item-wrapper` lists the countries that start
 * with the text, case-insensitively. Clicking an item, or the arrow keys then Enter, puts it in the field.
 * Leaving the field closes the menu and cancels a search still waiting for its delay.
 */
function attachAutocomplete(ctx: TaskContext, input: HTMLInputElement, delayMs: number): HTMLElement {
  const menu = h(ctx.doc, 'ul', {
    id: 'ui-id-1',
    tabindex: 0,
    class: 'ui-menu ui-widget ui-widget-content ui-autocomplete ui-front',
  });
  let items: HTMLElement[] = [];
  let active = -1;
  let generation = 0;

  const close = (): void => {
    items = [];
    active = -1;
    menu.replaceChildren();
    setVisible(menu, false);
  };
  const search = (): void => {
    const term = input.value.toLowerCase();
    const matches = term ? COUNTRIES.filter((country) => country.toLowerCase().startsWith(term)) : [];
    close();
    if (matches.length === 0) return;
    items = matches.map((country) => {
      const item = h(ctx.doc, 'div', { tabindex: -1, class: 'ui-menu-item-wrapper' }, country);
      const entry = h(ctx.doc, 'li', { class: 'ui-menu-item' }, item);
      // The menu listens on the whole entry, as jQuery UI does, so a click on its text counts too.
      entry.addEventListener('click', () => {
        input.value = country;
        close();
      });
      menu.append(entry);
      return item;
    });
    setVisible(menu, true);
  };
  const highlight = (index: number): void => {
    items.forEach((item, i) => item.classList.toggle('ui-state-active', i === index));
    active = index;
    input.value = items[index]?.textContent ?? input.value;
  };

  input.addEventListener('input', () => {
    const ticket = ++generation;
    if (delayMs <= 0) search();
    else
      ctx.setTimeout(() => {
        if (ticket === generation) search();
      }, delayMs);
  });
  // jQuery UI drops a pending search and closes the menu when the field loses focus; a press on the
  // menu keeps the focus in the field, so picking a suggestion does not close it first.
  input.addEventListener('blur', () => {
    generation++;
    close();
  });
  menu.addEventListener('mousedown', (event) => event.preventDefault());
  input.addEventListener('keydown', (event) => {
    if (items.length === 0) return;
    if (event.key === 'ArrowDown') highlight((active + 1) % items.length);
    else if (event.key === 'ArrowUp') highlight(active <= 0 ? items.length - 1 : active - 1);
    else if (event.key === 'Enter' || event.key === 'Escape') close();
    else return;
    event.preventDefault();
  });
  close();
  return menu;
}

/** Enter a country that starts (and usually ends) with the given letters, helped by suggestions. */
function useAutocompleteTask(name: string, delayMs: number): RegisteredTask {
  return defineTask({
    name,
    description: 'Enter an item that starts (and ends) with the given letters, using the suggestions.',
    css: AUTOCOMPLETE_CSS,
    generate(ctx) {
      const item = ctx.random.pick(COUNTRIES);
      const start = item.slice(0, ctx.random.int(2, 4));
      const end = item.slice(item.length - ctx.random.int(2, 4));
      const matchEnd = ctx.random.chance(0.75);
      ctx.setUtterance(
        matchEnd
          ? `Enter an item that starts with "${start}" and ends with "${end}".`
          : `Enter an item that starts with "${start}".`,
      );
      const input = h(ctx.doc, 'input', { id: 'tags', class: 'ui-autocomplete-input', autocomplete: 'off' });
      const submit = h(ctx.doc, 'button', { id: 'subbtn', class: 'secondary-action' }, 'Submit');
      submit.addEventListener('click', () => {
        const entered = input.value;
        const correct = entered.startsWith(start) && (!matchEnd || entered.endsWith(end));
        if (correct) ctx.succeed();
        else ctx.fail(`entered "${entered}"`);
      });
      const menu = attachAutocomplete(ctx, input, delayMs);
      ctx.area.append(h(ctx.doc, 'label', { for: 'tags' }, 'Tags: '), input, submit, menu);
    },
  });
}

export const useAutocomplete = useAutocompleteTask('use-autocomplete', AUTOCOMPLETE_DELAY_MS);
export const useAutocompleteNodelay = useAutocompleteTask('use-autocomplete-nodelay', 0);
