import { h, setVisible } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';

/** One entry of a menu: a leaf to select, or a parent whose submenu opens on hover. */
export interface MenuEntry {
  label: string;
  /** A jQuery UI icon class such as `ui-icon-disk`. */
  icon?: string;
  children?: MenuEntry[];
}

/** How long jQuery UI's menu waits, after the pointer arrives on an item, before it opens or closes submenus. */
export const MENU_DELAY_MS = 300;

/**
 * A nested menu with the markup and timing of jQuery UI 1.12's menu, which the official pages use:
 * `ul.ui-menu` (role menu) lists of `li.ui-menu-item`, each with a `div.ui-menu-item-wrapper`
 * (role menuitem). A parent's wrapper has `aria-haspopup` and a caret icon (`span.ui-menu-icon`);
 * its submenu is a hidden `ul` whose `aria-expanded` says whether it is open. Hovering an item
 * opens its submenu, and closes the other open ones at its level, 300 ms later; hovering again
 * restarts the wait. Clicking any item selects it, a parent too (the page then judges it).
 */
export function buildMenu(
  ctx: TaskContext,
  entries: readonly MenuEntry[],
  onSelect: (entry: MenuEntry) => void,
): HTMLUListElement {
  // One pending open or close for the whole menu, as jQuery UI keeps one timer per menu widget.
  let ticket = 0;
  const later = (fn: () => void): void => {
    const mine = ++ticket;
    ctx.setTimeout(() => {
      if (mine === ticket) fn();
    }, MENU_DELAY_MS);
  };

  const list = (level: readonly MenuEntry[], top: boolean): HTMLUListElement => {
    const ul = h(ctx.doc, 'ul', {
      class: top ? 'ui-menu ui-widget ui-widget-content' : 'ui-menu ui-widget ui-widget-content ui-front',
      role: 'menu',
    });
    const items = level.map((entry) => {
      const submenu = entry.children ? list(entry.children, false) : null;
      const wrapper = h(
        ctx.doc,
        'div',
        {
          class: 'ui-menu-item-wrapper',
          role: 'menuitem',
          tabindex: -1,
          'aria-haspopup': submenu ? 'true' : undefined,
        },
        submenu ? h(ctx.doc, 'span', { class: 'ui-menu-icon ui-icon ui-icon-caret-1-e' }) : null,
        entry.icon ? h(ctx.doc, 'span', { class: `ui-icon ${entry.icon}` }) : null,
        entry.label,
      );
      const item = h(ctx.doc, 'li', { class: 'ui-menu-item' }, wrapper, submenu);
      item.addEventListener('mouseover', (event) => {
        // The innermost item under the pointer decides; its ancestors are already open.
        event.stopPropagation();
        later(() => {
          for (const sibling of items) if (sibling !== item) closeWithin(sibling);
          if (submenu) show(submenu, true);
        });
      });
      wrapper.addEventListener('click', () => onSelect(entry));
      return item;
    });
    ul.append(...items);
    if (!top) show(ul, false);
    return ul;
  };
  return list(entries, true);
}

function show(submenu: HTMLElement, open: boolean): void {
  setVisible(submenu, open);
  submenu.setAttribute('aria-expanded', String(open));
  if (open) submenu.removeAttribute('aria-hidden');
  else submenu.setAttribute('aria-hidden', 'true');
}

/** Closes every submenu inside an item. */
function closeWithin(item: HTMLLIElement): void {
  for (const submenu of item.querySelectorAll<HTMLElement>('ul.ui-menu')) show(submenu, false);
}

export const MENU_CSS = `
.ui-menu { list-style: none; margin: 0; padding: 1px; width: 62px; background: #f0f0f0; border: 1px solid #c5c5c5; }
.ui-menu-item { position: relative; }
.ui-menu-item-wrapper { padding: 2px 3px; cursor: pointer; }
.ui-menu-item-wrapper:hover { background: #007fff; color: #fff; }
.ui-menu .ui-menu { position: absolute; left: 100%; top: 0; z-index: 1; }
.ui-icon { display: inline-block; width: 10px; height: 10px; margin-right: 2px; background: #888; vertical-align: middle; }
.ui-menu-icon { float: right; background: none; }
`;
