import { defineTask } from '../core/task.ts';
import { buildCheckboxPage, CHECKBOX_CSS, pickWanted, selectUtterance } from './checkbox-list.ts';
import { SYNONYM_GROUPS } from './synonyms.ts';

/**
 * 3-6 checkboxes, each labelled with a word of a different meaning; the instruction names 1-5 of
 * them by a synonym, never by the label's own word.
 */
export const clickCheckboxesSoft = defineTask({
  name: 'click-checkboxes-soft',
  description: 'Check the boxes whose words mean the same as the words named, then click Submit.',
  partialCredit: true,
  css: CHECKBOX_CSS,
  generate(ctx) {
    const wantedCount = ctx.random.int(1, 5);
    const count = ctx.random.int(Math.max(3, wantedCount + 1), 6);
    const groups = ctx.random.sample(SYNONYM_GROUPS, count);
    const wanted = pickWanted(ctx.random, count, wantedCount);
    const pairs = groups.map((group) => ctx.random.sample(group, 2));
    const items = pairs.map(([label = ''], i) => ({ label, wanted: wanted[i] === true }));
    const named = ctx.random.shuffle(pairs.filter((_, i) => wanted[i]).map(([, synonym = '']) => synonym));
    ctx.setUtterance(selectUtterance(named, 'Select words similar to'));
    buildCheckboxPage(ctx, items);
  },
});
