import type { StepView } from '../../env/episode.ts';
import { centreOf, mouse, submitButton } from '../coordinates/points.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { act, byClass, firstElement, need } from '../find.ts';

const TASK = 'resize-textarea';
const DISTANCE = 25;

/**
 * Drags the right-edge handle (for the width) or the bottom one (for the height) 25 px out to
 * enlarge or in to shrink, then submits. The wrong policy drags the other way.
 */
function step({ observation, history }: StepView, solve: boolean): { thought: string; action: string } {
  const tree = observation.tree;
  if (history.some((a) => a.startsWith('mouse_drag'))) {
    return { thought: 'The textarea is resized; I submit.', action: act.click(submitButton(TASK, tree)) };
  }
  const match = /^Resize the textarea so that the (width|height) is (larger|smaller) than/.exec(
    observation.utterance,
  );
  if (!match) throw new ExpertConfusedError(TASK, `cannot read the instruction "${observation.utterance}"`);
  const [, dimension, change] = match;
  const handle = need(
    TASK,
    firstElement(tree, byClass(dimension === 'width' ? 'ui-resizable-e' : 'ui-resizable-s')),
    `the handle on the ${dimension === 'width' ? 'right' : 'bottom'} edge`,
  );
  const from = centreOf(TASK, handle);
  const sign = (change === 'larger') === solve ? 1 : -1;
  const to =
    dimension === 'width'
      ? { x: from.x + sign * DISTANCE, y: from.y }
      : { x: from.x, y: from.y + sign * DISTANCE };
  return {
    thought: `I drag the ${dimension === 'width' ? 'right' : 'bottom'} edge ${sign > 0 ? 'out' : 'in'}.`,
    action: mouse.drag(from, to),
  };
}

export const resizeTextareaExpert: Expert = {
  task: TASK,
  solve: (view) => step(view, true),
  wrong: (view) => step(view, false),
};
