import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, byRole, need, taskArea, textOf } from '../find.ts';
import { fits, parseDescription, seenItems } from './shape-items.ts';

const TASK = 'count-shape';

function countAsked(utterance: string, root: Parameters<typeof seenItems>[0]): number {
  const words = /How many (.+)s are there\?/.exec(utterance)?.[1];
  if (words === undefined) throw new ExpertConfusedError(TASK, `cannot read the question "${utterance}"`);
  const asked = parseDescription(words);
  return seenItems(root).filter((item) => fits(item, asked)).length;
}

export const countShapeExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const area = taskArea(observation.tree);
    const count = countAsked(observation.utterance, area);
    const button = need(
      TASK,
      allElements(area, byRole('button')).find((b) => textOf(b) === String(count)),
      `a button for ${count}`,
    );
    return { thought: `I count ${count} items that fit; I press ${count}.`, action: act.click(button) };
  },
  wrong({ observation }) {
    const area = taskArea(observation.tree);
    const count = countAsked(observation.utterance, area);
    const button = need(
      TASK,
      allElements(area, byRole('button')).find((b) => textOf(b) !== String(count)),
      'a button with another number',
    );
    return { thought: `I press ${textOf(button)}, which is not the count.`, action: act.click(button) };
  },
};
