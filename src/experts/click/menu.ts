import type { ObsElement, ObsNode } from '../../env/observation.ts';

/** A visible menu item and how many menus deep it sits (0 for the top level). */
export interface ShownMenuItem {
  item: ObsElement;
  depth: number;
}

/** Every visible menu item (role menuitem), in page order, with its depth. */
export function shownMenuItems(tree: ObsElement): ShownMenuItem[] {
  const found: ShownMenuItem[] = [];
  const walk = (node: ObsNode, menus: number): void => {
    if (typeof node === 'string') return;
    if (node.role === 'menuitem') found.push({ item: node, depth: menus - 1 });
    const inside = node.role === 'menu' ? menus + 1 : menus;
    node.children.forEach((child) => walk(child, inside));
  };
  walk(tree, 0);
  return found;
}

/** A parent item says whether its submenu is open (aria-expanded); a leaf says nothing. */
export const isParent = (item: ObsElement): boolean => item.attributes['aria-expanded'] !== undefined;
export const isExpanded = (item: ObsElement): boolean => item.attributes['aria-expanded'] === 'true';
