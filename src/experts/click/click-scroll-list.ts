import type { Expert } from '../expert.ts';
import { act, allElements, byRole, firstElement, need, taskArea, textOf } from '../find.ts';
import type { ObsElement } from '../../env/observation.ts';
import { utterancePart } from './utterance.ts';

const TASK = 'click-scroll-list';
const targets = (utterance: string): string[] =>
  utterancePart(TASK, utterance, /^Select (.+) from the scroll list and click Submit\.$/).split(', ');
const options = (tree: ObsElement): ObsElement[] => allElements(taskArea(tree), byRole('option'));
const submit = (tree: ObsElement): ObsElement =>
  need(
    TASK,
    firstElement(taskArea(tree), (e) => e.role === 'button' && textOf(e) === 'Submit'),
    'Submit',
  );

export const clickScrollListExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const wanted = targets(observation.utterance);
    const all = options(observation.tree);
    for (const item of wanted) {
      const option = need(
        TASK,
        all.find((o) => textOf(o) === item),
        `the item ${item} in the list`,
      );
      if (!option.selected) return { thought: `I select ${item} in the list.`, action: act.click(option) };
    }
    return {
      thought: `${wanted.join(', ')} are selected; I click Submit.`,
      action: act.click(submit(observation.tree)),
    };
  },
  wrong({ observation }) {
    const wanted = targets(observation.utterance);
    const others = options(observation.tree).filter((o) => !wanted.includes(textOf(o)));
    if (others.some((o) => o.selected)) {
      return { thought: 'A wrong item is selected; I submit.', action: act.click(submit(observation.tree)) };
    }
    const other = need(TASK, others[0], 'an item that was not asked for');
    return { thought: `I select ${textOf(other)}, which was not asked for.`, action: act.click(other) };
  },
};
