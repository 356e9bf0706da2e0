import { defineTask } from '../core/task.ts';
import { buildCheckboxPage, CHECKBOX_CSS, randomSelection } from './checkbox-list.ts';

/** Up to 12 checkboxes in two columns, 5-12 of them asked for. */
export const clickCheckboxesLarge = defineTask({
  name: 'click-checkboxes-large',
  description: 'Check the many boxes the instruction names (and no others), then click Submit.',
  partialCredit: true,
  maxTime: 20,
  // Twelve boxes and Submit: 13 steps, above the standard budget of 10.
  maxSteps: 13,
  css: CHECKBOX_CSS,
  generate(ctx) {
    const wantedCount = ctx.random.int(5, 12);
    const { items, utterance } = randomSelection(
      ctx.random,
      ctx.random.int(Math.max(7, wantedCount), 12),
      wantedCount,
    );
    ctx.setUtterance(utterance);
    buildCheckboxPage(ctx, items, 2);
  },
});
