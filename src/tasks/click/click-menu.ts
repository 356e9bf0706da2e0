import type { Random } from '../../core/random.ts';
import { defineTask } from '../core/task.ts';
import { PEOPLE_NAMES } from './content.ts';
import { buildMenu, MENU_CSS, type MenuEntry } from './menu.ts';

const MAX_DEPTH = 3;

/** Two to four entries per level, each a parent half of the time, up to three levels; names never repeat. */
function drawMenu(random: Random, names: string[], depth: number): MenuEntry[] {
  return Array.from({ length: random.int(2, 4) }, () => {
    const label = names.pop() as string;
    const parent = depth + 1 < MAX_DEPTH && random.chance(0.5);
    return parent ? { label, children: drawMenu(random, names, depth + 1) } : { label };
  });
}

/** Every leaf with its path of labels from the top. */
function leafPaths(entries: readonly MenuEntry[], prefix: string[] = []): string[][] {
  return entries.flatMap((entry) =>
    entry.children ? leafPaths(entry.children, [...prefix, entry.label]) : [[...prefix, entry.label]],
  );
}

/** A nested menu of names: open submenus (hover or click) and select the item at the given path. */
export const clickMenu = defineTask({
  name: 'click-menu',
  description: 'Open nested submenus and select the menu item at the given path.',
  css: MENU_CSS,
  generate(ctx) {
    // 4 + 16 + 64 entries at most, fewer than there are names.
    const entries = drawMenu(ctx.random, ctx.random.shuffle(PEOPLE_NAMES), 0);
    const path = ctx.random.pick(leafPaths(entries));
    const target = path.at(-1);
    ctx.setUtterance(`Select ${path.join('>')}`);
    const menu = buildMenu(ctx, entries, (entry) =>
      entry.label === target ? ctx.succeed() : ctx.fail(`selected ${entry.label}`),
    );
    menu.id = 'menu';
    ctx.area.append(menu);
  },
});
