import type { Expert } from '../expert.ts';
import { act, byTag, firstElement, need, taskArea } from '../find.ts';
import { fits, parseDescription, seenItems } from './shape-items.ts';

const TASK = 'click-shape';

function read(utterance: string): ReturnType<typeof parseDescription> {
  return parseDescription(/Click on an? (.+?)\.?$/.exec(utterance.trim())?.[1] ?? '');
}

export const clickShapeExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const asked = read(observation.utterance);
    const item = need(
      TASK,
      seenItems(taskArea(observation.tree)).find((i) => fits(i, asked))?.element,
      `an item that is a ${observation.utterance.replace(/^Click on an? /, '')}`,
    );
    return {
      thought: `The ${item.visual?.fill} ${item.tag} fits the description; I click it.`,
      action: act.click(item),
    };
  },
  wrong({ observation }) {
    const asked = read(observation.utterance);
    const area = taskArea(observation.tree);
    const other = seenItems(area).find((i) => !fits(i, asked))?.element;
    const target = other ?? need(TASK, firstElement(area, byTag('svg')), 'the grid');
    return { thought: 'I click something that does not fit the description.', action: act.click(target) };
  },
};
