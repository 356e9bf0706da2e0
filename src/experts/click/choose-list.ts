import type { Expert } from '../expert.ts';
import { act, allElements, byRole, byTag, firstElement, need, taskArea, textOf } from '../find.ts';
import type { ObsElement } from '../../env/observation.ts';
import { utterancePart } from './utterance.ts';

const TASK = 'choose-list';
const target = (utterance: string): string =>
  utterancePart(TASK, utterance, /^Select (.+) from the list and click Submit\.$/);
const list = (tree: ObsElement): ObsElement =>
  need(TASK, firstElement(taskArea(tree), byTag('select')), 'the drop-down list');
const submit = (tree: ObsElement): ObsElement =>
  need(
    TASK,
    firstElement(taskArea(tree), (e) => e.role === 'button' && textOf(e) === 'Submit'),
    'Submit',
  );

export const chooseListExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const item = target(observation.utterance);
    const select = list(observation.tree);
    if (select.value !== item)
      return { thought: `I choose ${item} in the list.`, action: act.select(select, item) };
    return { thought: `${item} is chosen; I click Submit.`, action: act.click(submit(observation.tree)) };
  },
  wrong({ observation }) {
    const item = target(observation.utterance);
    const select = list(observation.tree);
    if (select.value !== item) {
      return {
        thought: `${select.value} is chosen, not ${item}; I submit it.`,
        action: act.click(submit(observation.tree)),
      };
    }
    const other = need(
      TASK,
      allElements(select, byRole('option')).find((o) => textOf(o) !== item),
      'another item in the list',
    );
    return { thought: `I choose ${textOf(other)} instead.`, action: act.select(select, textOf(other)) };
  },
};
