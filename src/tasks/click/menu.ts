import { h, setVisible } from '../core/dom.ts';
import type { TaskContext } from '../core/task.ts';

/** One entry of a menu: a leaf to select, or a parent whose submenu opens on hover or click. */
export interface MenuEntry {
  label: string;
  /** A jQuery UI icon class such as `ui-icon-disk`. */
  icon?: string;
  children?: MenuEntry[];
}

/**
 * A nested menu shaped like jQuery UI's (which the official pages use): `ul.ui-menu` lists of
 * `li.ui-menu-item`, each with a `div.ui-menu-item-wrapper` (role menuitem). Hovering or clicking a
 * parent opens its submenu and closes its siblings'; clicking a leaf selects it.
 */
export function buildMenu(
  ctx: TaskContext,
  entries: readonly MenuEntry[],
  onSelect: (entry: MenuEntry) => void,
): HTMLUListElement {
  const list = h(ctx.doc, 'ul', { class: 'ui-menu', role: 'menu' });
  const items = entries.map((entry) => {
    const wrapper = h(
      ctx.doc,
      'div',
      { class: 'ui-menu-item-wrapper', role: 'menuitem', tabindex: -1 },
      entry.icon ? h(ctx.doc, 'span', { class: `ui-icon ${entry.icon}` }) : null,
      entry.label,
    );
    const item = h(ctx.doc, 'li', { class: 'ui-menu-item' }, wrapper);
    const submenu = entry.children ? buildMenu(ctx, entry.children, onSelect) : null;
    if (submenu) {
      wrapper.setAttribute('aria-haspopup', 'true');
      item.append(submenu);
    }
    const open = (): void => {
      for (const sibling of items) if (sibling !== item) collapse(sibling);
      if (submenu) {
        setVisible(submenu, true);
        wrapper.setAttribute('aria-expanded', 'true');
      }
    };
    item.addEventListener('mouseover', (event) => {
      // The innermost item under the pointer decides; its ancestors are already open.
      event.stopPropagation();
      open();
    });
    wrapper.addEventListener('click', () => (submenu ? open() : onSelect(entry)));
    collapse(item);
    return item;
  });
  list.append(...items);
  return list;
}

/** Closes an item's submenu and every submenu inside it. */
function collapse(item: HTMLLIElement): void {
  for (const submenu of item.querySelectorAll<HTMLElement>('ul.ui-menu')) setVisible(submenu, false);
  for (const wrapper of item.querySelectorAll('[aria-haspopup]'))
    wrapper.setAttribute('aria-expanded', 'false');
}

export const MENU_CSS = `
.ui-menu { list-style: none; margin: 0; padding: 1px; width: 62px; background: #f0f0f0; border: 1px solid #c5c5c5; }
.ui-menu-item { position: relative; }
.ui-menu-item-wrapper { padding: 2px 3px; cursor: pointer; }
.ui-menu-item-wrapper:hover { background: #007fff; color: #fff; }
.ui-menu .ui-menu { position: absolute; left: 100%; top: 0; z-index: 1; }
.ui-icon { display: inline-block; width: 10px; height: 10px; margin-right: 2px; background: #888; vertical-align: middle; }
`;
