import { defineTask } from '../core/task.ts';
import { loremWords } from '../core/lorem.ts';
import { buildTabs, TAB_CSS } from './tabs.ts';

/** Three tabs of prose; click the tab the instruction names (never the one already open). */
export const clickTab = defineTask({
  name: 'click-tab',
  description: 'Click on the tab with the given number.',
  css: TAB_CSS,
  generate(ctx) {
    const target = ctx.random.int(0, 2);
    const active = ctx.random.pick([0, 1, 2].filter((i) => i !== target));
    ctx.setUtterance(`Click on Tab #${target + 1}.`);
    buildTabs(
      ctx,
      [0, 1, 2].map(() => [loremWords(ctx.random, 20).join(' ')]),
      {
        active,
        onTab: (index) => (index === target ? ctx.succeed() : ctx.fail(`clicked Tab #${index + 1}`)),
      },
    );
  },
});
