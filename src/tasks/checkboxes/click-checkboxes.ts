import { defineTask } from '../core/task.ts';
import { buildCheckboxPage, CHECKBOX_CSS, randomLabels, selectUtterance } from './checkbox-list.ts';

/** 2-6 labelled checkboxes, each asked for with even odds; check exactly those named and submit. */
export const clickCheckboxes = defineTask({
  name: 'click-checkboxes',
  description: 'Check the boxes the instruction names (and no others), then click Submit.',
  partialCredit: true,
  css: CHECKBOX_CSS,
  generate(ctx) {
    const items = randomLabels(ctx.random, ctx.random.int(2, 6)).map((label) => ({
      label,
      wanted: ctx.random.chance(0.5),
    }));
    ctx.setUtterance(selectUtterance(items.filter((item) => item.wanted).map((item) => item.label)));
    buildCheckboxPage(ctx, items);
  },
});
