import { defineTask } from '../core/task.ts';
import { buildCheckboxPage, CHECKBOX_CSS, randomSelection } from './checkbox-list.ts';

/**
 * click-checkboxes with few boxes asked for (0-3 of 3-6): the official training distribution of a
 * task whose test mode asks for 4-6, to measure transfer to longer selections.
 */
export const clickCheckboxesTransfer = defineTask({
  name: 'click-checkboxes-transfer',
  description: 'Check the few boxes the instruction names (and no others), then click Submit.',
  partialCredit: true,
  css: CHECKBOX_CSS,
  generate(ctx) {
    const wantedCount = ctx.random.int(0, 3);
    const { items, utterance } = randomSelection(
      ctx.random,
      ctx.random.int(Math.max(3, wantedCount), 6),
      wantedCount,
    );
    ctx.setUtterance(utterance);
    buildCheckboxPage(ctx, items);
  },
});
