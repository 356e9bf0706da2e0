import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, byRole, firstElement, need, taskArea, textFields, textOf } from '../find.ts';

const TASK = 'visual-addition';

/** The painted blocks of each group, counted; the groups are the two block holders either side of "+". */
function total(root: ObsElement): number {
  const area = taskArea(root);
  const groups = ['visual-1', 'visual-2'].map((id) =>
    need(
      TASK,
      firstElement(area, (e) => e.attributes.id === id),
      `the block group ${id}`,
    ),
  );
  return groups.reduce(
    (sum, group) => sum + allElements(group, (e) => e.visual?.background !== undefined).length,
    0,
  );
}

function controls(root: ObsElement): { field: ObsElement; submit: ObsElement } {
  const area = taskArea(root);
  return {
    field: need(TASK, textFields(area)[0], 'the answer box'),
    submit: need(
      TASK,
      firstElement(area, (e) => byRole('button')(e) && textOf(e) === 'Submit'),
      'Submit',
    ),
  };
}

export const visualAdditionExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const sum = total(observation.tree);
    const { field, submit } = controls(observation.tree);
    if (field.value !== String(sum)) {
      return {
        thought: `I count ${sum} blocks in all; I type ${sum}.`,
        action: act.fill(field, String(sum)),
      };
    }
    return { thought: 'The total is typed; I submit.', action: act.click(submit) };
  },
  wrong({ observation }) {
    const wrongSum = String(total(observation.tree) + 1);
    const { field, submit } = controls(observation.tree);
    if (field.value !== wrongSum)
      return { thought: `I type ${wrongSum}, one too many.`, action: act.fill(field, wrongSum) };
    return { thought: 'I submit.', action: act.click(submit) };
  },
};
