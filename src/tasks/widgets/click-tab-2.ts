import type { Random } from '../../core/random.ts';
import { defineTask, type RegisteredTask } from '../core/task.ts';
import { LINK_CSS, linkedProse } from './links.ts';
import { buildTabs, TAB_CSS } from './tabs.ts';

/**
 * Tabs of prose with some words as links; find the named link, switching tabs to see hidden panels.
 * The variants differ only in how many tabs there are.
 */
function clickTab2Task(
  name: string,
  description: string,
  tabCount: (random: Random) => number,
): RegisteredTask {
  return defineTask({
    name,
    description,
    css: `${TAB_CSS}\n${LINK_CSS}`,
    generate(ctx) {
      const { panels, target } = linkedProse(ctx, tabCount(ctx.random));
      ctx.setUtterance(`Switch between the tabs to find and click on the link "${target}".`);
      buildTabs(ctx, panels);
    },
  });
}

export const clickTab2 = clickTab2Task(
  'click-tab-2',
  'Find and click a link inside one of three tabs.',
  () => 3,
);
export const clickTab2Easy = clickTab2Task('click-tab-2-easy', 'Click a link in the only tab.', () => 1);
// The link is in the open tab or in the other one: switch only when it is not in view.
export const clickTab2Medium = clickTab2Task(
  'click-tab-2-medium',
  'Click a link that is in the open tab or in the second one.',
  () => 2,
);
export const clickTab2Hard = clickTab2Task(
  'click-tab-2-hard',
  'Find and click a link inside one of two to six tabs.',
  (random) => random.int(2, 6),
);
