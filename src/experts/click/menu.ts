import type { PolicyStep } from '../../env/episode.ts';
import type { ObsElement, ObsNode } from '../../env/observation.ts';
import { act, textOf } from '../find.ts';
import { waitStep } from '../widgets/find-widgets.ts';

/** A visible menu item, how many menus deep it sits (0 for the top level), and its submenu's state. */
export interface ShownMenuItem {
  item: ObsElement;
  depth: number;
  /** 'none' for a leaf; a parent's submenu is 'open' when it is shown, else 'closed'. */
  submenu: 'none' | 'open' | 'closed';
}

const classes = (e: ObsElement): string[] => (e.attributes.class ?? '').split(/\s+/);

/**
 * Whether an item opens a submenu, by what the page shows: `aria-expanded` on the item (some
 * menus), or the caret icon jQuery UI puts in a parent's wrapper (`span.ui-menu-icon`).
 */
function isParentItem(item: ObsElement): boolean {
  return (
    item.attributes['aria-expanded'] !== undefined ||
    item.children.some((c) => typeof c !== 'string' && classes(c).includes('ui-menu-icon'))
  );
}

/**
 * Every visible menu item (role menuitem), in page order, with its depth and submenu. A submenu is
 * the menu beside the item in its list entry (jQuery UI) or inside it; a hidden one is not in the
 * observation at all, so a parent whose submenu is missing there has it closed.
 */
export function shownMenuItems(tree: ObsElement): ShownMenuItem[] {
  const found: ShownMenuItem[] = [];
  const walk = (node: ObsNode, menus: number): void => {
    if (typeof node === 'string') return;
    const inside = node.role === 'menu' ? menus + 1 : menus;
    const elements = node.children.filter((c): c is ObsElement => typeof c !== 'string');
    const shownMenu = elements.some((c) => c.role === 'menu');
    for (const child of elements) {
      if (child.role === 'menuitem') {
        const nested = child.children.some((c) => typeof c !== 'string' && c.role === 'menu');
        const open = shownMenu || nested || child.attributes['aria-expanded'] === 'true';
        const parent = open || isParentItem(child);
        found.push({ item: child, depth: inside - 1, submenu: parent ? (open ? 'open' : 'closed') : 'none' });
      }
      walk(child, inside);
    }
  };
  walk(tree, 0);
  return found;
}

/**
 * Hovers a parent item to open its submenu, or waits when that was the last move: a menu may open
 * a submenu only a moment after the pointer arrives (jQuery UI waits 300 ms, as on the official
 * pages), and hovering again would restart that wait.
 */
export function hoverOrWait(history: readonly string[], item: ObsElement, thought: string): PolicyStep {
  const hover = act.hover(item);
  const lastMove = history.findLast((a) => !a.startsWith('noop('));
  if (lastMove === hover) {
    return waitStep(history, `${textOf(item)} is hovered but its submenu is not open yet; I wait for it.`);
  }
  return { thought, action: hover };
}
