import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, allElements, byRole, need, taskArea, textOf } from '../find.ts';
import { seenItems } from './shape-items.ts';

const TASK = 'identify-shape';

/** The button label for each kind of figure. */
const LABELS: Record<string, string> = {
  rectangle: 'Rectangle',
  circle: 'Circle',
  triangle: 'Triangle',
  letter: 'Letter',
  digit: 'Number',
};

function labelOf(root: Parameters<typeof seenItems>[0]): string {
  const item = seenItems(root)[0];
  if (!item) throw new ExpertConfusedError(TASK, 'cannot find the figure on the page');
  return LABELS[item.type === 'shape' ? item.text : item.type] as string;
}

export const identifyShapeExpert: Expert = {
  task: TASK,
  solve({ observation }) {
    const area = taskArea(observation.tree);
    const label = labelOf(area);
    const button = need(
      TASK,
      allElements(area, byRole('button')).find((b) => textOf(b) === label),
      `the ${label} button`,
    );
    return {
      thought: `The figure is a ${label.toLowerCase()}; I press ${label}.`,
      action: act.click(button),
    };
  },
  wrong({ observation }) {
    const area = taskArea(observation.tree);
    const label = labelOf(area);
    const button = need(
      TASK,
      allElements(area, byRole('button')).find((b) => textOf(b) !== label),
      'another button',
    );
    return {
      thought: `I press ${textOf(button)}, which does not name the figure.`,
      action: act.click(button),
    };
  },
};
